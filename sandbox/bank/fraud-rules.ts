import { type City, cities, distanceKm } from '../synthetic/cities.ts'
import type { Transaction } from '../synthetic/types.ts'

// The bank's fraud rules: pure functions of a new card charge, the card's recent
// charges (oldest first, all booked before it) and the account's spending baseline.
// They read only what a real bank sees (amount, merchant, channel, time, where the
// card was used), never the world's hidden ground truth.

export type RuleName = 'card_testing' | 'velocity' | 'spend_velocity' | 'amount_anomaly' | 'impossible_travel'

/** What the bank knows of an account's usual spending over the previous 90 days. */
export interface Baseline {
  /** How many card charges. */
  charges: number
  /** Median and largest charge, in cents (positive). */
  medianCharge: number
  largestCharge: number
  /** Where the card is used in store most often, or null if it never was. */
  homeCity: string | null
  /** Share of in-store charges made elsewhere (0–1): how much the customer travels. */
  awayShare: number
}

export interface Finding {
  rule: RuleName
  /** In words a person can read. */
  reason: string
  /** The charges to flag: the new one, and earlier ones that belong to the same pattern. */
  transactions: readonly Transaction[]
}

export type Rule = (
  txn: Transaction,
  recent: readonly Transaction[],
  baseline: Baseline | null,
) => Finding | null

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS

export const LIMITS = {
  /** Card testing: this many tiny card-not-present charges within the window. */
  testingCount: 3,
  testingWindowMs: 15 * MINUTE_MS,
  /** Below this (cents) a charge is "tiny". */
  tinyCents: 500,
  /** Velocity: this many charges on one card within the window. */
  velocityCount: 6,
  velocityWindowMs: HOUR_MS,
  /** Spend velocity: this many large card-not-present charges (cents) within the window. */
  spendCount: 2,
  largeCents: 20_000,
  spendWindowMs: 3 * HOUR_MS,
  /**
   * Amount anomaly: more than this many times the median, above the largest charge of
   * the baseline, and above the floor (cents).
   */
  anomalyRatio: 25,
  anomalyFloorCents: 30_000,
  /** Fewer charges than this in the baseline and the anomaly rule does not judge. */
  anomalyMinHistory: 10,
  /** Impossible travel: in-store charges this far apart (km) within the window; no flight does that. */
  travelWindowMs: HOUR_MS,
  travelMinKm: 1_500,
  /** Customers who shop away from home this often travel too much for the rule to judge. */
  travellerAwayShare: 0.15,
} as const

/** How far back the engine must remember a card's charges for every rule. */
export const HISTORY_WINDOW_MS = Math.max(
  LIMITS.testingWindowMs,
  LIMITS.velocityWindowMs,
  LIMITS.spendWindowMs,
  LIMITS.travelWindowMs,
)

export const isCharge = (txn: Transaction): boolean => txn.amount < 0 && txn.cardId !== null
const cardNotPresent = (txn: Transaction): boolean => txn.channel !== 'in_store'
const tiny = (txn: Transaction): boolean => -txn.amount < LIMITS.tinyCents
const within = (txn: Transaction, windowMs: number) => (other: Transaction) =>
  txn.bookedAtMs - other.bookedAtMs <= windowMs

/** Several tiny online charges in a few minutes: someone checking a stolen number works. */
export const cardTesting: Rule = (txn, recent) => {
  if (!cardNotPresent(txn) || !tiny(txn)) return null
  const burst = recent.filter((t) => cardNotPresent(t) && tiny(t)).filter(within(txn, LIMITS.testingWindowMs))
  if (burst.length + 1 < LIMITS.testingCount) return null
  return {
    rule: 'card_testing',
    reason: `Card testing: ${burst.length + 1} tiny online charges within ${LIMITS.testingWindowMs / MINUTE_MS} minutes`,
    transactions: [...burst, txn],
  }
}

/** Too many charges on one card in a short time. */
export const velocity: Rule = (txn, recent) => {
  const burst = recent.filter(within(txn, LIMITS.velocityWindowMs))
  if (burst.length + 1 < LIMITS.velocityCount) return null
  return {
    rule: 'velocity',
    reason: `Velocity: ${burst.length + 1} charges within ${LIMITS.velocityWindowMs / MINUTE_MS} minutes`,
    transactions: [...burst, txn],
  }
}

/** Several large online charges in a few hours: someone emptying a taken-over account. */
export const spendVelocity: Rule = (txn, recent) => {
  const large = (t: Transaction) => cardNotPresent(t) && -t.amount >= LIMITS.largeCents
  if (!large(txn)) return null
  const burst = recent.filter(large).filter(within(txn, LIMITS.spendWindowMs))
  if (burst.length + 1 < LIMITS.spendCount) return null
  const dollars = Math.round([...burst, txn].reduce((sum, t) => sum - t.amount, 0) / 100)
  return {
    rule: 'spend_velocity',
    reason: `Spend velocity: ${burst.length + 1} large online charges totalling $${dollars} within ${LIMITS.spendWindowMs / HOUR_MS} hours`,
    transactions: [...burst, txn],
  }
}

/** Far larger than anything this customer usually spends. */
export const amountAnomaly: Rule = (txn, _recent, baseline) => {
  if (!baseline || baseline.charges < LIMITS.anomalyMinHistory) return null
  const size = -txn.amount
  if (size <= LIMITS.anomalyFloorCents || size <= baseline.largestCharge) return null
  if (size <= LIMITS.anomalyRatio * baseline.medianCharge) return null
  const ratio = Math.floor(size / Math.max(1, baseline.medianCharge))
  return {
    rule: 'amount_anomaly',
    reason: `Amount anomaly: ${ratio}× the customer’s usual charge, more than any in 90 days`,
    transactions: [txn],
  }
}

/**
 * An in-store charge away from where the card is usually used, shortly after one in a
 * city too far away to have got here since. The later, unfamiliar one is flagged.
 */
export const impossibleTravel: Rule = (txn, recent, baseline) => {
  if (txn.channel !== 'in_store' || txn.city === baseline?.homeCity) return null
  if (baseline && baseline.awayShare > LIMITS.travellerAwayShare) return null
  const here = cityNamed(txn.city)
  if (!here) return null
  for (let i = recent.length - 1; i >= 0; i--) {
    const before = recent[i]
    if (!before || txn.bookedAtMs - before.bookedAtMs > LIMITS.travelWindowMs) break
    const there =
      before.channel === 'in_store' && before.city !== txn.city ? cityNamed(before.city) : undefined
    const km = there ? distanceKm(there, here) : 0
    if (km < LIMITS.travelMinKm) continue
    const minutes = Math.round((txn.bookedAtMs - before.bookedAtMs) / MINUTE_MS)
    return {
      rule: 'impossible_travel',
      reason: `Impossible travel: in store in ${before.city}, then ${Math.round(km)} km away in ${txn.city} ${minutes} minutes later`,
      transactions: [txn],
    }
  }
  return null
}

/** In order of precedence: the first that fires names the alert. */
export const RULES: readonly Rule[] = [cardTesting, velocity, spendVelocity, impossibleTravel, amountAnomaly]

/** Every rule's finding on one charge. */
export function evaluate(
  txn: Transaction,
  recent: readonly Transaction[],
  baseline: Baseline | null,
): Finding[] {
  if (!isCharge(txn)) return []
  const findings: Finding[] = []
  for (const rule of RULES) {
    const finding = rule(txn, recent, baseline)
    if (finding) findings.push(finding)
  }
  return findings
}

const byName = new Map<string, City>(cities.map((city) => [city.name, city]))

export function cityNamed(name: string): City | undefined {
  return byName.get(name)
}

/** The median of values already in ascending order. */
export function medianOfAscending(sorted: readonly number[]): number {
  if (sorted.length === 0) return 0
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}
