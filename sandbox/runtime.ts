import { detectFraud } from './bank/fraud-engine.ts'
import { runConsentLifecycle, runPartnerships } from './bank/lifecycle.ts'
import { announceTransactions, scanNewTransactions, type TransactionObserver } from './bank/scan.ts'
import type { Deps } from './deps.ts'
import { scannedThrough } from './store/state.ts'

// One step of simulated time: whatever became due since the last step happens now.
// The server calls it on a short wall-clock interval and after every clock move, so
// advancing the clock by a month fires a month of events at once.

export const TRANSACTION_OBSERVERS: readonly TransactionObserver[] = [announceTransactions, detectFraud]

export function tick(deps: Deps): void {
  // Instances sharing a database: only the one that leads makes time-driven changes, so
  // each event happens once; every instance still delivers.
  if (!deps.leads) {
    deps.outbox.dispatchDue()
    return
  }
  const now = deps.clock.now()
  const from = scannedThrough(deps.state, now)
  scanNewTransactions(deps, from, now, TRANSACTION_OBSERVERS)
  if (now > from) deps.state.settings.set('scannedThroughMs', now)
  runConsentLifecycle(deps)
  runPartnerships(deps)
  deps.outbox.dispatchDue()
}

/**
 * Ticks every `intervalMs` of wall time until stopped. On a shared database an instance
 * first asks to lead; the leader takes in the others' changes before each step and keeps
 * what it changed, and another takes over when it dies (its lock goes with its connection).
 */
export function startTicking(deps: Deps, intervalMs = 250): () => void {
  const { store } = deps
  const lead = store.engine.tryLead?.bind(store.engine)
  let busy = false
  const step = async () => {
    if (busy) return
    busy = true
    try {
      if (lead) {
        deps.leads = await lead()
        if (deps.leads) await store.catchUp()
      }
      tick(deps)
      await store.flushed()
    } catch (error) {
      console.error('A time step failed:', (error as Error).message)
    } finally {
      busy = false
    }
  }
  const timer = setInterval(step, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
