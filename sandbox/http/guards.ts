import { timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { problems } from './problem.ts'

export const MAX_BODY_BYTES = 1_000_000

export function limitBody(): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw problems.payloadTooLarge(MAX_BODY_BYTES)
    },
  })
  // GET and HEAD carry no body; skipping them keeps the server from materialising a
  // full Request (and its abort signal) on every read, the hot path.
  return (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limit(c, next))
}

/** /sandbox/* needs X-Sandbox-Admin-Key when the server is reachable beyond loopback. */
export function requireAdminKey(adminKey: string | null): MiddlewareHandler {
  return async (c, next) => {
    if (adminKey !== null) {
      const given = Buffer.from(c.req.header('X-Sandbox-Admin-Key') ?? '')
      const expected = Buffer.from(adminKey)
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw problems.forbidden('Send the sandbox admin key in X-Sandbox-Admin-Key.')
      }
    }
    await next()
  }
}
