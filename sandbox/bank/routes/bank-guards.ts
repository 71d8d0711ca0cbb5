import type { Context, MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import { toIso } from '../../clock.ts'
import type { Deps } from '../../deps.ts'
import { problems } from '../../http/problem.ts'
import type { ConsentRecord } from '../../store/state.ts'

// Middleware in front of every bank call, outermost first: the journal records what
// happened, a withdrawn partnership wins over every other answer, then injected faults.

export const JOURNAL_LIMIT = 50_000

/** Records every call: time, bank, route, consent, status, latency. */
export function journal(deps: Deps): MiddlewareHandler {
  let nextId = 1
  return async (c, next) => {
    const started = deps.clock.wallNow()
    await next()
    const consent = (c.get as (key: string) => unknown)('consent') as ConsentRecord | undefined
    const entry = {
      id: nextId++,
      at: toIso(deps.clock.now()),
      bankId: c.req.param('bankId') ?? null,
      method: c.req.method,
      route: routePath(c),
      path: c.req.path,
      consentId: consent?.id ?? null,
      status: c.res.status,
      latencyMs: deps.clock.wallNow() - started,
    }
    const log = deps.state.journal
    log.push(entry)
    // Trim in batches: splicing one entry off a full log on every call is O(n) per request.
    if (log.length > JOURNAL_LIMIT + JOURNAL_LIMIT / 10) log.splice(0, log.length - JOURNAL_LIMIT)
    deps.bus.publish('journal', entry.at, entry)
  }
}

export function partnershipGuard(deps: Deps): MiddlewareHandler {
  return async (c, next) => {
    const bankId = c.req.param('bankId') ?? ''
    const partnership = deps.state.partnerships.get(bankId)
    if (partnership?.status === 'terminated') throw problems.partnershipTerminated(bankId)
    if (partnership?.status === 'terminating' && isNewLink(c)) throw problems.partnershipTerminated(bankId)
    await next()
  }
}

/** During the notice period existing consents are served; only new links are refused. */
function isNewLink(c: Context): boolean {
  const path = c.req.path
  return path.endsWith('/oauth/authorize') || (path.endsWith('/consents') && c.req.method === 'POST')
}
