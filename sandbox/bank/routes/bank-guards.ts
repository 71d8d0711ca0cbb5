import type { Context, MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import { toIso } from '../../clock.ts'
import type { Deps } from '../../deps.ts'
import { onError } from '../../http/errors.ts'
import { problems } from '../../http/problem.ts'
import type { BankEnv } from './env.ts'
import { faultInjector } from './faults.ts'

// What stands in front of every bank call, as one middleware: each Hono layer costs an
// async hop on the hot read path. In order: the journal records what happened, a
// withdrawn partnership wins over every other answer, then injected faults.

type Recorder = (c: Context, startedWallMs: number) => void

/** Records a finished call: time, bank, route, consent, status, latency. */
export function journalRecorder(deps: Deps): Recorder {
  return (c, startedWallMs) => {
    const bankId = c.req.param('bankId')
    const call = {
      atMs: deps.clock.now(),
      // The bank's own id string rather than this request's copy: the journal keeps it.
      bankId: bankId === undefined ? null : (deps.bank(bankId)?.id ?? bankId),
      method: c.req.method,
      route: routePath(c),
      path: c.req.path,
      consentId: (c as Context<BankEnv>).get('consent')?.id ?? null,
      status: c.res.status,
      latencyMs: deps.clock.wallNow() - startedWallMs,
    }
    const id = deps.state.journal.record(call)
    if (deps.bus.listening()) {
      const { atMs, ...rest } = call
      const at = toIso(atMs)
      deps.bus.publish('journal', at, { id, at, ...rest })
    }
  }
}

/** Journals every call under a prefix (the messaging platform's API). */
export function journal(deps: Deps, record: Recorder): MiddlewareHandler {
  return async (c, next) => {
    const started = deps.clock.wallNow()
    await next()
    record(c, started)
  }
}

/** Journal, partnership and faults for /banks/:bankId/*. */
export function bankGate(deps: Deps, record: Recorder): MiddlewareHandler {
  const injectFaults = faultInjector(deps)
  return async (c, next) => {
    const started = deps.clock.wallNow()
    const bankId = c.req.param('bankId') ?? ''
    try {
      refuseWithdrawn(deps, c, bankId)
      const delay = injectFaults(c, bankId)
      if (delay) await delay
      await next()
    } catch (error) {
      // A refusal from the gate itself: answer it here so the journal sees its status.
      c.res = onError(error as Error, c)
    }
    record(c, started)
  }
}

/** The control shortcut links customers too, so a withdrawn bank refuses it as well. */
export function partnershipGuard(deps: Deps): MiddlewareHandler {
  return async (c, next) => {
    refuseWithdrawn(deps, c, c.req.param('bankId') ?? '')
    await next()
  }
}

/** During the notice period existing consents are served; only new links are refused. */
function refuseWithdrawn(deps: Deps, c: Context, bankId: string): void {
  const partnership = deps.state.partnerships.get(bankId)
  if (partnership?.status === 'terminated') throw problems.partnershipTerminated(bankId)
  if (partnership?.status === 'terminating' && isNewLink(c)) throw problems.partnershipTerminated(bankId)
}

function isNewLink(c: Context): boolean {
  const path = c.req.path
  return path.endsWith('/oauth/authorize') || (path.endsWith('/consents') && c.req.method === 'POST')
}
