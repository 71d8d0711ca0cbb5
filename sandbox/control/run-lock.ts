import { z } from '@hono/zod-openapi'
import { problems } from '../http/problem.ts'
import { toIso } from '../time/clock.ts'

// One scenario run at a time per world. A run moves the world's clock, resets its banks and
// casts its people: a second run beside it would judge the first one's changes (a year-long
// clock move expires the other run's users). Runs come from the CLI over HTTP (possibly
// another process, on another machine) and from the dashboard, so the lock lives here. A
// client holds it with a lease on the wall clock, renewed while it runs: a runner that dies
// without letting go blocks the world for one lease at most. The dashboard's runs, made in
// this process, hold it without a lease. The lock belongs to the process, not to the store:
// instances sharing one database each keep their own.

export const DEFAULT_LEASE_MS = 30_000
export const MIN_LEASE_MS = 5_000
export const MAX_LEASE_MS = 600_000

export const RunLease = z
  .object({
    id: z.string().openapi({ example: 'run_…' }),
    label: z.string().openapi({ description: 'Who runs what, as the holder said it' }),
    startedAt: z.string().openapi({ description: 'Wall clock' }),
    leaseMs: z.number().int().nullable().openapi({ description: 'Null for a run the sandbox itself makes' }),
    expiresAt: z
      .string()
      .nullable()
      .openapi({ description: 'Wall clock; the lock frees itself then unless renewed' }),
  })
  .openapi('RunLease')
export type RunLease = z.infer<typeof RunLease>

interface Held {
  id: string
  label: string
  startedAtMs: number
  leaseMs: number | null
  expiresAtMs: number | null
}

export interface RunLock {
  /** The run in progress, if any (an expired lease is none). */
  current(): RunLease | null
  /** Takes the lock for a new run, or throws 409 run_in_progress naming the run that holds it. */
  claim(label: string, leaseMs: number | null): RunLease
  /** Extends the holder's lease from now; null when `id` no longer holds the lock. */
  renew(id: string, leaseMs?: number): RunLease | null
  /** Lets go, if `id` holds the lock. */
  release(id: string): void
}

export function createRunLock(wallNow: () => number, nextId: () => string): RunLock {
  let held: Held | null = null
  const live = (): Held | null => {
    if (held?.expiresAtMs != null && held.expiresAtMs <= wallNow()) held = null
    return held
  }
  const view = (run: Held): RunLease => ({
    id: run.id,
    label: run.label,
    startedAt: toIso(run.startedAtMs),
    leaseMs: run.leaseMs,
    expiresAt: run.expiresAtMs === null ? null : toIso(run.expiresAtMs),
  })
  return {
    current: () => {
      const run = live()
      return run && view(run)
    },
    claim(label, leaseMs) {
      const busy = live()
      if (busy)
        throw problems.runInProgress(
          `Run ${busy.id} (${busy.label}) has been in progress in this world since ${toIso(busy.startedAtMs)}. Wait for it to end (bank-sandbox scenario run --wait queues behind it), or use a world of your own.`,
        )
      const now = wallNow()
      held = {
        id: nextId(),
        label,
        startedAtMs: now,
        leaseMs,
        expiresAtMs: leaseMs === null ? null : now + leaseMs,
      }
      return view(held)
    },
    renew(id, leaseMs) {
      const run = live()
      if (run?.id !== id || run.leaseMs === null) return null
      const lease = leaseMs ?? run.leaseMs
      held = { ...run, leaseMs: lease, expiresAtMs: wallNow() + lease }
      return view(held)
    },
    release(id) {
      if (live()?.id === id) held = null
    },
  }
}
