import type pg from 'pg'
import { type HeldClient, holdClient } from './postgres-client.ts'
import type { Reachability } from './reachability.ts'

// One leader for every world on a database: the instance holding an advisory lock makes all
// time-driven changes. The lock lives and dies with the connection that took it, so a dead
// instance hands it on by itself. When the connection breaks under a live one (the database
// restarted), the lock is gone too: the instance stops leading at once, and its next try
// takes a new connection and asks for the lock again, against the others.

const LEADER_LOCK = 4_545_000_002

export interface Leadership {
  /** Whether this instance leads now; asks for the lock when it does not. */
  tryLead(): Promise<boolean>
  release(): void
}

export function createLeadership(pool: pg.Pool, reachability: Reachability): Leadership {
  let held: HeldClient | null = null
  let leading = false

  const drop = (which: HeldClient | null, error?: unknown) => {
    if (which === null || held !== which) return
    held = null
    leading = false
    which.release(error)
  }

  return {
    tryLead: () =>
      reachability.guard(async () => {
        if (held?.broken()) drop(held, true)
        if (leading) return true
        if (held === null) {
          const taken: HeldClient = await holdClient(pool, () => {
            // Not released here: the pool must not reuse a client mid-error. The next try drops it.
            if (held === taken) leading = false
          })
          held = taken
        }
        const asking = held
        try {
          const { rows } = await asking.client.query<{ locked: boolean }>(
            'SELECT pg_try_advisory_lock($1) AS locked',
            [LEADER_LOCK],
          )
          leading = rows[0]?.locked === true && !asking.broken()
          return leading
        } catch (error) {
          drop(asking, error)
          throw error
        }
      }),
    release() {
      drop(held)
    },
  }
}
