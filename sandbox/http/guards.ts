import { timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { problems } from './problem.ts'

export const MAX_BODY_BYTES = 1_000_000

/** For the methods that carry a body: a read never needs it, and skipping it keeps the server from materialising a full Request. */
export function limitBody(): MiddlewareHandler {
  return bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw problems.payloadTooLarge(MAX_BODY_BYTES)
    },
  })
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
