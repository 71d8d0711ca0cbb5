import { detectFraud } from './bank/fraud-engine.ts'
import { runConsentLifecycle, runPartnerships } from './bank/lifecycle.ts'
import { announceTransactions, scanNewTransactions, type TransactionObserver } from './bank/scan.ts'
import type { Deps } from './deps.ts'

// One step of simulated time: whatever became due since the last step happens now.
// The server calls it on a short wall-clock interval and after every clock move, so
// advancing the clock by a month fires a month of events at once.

export const TRANSACTION_OBSERVERS: readonly TransactionObserver[] = [announceTransactions, detectFraud]

export function tick(deps: Deps): void {
  const now = deps.clock.now()
  scanNewTransactions(deps, deps.state.scannedThroughMs, now, TRANSACTION_OBSERVERS)
  deps.state.scannedThroughMs = Math.max(deps.state.scannedThroughMs, now)
  runConsentLifecycle(deps)
  runPartnerships(deps)
  deps.outbox.dispatchDue()
}

/** Ticks every `intervalMs` of wall time until stopped. */
export function startTicking(deps: Deps, intervalMs = 250): () => void {
  const timer = setInterval(() => tick(deps), intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
