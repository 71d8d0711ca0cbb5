import type { Deps } from '../deps.ts'
import { errorResponse } from '../http/errors.ts'
import { StoreUnavailable } from '../store/unavailable.ts'

/**
 * In a kept store (on disk, PostgreSQL) an answer leaves only once what it changed is
 * kept, and a shared database's changes by other instances are taken in before each
 * request: a revocation through one instance fails the very next call through another.
 * While the database is away every request is a 503 before it changes anything, and a
 * change the database refuses fails the request that made it, as problem+json; neither
 * outlives the request. Memory mode serves the app's fetch as it is.
 */
export function keptFetch<Args extends unknown[]>(
  deps: Deps,
  fetch: (request: Request, ...rest: Args) => Response | Promise<Response>,
) {
  const { store } = deps
  if (store.engine.kind === 'memory') return fetch
  const shared = store.engine.changesFromOthers !== undefined
  return async (request: Request, ...rest: Args): Promise<Response> => {
    try {
      const outage = store.engine.outage?.()
      if (outage) throw new StoreUnavailable(outage)
      if (shared) await store.catchUp()
      const since = store.mark()
      const response = await fetch(request, ...rest)
      await store.flushed(since)
      return response
    } catch (error) {
      return errorResponse(error)
    }
  }
}
