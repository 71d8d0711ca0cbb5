import { grantConsent } from '../sandbox/bank/consents.ts'
import { createDeps } from '../sandbox/deps.ts'
import { DAY_MS, type FraudPattern } from '../sandbox/synthetic/types.ts'
import { createClock } from '../sandbox/time/clock.ts'
import { tick } from '../sandbox/time/tick.ts'

// How well the bank's fraud engine does against the world's hidden ground truth: link
// a few hundred customers with the alerts scope, let a month pass one day per tick,
// then compare what the alerts flagged with what the world marked as fraud. The engine
// never reads the ground truth; only this report does. Prints nothing itself.

export interface FraudQualityOptions {
  seed?: number
  /** Linked customers at `bankId`. */
  customers?: number
  days?: number
  bankId?: string
}

export interface FraudQuality {
  customers: number
  days: number
  alerts: number
  /** Transactions the world marked as fraud, booked during the window. */
  fraudTxns: number
  /** Transactions in any alert. */
  flaggedTxns: number
  truePositives: number
  /** Transaction level: flagged ∩ fraud over flagged, and over fraud. */
  precision: number
  recall: number
  /** Alerts holding at least one fraudulent transaction, over all alerts. */
  alertPrecision: number
  /** Fraud episodes (one pattern on one card and day) with at least one flagged transaction. */
  episodes: number
  episodeRecall: number
  byPattern: Record<FraudPattern, { fraud: number; caught: number }>
  /** Alerts by the rule that opened them, and how many of those hold fraud. */
  byRule: Record<string, { alerts: number; fraudulent: number }>
  elapsedMs: number
}

const START = Date.parse('2026-06-15T12:00:00.000Z')

export async function fraudQuality(options: FraudQualityOptions = {}): Promise<FraudQuality> {
  const started = performance.now()
  const { seed = 42, customers: wanted = 300, days = 30, bankId = 'harbor' } = options
  const clock = createClock({ startMs: START, mode: 'frozen', wallNow: () => START })
  const deps = createDeps({ seed, customers: wanted * 4, days: 90, clock })
  const bank = deps.bank(bankId)
  if (!bank) throw new Error(`no bank ${bankId}`)
  const { customers } = deps.world.listCustomers(bank.id, 0, wanted)
  for (const customer of customers) {
    grantConsent(deps, bank, customer.id, { scopes: ['alerts'], purpose: 'fraud_prevention' })
  }
  for (let day = 0; day < days; day++) {
    clock.advance(DAY_MS)
    tick(deps)
    await Promise.resolve()
  }
  const end = clock.now()

  const flagged = new Set<string>()
  const byRule: FraudQuality['byRule'] = {}
  const fraudIds = new Set<string>()
  const episodes = new Map<string, string[]>()
  const byPattern: FraudQuality['byPattern'] = {
    card_testing: { fraud: 0, caught: 0 },
    account_takeover: { fraud: 0, caught: 0 },
    amount_anomaly: { fraud: 0, caught: 0 },
    impossible_travel: { fraud: 0, caught: 0 },
  }
  for (const alert of deps.state.alerts.values()) for (const id of alert.transactionIds) flagged.add(id)
  for (const customer of customers) {
    for (const account of customer.accounts) {
      for (let day = Math.floor(START / DAY_MS); day <= Math.floor(end / DAY_MS); day++) {
        for (const txn of deps.book.transactionsOnDay(account, day)) {
          if (txn.fraud === null || txn.bookedAtMs <= START || txn.bookedAtMs > end) continue
          fraudIds.add(txn.id)
          byPattern[txn.fraud].fraud++
          if (flagged.has(txn.id)) byPattern[txn.fraud].caught++
          const key = `${txn.cardId}/${day}/${txn.fraud}`
          episodes.set(key, [...(episodes.get(key) ?? []), txn.id])
        }
      }
    }
  }
  let fraudulentAlerts = 0
  for (const alert of deps.state.alerts.values()) {
    const rule = alert.reason.split(':')[0] ?? alert.reason
    const entry = byRule[rule] ?? { alerts: 0, fraudulent: 0 }
    entry.alerts++
    if (alert.transactionIds.some((id) => fraudIds.has(id))) {
      entry.fraudulent++
      fraudulentAlerts++
    }
    byRule[rule] = entry
  }
  const truePositives = [...flagged].filter((id) => fraudIds.has(id)).length
  const caughtEpisodes = [...episodes.values()].filter((ids) => ids.some((id) => flagged.has(id))).length
  const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b)
  return {
    customers: customers.length,
    days,
    alerts: deps.state.alerts.size,
    fraudTxns: fraudIds.size,
    flaggedTxns: flagged.size,
    truePositives,
    precision: ratio(truePositives, flagged.size),
    recall: ratio(truePositives, fraudIds.size),
    alertPrecision: ratio(fraudulentAlerts, deps.state.alerts.size),
    episodes: episodes.size,
    episodeRecall: ratio(caughtEpisodes, episodes.size),
    byPattern,
    byRule,
    elapsedMs: Math.round(performance.now() - started),
  }
}
