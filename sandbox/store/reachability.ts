import { type Outage, type OutageCause, outageCause, StoreUnavailable } from './unavailable.ts'

// Whether a shared database can be reached. The first call that finds it gone starts an
// outage: from then on calls fail at once (a 503 costs the database nothing while it
// restarts), and a probe tries it again after a backoff that doubles up to a ceiling.
// The first probe that gets an answer ends the outage; whoever waits for it goes on.

const FIRST_RETRY_MS = 250
const LONGEST_RETRY_MS = 5_000

export interface Reachability {
  /** Runs a database call; one that finds the database gone starts an outage and throws StoreUnavailable. */
  guard<T>(call: () => Promise<T>): Promise<T>
  /** What to throw for an error a database call met: StoreUnavailable (starting an outage) when the database is gone. */
  failure(error: unknown): unknown
  /** The outage now, or null while the database answers. */
  outage(): Outage | null
  /** Resolves once the database answers again: at once when it does now. Rejects when closed. */
  reachable(): Promise<void>
  /** Stops probing; whoever waits for the database is told it will not come back. */
  close(): void
}

export function createReachability(probe: () => Promise<unknown>): Reachability {
  let down: { cause: OutageCause; since: number; nextTryAt: number; delayMs: number } | null = null
  let timer: NodeJS.Timeout | null = null
  let closed = false
  let waiters: { resolve(): void; reject(error: Error): void }[] = []

  const outage = (): Outage | null =>
    down && {
      cause: down.cause,
      retryAfterSeconds: Math.max(1, Math.ceil((down.nextTryAt - Date.now()) / 1000)),
    }
  const schedule = (delayMs: number) => {
    if (!down || closed) return
    down.delayMs = delayMs
    down.nextTryAt = Date.now() + delayMs
    timer = setTimeout(tryAgain, delayMs)
    // An outage must not keep a process alive that is otherwise done.
    timer.unref()
  }
  const tryAgain = async () => {
    timer = null
    try {
      await probe()
    } catch (error) {
      if (down) down.cause = outageCause(error) ?? down.cause
      schedule(Math.min(LONGEST_RETRY_MS, (down?.delayMs ?? FIRST_RETRY_MS) * 2))
      return
    }
    if (down) console.error(`The database answers again, after ${Date.now() - down.since} ms.`)
    down = null
    for (const waiter of waiters.splice(0)) waiter.resolve()
  }
  const lose = (cause: OutageCause) => {
    if (down || closed) return
    console.error(`The database cannot be reached (${cause}): answering 503 until it is back.`)
    down = { cause, since: Date.now(), nextTryAt: 0, delayMs: FIRST_RETRY_MS }
    schedule(FIRST_RETRY_MS)
  }

  const failure = (error: unknown) => {
    const cause = outageCause(error)
    if (cause === null) return error
    lose(cause)
    return new StoreUnavailable(outage() ?? { cause, retryAfterSeconds: 1 })
  }

  return {
    async guard(call) {
      const now = outage()
      if (now) throw new StoreUnavailable(now)
      try {
        return await call()
      } catch (error) {
        throw failure(error)
      }
    },
    failure,
    outage,
    reachable() {
      if (closed) return Promise.reject(new Error('The store is closed.'))
      if (!down) return Promise.resolve()
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }))
    },
    close() {
      closed = true
      if (timer) clearTimeout(timer)
      const error = new Error('The store is closed.')
      for (const waiter of waiters.splice(0)) waiter.reject(error)
      waiters = []
    },
  }
}
