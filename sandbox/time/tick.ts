import { detectFraud } from '../bank/fraud-engine.ts'
import { announceTransactions, type TransactionObserver } from '../bank/scan.ts'
import type { Deps } from '../deps.ts'
import { resumeInbound } from '../platform/inbound.ts'
import { StoreUnavailable } from '../store/unavailable.ts'
import { catchUpInSlices, catchUpNow } from './catch-up.ts'

// One step of simulated time: whatever became due since the last step happens now.
// The server calls it on a short wall-clock interval and after every clock move, so
// advancing the clock by a month fires a month of events: in slices that yield to the
// event loop where a caller can wait (catch-up.ts), in one go where it cannot.

export const TRANSACTION_OBSERVERS: readonly TransactionObserver[] = [announceTransactions, detectFraud]

/** Catches up at once, for a caller that needs the world up to date before its next line. */
export function tick(deps: Deps): void {
  catchUpNow(deps, TRANSACTION_OBSERVERS)
}

/**
 * Moves the clock with `change` (which may throw to refuse the move) once every move
 * before it is done, then catches up in slices; resolves when all of it has happened.
 */
export function moveTime(deps: Deps, change?: () => void): Promise<void> {
  return catchUpInSlices(deps, TRANSACTION_OBSERVERS, change)
}

/**
 * Ticks every `intervalMs` of wall time until stopped. On a shared database an instance
 * first asks to lead; the leader takes in the others' changes before each step and keeps
 * what it changed, and another takes over when it dies (its lock goes with its connection).
 * While the database is away nobody leads: each step finds it gone and waits for the next.
 */
export function startTicking(deps: Deps, intervalMs = 250): () => void {
  const { store } = deps
  const lead = store.engine.tryLead?.bind(store.engine)
  let busy = false
  let stopped = false
  const step = async () => {
    if (busy) return
    busy = true
    try {
      if (lead) {
        deps.leads = await lead().catch((error: unknown) => {
          deps.leads = false
          throw error
        })
        if (deps.leads) await store.catchUp()
        // What it took in may have ended this world (deleted through another instance).
        if (stopped) return
      }
      const since = store.mark()
      await moveTime(deps)
      // User messages a crash left undelivered go on from where they were.
      if (deps.leads) resumeInbound(deps)
      await store.flushed(since)
    } catch (error) {
      // The database's absence is told once, where it is noticed; not four times a second.
      if (!(error instanceof StoreUnavailable)) console.error('A time step failed:', (error as Error).message)
    } finally {
      busy = false
    }
  }
  const timer = setInterval(step, intervalMs)
  timer.unref()
  return () => {
    stopped = true
    clearInterval(timer)
  }
}
