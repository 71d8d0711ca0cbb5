import type { Context } from 'hono'
import type { Deps } from '../../deps.ts'
import { Problem, type ProblemCode, problems } from '../../http/problem.ts'
import type { ConsentRecord, Faults } from '../../store/state.ts'
import { revokeConsent } from '../consents.ts'

// Fault injection per bank: latency, a forced status, an outage window,
// a random error rate (from a seeded generator, so runs repeat) and a rate limit.

export const FAULT_STATUS_CODES: Record<number, ProblemCode> = {
  400: 'invalid_request',
  401: 'invalid_token',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  429: 'rate_limited',
  500: 'internal',
  503: 'bank_unavailable',
}

export interface FaultInjector {
  /**
   * Throws the injected refusal (rate limit, outage, forced status, error rate), if any. On
   * a shared database a rate limit is counted there, across instances: then it answers a
   * promise, which rejects with the refusal.
   */
  refuse(c: Context, bankId: string): void | Promise<void>
  /** A data call under `consent` has passed its consent check: a staged revocation happens now. */
  passedConsentCheck(bankId: string, consent: ConsentRecord): void
  /**
   * The injected latency still to wait, or nothing (cheaply) when there is none. The gate
   * waits it after the consent check, so a read can be in flight when its consent ends.
   */
  delay(bankId: string): Promise<void> | undefined
}

export function faultInjector(deps: Deps): FaultInjector {
  let draws = 0
  const windows = new Map<string, { second: number; count: number }>()
  // mulberry32 over a per-process counter: deterministic for a given sequence of calls
  const nextRandom = () => {
    let t = (deps.seed + 0x6d2b79f5 * ++draws) >>> 0
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** This call's number in its wall-clock second at the bank: here, or in the shared database. */
  const countCall = (bankId: string): number | Promise<number> => {
    const second = Math.floor(deps.clock.wallNow() / 1000)
    if (deps.store.engine.countInSecond) return deps.store.engine.countInSecond(`rate/${bankId}`, second)
    const window = windows.get(bankId)
    const current = window && window.second === second ? window : { second, count: 0 }
    current.count++
    windows.set(bankId, current)
    return current.count
  }

  const limitRate = (c: Context, limit: number, count: number): void => {
    c.header('RateLimit-Limit', String(limit))
    c.header('RateLimit-Remaining', String(Math.max(0, limit - count)))
    c.header('RateLimit-Reset', '1')
    if (count > limit) {
      const problem = problems.rateLimited(1)
      problem.headers['RateLimit-Limit'] = String(limit)
      problem.headers['RateLimit-Remaining'] = '0'
      problem.headers['RateLimit-Reset'] = '1'
      throw problem
    }
  }

  const check = (c: Context, bankId: string, faults: Faults): void | Promise<void> => {
    if (faults.rateLimit !== undefined) {
      const limit = faults.rateLimit
      const count = countCall(bankId)
      if (typeof count !== 'number')
        return count.then((counted) => limitRate(c, limit, counted)).then(() => checkRest(faults))
      limitRate(c, limit, count)
    }
    checkRest(faults)
  }

  const checkRest = (faults: Faults): void => {
    const now = deps.clock.now()
    if (faults.outageUntilMs !== undefined && now < faults.outageUntilMs) {
      // The window runs on the simulation clock, but Retry-After is wall-clock seconds (RFC 9110):
      // a simulated second counts as one, and no client is told to wait more than a minute.
      const retryAfter = Math.min(
        MAX_RETRY_AFTER_S,
        Math.max(1, Math.ceil((faults.outageUntilMs - now) / 1000)),
      )
      throw new Problem('bank_unavailable', 'The bank is down for maintenance.', {
        headers: { 'Retry-After': String(retryAfter) },
      })
    }
    if (faults.status !== undefined) throw forcedProblem(faults.status)
    if (faults.errorRate !== undefined && nextRandom() < faults.errorRate) {
      throw new Problem('bank_unavailable', 'The bank failed to answer.', { headers: { 'Retry-After': '1' } })
    }
  }

  return {
    refuse(c, bankId) {
      const faults = deps.state.faults.get(bankId)
      return faults ? check(c, bankId, faults) : undefined
    },
    passedConsentCheck(bankId, consent) {
      const { revokeInFlight, ...rest } = deps.state.faults.get(bankId) ?? {}
      if (revokeInFlight !== consent.id) return
      // Nothing left injected is no faults at all: the bank's reads go back to the fast path.
      if (Object.keys(rest).length === 0) deps.state.faults.delete(bankId)
      else deps.state.faults.set(bankId, rest)
      revokeConsent(deps, consent, 'customer')
    },
    delay(bankId) {
      const latencyMs = deps.state.faults.get(bankId)?.latencyMs
      return latencyMs ? new Promise((resolve) => setTimeout(resolve, latencyMs)) : undefined
    },
  }
}

/** The longest Retry-After the sandbox ever sends, in seconds. */
export const MAX_RETRY_AFTER_S = 60

function forcedProblem(status: number): Problem {
  const code = FAULT_STATUS_CODES[status] ?? 'internal'
  const problem = new Problem(code, 'Injected fault.')
  if (code === 'rate_limited' || code === 'bank_unavailable') problem.headers['Retry-After'] = '1'
  return problem
}
