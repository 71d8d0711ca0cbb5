import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'
import { problems } from '../../http/problem.ts'

// The consent page must stay open to anyone (it is what a customer's browser opens), so
// nothing but a limit stops a script from posting it thousands of times a second, each
// approval a consent kept in the sandbox. A person approves a few links a minute, and an
// integration's browser tests a few dozen; the limits sit well above that and far below
// what fills memory: per client address, and per customer (so spreading the posts over
// many addresses still cannot pile consents onto one customer).

/** Form posts per client address in one window. */
export const POSTS_PER_CLIENT = 60
/** Approvals per customer of a bank in one window. */
export const APPROVALS_PER_CUSTOMER = 10
export const WINDOW_MS = 60_000

export interface ConsentFormLimit {
  /** Counts one post of the form; throws 429 rate_limited when the client or the customer is over its limit. */
  admit(c: Context, bankId: string, customerId: string | null): void
}

/**
 * Fixed windows on the wall clock (a frozen simulation clock must not lift the limit).
 * Every count is forgotten when its window ends, so the limiter's own memory is bounded
 * by what one window lets in.
 */
export function createConsentFormLimit(wallNow: () => number): ConsentFormLimit {
  let windowStart = Number.NEGATIVE_INFINITY
  const counts = new Map<string, number>()
  const over = (key: string, limit: number) => {
    const count = (counts.get(key) ?? 0) + 1
    counts.set(key, count)
    return count > limit
  }
  return {
    admit(c, bankId, customerId) {
      const now = wallNow()
      if (now >= windowStart + WINDOW_MS) {
        windowStart = now
        counts.clear()
      }
      // A customer id is short; a long one from a script must not make a long key.
      const refused =
        over(`client ${clientAddress(c)}`, POSTS_PER_CLIENT) ||
        (customerId !== null &&
          over(`customer ${bankId}/${customerId.slice(0, 100)}`, APPROVALS_PER_CUSTOMER))
      if (refused) throw problems.rateLimited(Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000)))
    },
  }
}

/** The peer's address as the socket saw it; under `app.request()` (tests) there is none. */
function clientAddress(c: Context): string {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  return incoming?.socket.remoteAddress ?? 'in-process'
}
