import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'

/**
 * One request header. Served by @hono/node-server, it is read from node's own parsed
 * headers: `c.req.header()` would first build a whole WHATWG Request, about a tenth of a
 * balance read's time. Under `app.request()` (tests) there is no node request.
 */
export function requestHeader(c: Context, lowerCaseName: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  if (!incoming) return c.req.header(lowerCaseName)
  const value = incoming.headers[lowerCaseName]
  return Array.isArray(value) ? value.join(', ') : value
}

/** Whether a Content-Type names JSON: `application/json`, or any `application/…+json`, parameters aside. */
export function isJsonType(contentType: string): boolean {
  const media = contentType.split(';')[0]?.trim().toLowerCase() ?? ''
  return media === 'application/json' || (media.startsWith('application/') && media.endsWith('+json'))
}
