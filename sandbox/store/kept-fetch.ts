import type { Deps } from '../deps.ts'

/**
 * In a kept store (on disk, PostgreSQL) an answer leaves only once what it changed is
 * kept, and a shared database's changes by other instances are taken in before each
 * request: a revocation through one instance fails the very next call through another.
 * Memory mode serves the app's fetch as it is.
 */
export function keptFetch<Args extends unknown[]>(
  deps: Deps,
  fetch: (request: Request, ...rest: Args) => Response | Promise<Response>,
) {
  const { store } = deps
  if (store.engine.kind === 'memory') return fetch
  const shared = store.engine.changesFromOthers !== undefined
  return async (request: Request, ...rest: Args): Promise<Response> => {
    if (shared) await store.catchUp()
    const response = await fetch(request, ...rest)
    await store.flushed()
    return response
  }
}
