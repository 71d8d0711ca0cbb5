import { type City, cities, distanceKm } from '../world/cities.ts'
import type { Transaction } from '../world/types.ts'

// The bank's fraud rules: pure functions of a new card charge, the card's recent
// charges (oldest first, all booked before it) and the account's spending baseline.
// They read only what a real bank sees (amount, merchant, channel, time, where the
// card was used), never the world's hidden ground truth.

export type RuleName = 'card_testing' | 'velocity' | 'amount_anomaly' | 'impossible_travel'

export interface Baseline {
  /** Median card charge over the previous 90 days, in cents (positive). */
  medianCharge: number
  /** How many charges the median is over. */
  charges: number
}

export interface Finding {
  rule: RuleName
  /** In words a person can read. */
  reason: string
  /** The charges to flag: the new one, and earlier ones that belong to the same pattern. */
  transactions: readonly Transaction[]
}

export type Rule = (txn: Transaction, recent: readonly Transaction[], baseline: Baseline | null) => Finding | null

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
  /** Amount anomaly: more than this many times the median and more than the floor (cents). */
  anomalyRatio: 8,
  anomalyFloorCents: 30_000,
  /** Fewer charges than this in the baseline and the anomaly rule does not judge. */
  anomalyMinHistory: 10,
  /** Impossible travel: two in-store charges this far apart (km) faster than a plane flies. */
  travelWindowMs: 2 * HOUR_MS,
  travelMinKm: 500,
  travelMaxKmh: 800,
} as const

/** How far back the engine must remember a card's charges for every rule. */
export const HISTORY_WINDOW_MS = Math.max(LIMITS.testingWindowMs, LIMITS.velocityWindowMs, LIMITS.travelWindowMs)

export const isCharge = (txn: Transaction): boolean => txn.amount < 0 && txn.cardId !== null
const cardNotPresent = (txn: Transaction): boolean => txn.channel !== 'in_store'
const tiny = (txn: Transaction): boolean => -txn.amount < LIMITS.tinyCents
const within = (txn: Transaction, windowMs: number) => (other: Transaction) => txn.bookedAtMs - other.bookedAtMs <= windowMs

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

/** Far larger than anything this customer usually spends. */
export const amountAnomaly: Rule = (txn, _recent, baseline) => {
  if (!baseline || baseline.charges < LIMITS.anomalyMinHistory) return null
  const size = -txn.amount
  if (size <= LIMITS.anomalyFloorCents || size <= LIMITS.anomalyRatio * baseline.medianCharge) return null
  const ratio = Math.floor(size / Math.max(1, baseline.medianCharge))
  return { rule: 'amount_anomaly', reason: `Amount anomaly: ${ratio}× the customer’s usual charge`, transactions: [txn] }
}

/** Two in-store charges further apart than anyone could travel in the time between them. */
export const impossibleTravel: Rule = (txn, recent) => {
  if (txn.channel !== 'in_store') return null
  const here = cityNamed(txn.city)
  if (!here) return null
  for (let i = recent.length - 1; i >= 0; i--) {
    const before = recent[i]
    if (!before || txn.bookedAtMs - before.bookedAtMs > LIMITS.travelWindowMs) break
    if (before.channel !== 'in_store' || before.city === txn.city) continue
    const there = cityNamed(before.city)
    if (!there) continue
    const km = distanceKm(there, here)
    const hours = Math.max(txn.bookedAtMs - before.bookedAtMs, MINUTE_MS) / HOUR_MS
    if (km >= LIMITS.travelMinKm && km / hours > LIMITS.travelMaxKmh) {
      return {
        rule: 'impossible_travel',
        reason: `Impossible travel: in-store charges in ${before.city} and ${txn.city} ${Math.round(km)} km apart within ${Math.round(hours * 60)} minutes`,
        transactions: [txn],
      }
    }
  }
  return null
}

/** In order of precedence: the first that fires names the alert. */
export const RULES: readonly Rule[] = [cardTesting, velocity, impossibleTravel, amountAnomaly]

/** Every rule's finding on one charge. */
export function evaluate(txn: Transaction, recent: readonly Transaction[], baseline: Baseline | null): Finding[] {
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

export function median(values: number[]): number {
  if (values.length === 0) return 0
  const sorted = values.slice().sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}
