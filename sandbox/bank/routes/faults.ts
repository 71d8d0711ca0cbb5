import type { Context } from 'hono'
import type { Deps } from '../../deps.ts'
import { Problem, type ProblemCode, problems } from '../../http/problem.ts'
import type { Faults } from '../../store/state.ts'

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

/**
 * Returns the per-call fault check: it throws the injected problem, returns a promise when
 * the call must first wait out injected latency, and nothing (cheaply) when the bank is healthy.
 */
export function faultInjector(deps: Deps): (c: Context, bankId: string) => Promise<void> | undefined {
  let draws = 0
  const windows = new Map<string, { second: number; count: number }>()
  // mulberry32 over a per-process counter: deterministic for a given sequence of calls
  const nextRandom = () => {
    let t = (deps.seed + 0x6d2b79f5 * ++draws) >>> 0
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  const check = (c: Context, bankId: string, faults: Faults): void => {
    if (faults.rateLimit !== undefined) {
      const second = Math.floor(deps.clock.wallNow() / 1000)
      const window = windows.get(bankId)
      const current = window && window.second === second ? window : { second, count: 0 }
      current.count++
      windows.set(bankId, current)
      const remaining = Math.max(0, faults.rateLimit - current.count)
      c.header('RateLimit-Limit', String(faults.rateLimit))
      c.header('RateLimit-Remaining', String(remaining))
      c.header('RateLimit-Reset', '1')
      if (current.count > faults.rateLimit) {
        const problem = problems.rateLimited(1)
        problem.headers['RateLimit-Limit'] = String(faults.rateLimit)
        problem.headers['RateLimit-Remaining'] = '0'
        problem.headers['RateLimit-Reset'] = '1'
        throw problem
      }
    }
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

  return (c, bankId) => {
    const faults = deps.state.faults.get(bankId)
    if (!faults) return undefined
    if (!faults.latencyMs) {
      check(c, bankId, faults)
      return undefined
    }
    return new Promise((resolve) => setTimeout(resolve, faults.latencyMs)).then(() =>
      check(c, bankId, faults),
    )
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
