import type { Context, MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import type { Deps } from '../../deps.ts'
import { notFound, onError } from '../../http/errors.ts'
import { requestHeader } from '../../http/header.ts'
import { problems } from '../../http/problem.ts'
import { journalNoteOf } from '../../platform/journal-note.ts'
import type { JournalNote } from '../../store/journal.ts'
import type { ConsentRecord } from '../../store/state.ts'
import { toIso } from '../../time/clock.ts'
import { whileAnswering } from '../call-cause.ts'
import { authenticateDpop } from '../fapi/api-auth.ts'
import { authenticate, consentNamedBy } from '../tokens.ts'
import type { BankEnv, Served } from './env.ts'
import { faultInjector } from './faults.ts'

// What stands in front of every bank call. In order: the journal records what happened,
// under the consent the call's token names whatever answers it; a withdrawn partnership
// wins over every other answer; then injected refusals (outage, forced status, rate limit,
// error rate); then (for data calls) the token's consent, so revocation bites at once;
// then injected latency, so a read can still be in flight when its consent ends.
//
// It wraps each bank route's handler rather than sitting in front as Hono middleware: a
// route Hono matches to one synchronous handler is answered without a promise, and on
// the hot reads the middleware hops, with their promises, cost a quarter of the call.
// Every bank route is registered through `BankGate`; unknown bank paths go through
// `notFound`, so no call escapes the journal.

export type BankHandler = (c: Context<BankEnv>) => Response | Promise<Response>

export interface BankGate {
  /** A bank call that needs no token: OAuth endpoints and the consent page. */
  open(handler: BankHandler): BankHandler
  /** A data call: it runs with the token's consent in `c.get('consent')` (Bearer, or DPoP at a FAPI bank). */
  data(handler: BankHandler): BankHandler
  /** A path under /banks/{bankId}/ that no route serves: still a call to that bank. */
  notFound(c: Context, bankId: string): Response | Promise<Response>
}

/** A finished call, as the journal records it; the gate and the hot reads (hot-reads.ts) both make one. */
export interface FinishedCall {
  startedWallMs: number
  status: number
  /** The bank's own id string where it is known (the journal keeps it for minutes), else as asked. */
  bankId: string | null
  method: string
  /** The route's pattern, as Hono names it (`/banks/:bankId/v1/...`). */
  route: string
  path: string
  consentId: string | null
  /** What a data answer served; only a 2xx answer served anything. */
  served: Served | undefined
  /** A platform call's refusal code and broken rule (platform/journal-note.ts). */
  note?: JournalNote | null
}

export type Recorder = (call: FinishedCall) => void

/**
 * Records a finished call: time, bank, route, consent, status, latency, and what a data
 * answer served (scope, records by channel) as its handler noted it, so privacy evidence
 * counts what left the bank rather than what was asked for.
 */
export function journalRecorder(deps: Deps): Recorder {
  return ({ startedWallMs, status, bankId, method, route, path, consentId, served, note }) => {
    const call = {
      atMs: deps.clock.now(),
      wallAtMs: startedWallMs,
      bankId,
      method,
      route,
      path,
      consentId,
      status,
      latencyMs: deps.clock.wallNow() - startedWallMs,
      scope: served?.scope ?? null,
      records: served?.records ?? 0,
      channels: served?.channels ?? null,
      note: note ?? null,
    }
    const id = deps.state.journal.record(call)
    if (deps.bus.listening('journal')) {
      const { atMs, wallAtMs, note: noted, ...rest } = call
      const at = toIso(atMs)
      deps.bus.publish('journal', at, { id, at, wallAt: toIso(wallAtMs), ...rest, ...noted })
    }
  }
}

/** The call `c` has finished with `status`, as the journal records it. */
function finished(
  c: Context,
  startedWallMs: number,
  status: number,
  bankId: string | null,
  route: string,
): FinishedCall {
  return {
    startedWallMs,
    status,
    bankId,
    method: c.req.method,
    route,
    path: c.req.path,
    consentId: (c as Context<BankEnv>).get('consent')?.id ?? null,
    served: status < 300 ? (c as Context<BankEnv>).get('served') : undefined,
  }
}

/** Journals every call under a prefix (the messaging platform's API). */
export function journal(deps: Deps, record: Recorder): MiddlewareHandler {
  return async (c, next) => {
    const startedWallMs = deps.clock.wallNow()
    await next()
    record({ ...finished(c, startedWallMs, c.res.status, null, routePath(c)), note: journalNoteOf(c) })
  }
}

export function bankGate(deps: Deps, record: Recorder): BankGate {
  const faults = faultInjector(deps)

  /** Runs `work` behind the checks; synchronous unless the work is async. */
  function gated(
    c: Context<BankEnv>,
    bankId: string,
    route: string,
    work: () => Response | Promise<Response>,
  ) {
    const startedWallMs = deps.clock.wallNow()
    // The bank's own id string rather than this request's copy: the journal keeps it.
    const ownBankId = deps.bank(bankId)?.id ?? bankId
    const finish = (res: Response) => {
      record(finished(c, startedWallMs, res.status, ownBankId, route))
      return res
    }
    const fail = (error: unknown) => {
      // Refused before its consent check (a withdrawn bank, an injected fault): still filed
      // under the consent its token names. A data call that got that far has it set already.
      if (!c.get('consent')) {
        const named = consentNamedBy(deps, ownBankId, requestHeader(c, 'authorization'))
        if (named) c.set('consent', named)
      }
      return finish(onError(error as Error, c))
    }
    const answer = () => {
      const res = whileAnswering(c.req.method, startedWallMs, work)
      return res instanceof Promise ? res.then(finish, fail) : finish(res)
    }
    try {
      refuseWithdrawn(deps, c, bankId)
      const refusing = faults.refuse(c, bankId)
      return refusing ? refusing.then(answer).then(undefined, fail) : answer()
    } catch (error) {
      return fail(error)
    }
  }

  /** The handler, after any injected latency. */
  const afterLatency = (c: Context<BankEnv>, bankId: string, handler: BankHandler) => {
    const delay = faults.delay(bankId)
    return delay ? delay.then(() => handler(c)) : handler(c)
  }

  return {
    open: (handler) => (c) => {
      const bankId = c.req.param('bankId') ?? ''
      return gated(c, bankId, routePath(c), () => afterLatency(c, bankId, handler))
    },
    data: (handler) => (c) => {
      const bankId = c.req.param('bankId') ?? ''
      return gated(c, bankId, routePath(c), () => {
        const bank = deps.requireBank(bankId)
        c.set('bank', bank)
        const seen = (consent: ConsentRecord) => c.set('consent', consent)
        const passed = (consent: ConsentRecord) => {
          c.set('consent', consent)
          faults.passedConsentCheck(bank.id, consent)
          return afterLatency(c, bankId, handler)
        }
        if (bank.profile === 'fapi2') {
          const call = {
            bankId: bank.id,
            authorization: requestHeader(c, 'authorization'),
            proof: requestHeader(c, 'dpop'),
            method: c.req.method,
            url: c.req.url,
          }
          return authenticateDpop(deps, call, seen).then(passed)
        }
        return passed(authenticate(deps, bank.id, requestHeader(c, 'authorization'), seen))
      })
    },
    notFound: (c, bankId) =>
      gated(c as Context<BankEnv>, bankId, '/banks/:bankId/*', () =>
        afterLatency(c as Context<BankEnv>, bankId, () => notFound(c)),
      ),
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
  return (
    path.endsWith('/oauth/authorize') ||
    path.endsWith('/oauth/par') ||
    (path.endsWith('/consents') && c.req.method === 'POST')
  )
}
