import { createHash, timingSafeEqual } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { parse } from 'hono/utils/cookie'
import { problems } from './problem.ts'
import { fromOwnPages, isSafeMethod } from './same-origin.ts'

export const MAX_BODY_BYTES = 1_000_000
/** A refused body up to this size is read and dropped, so the connection can stay; beyond it the 413 closes it. */
const MAX_DRAIN_BYTES = 16 * MAX_BODY_BYTES

/**
 * For the methods that carry a body: a read never needs it, and skipping it keeps the server
 * from materialising a full Request. A declared length is judged from the header alone: the
 * body stays untouched, so after the 413 Node drains it and the connection stays usable.
 */
export function limitBody(): MiddlewareHandler {
  return async (c, next) => {
    const headers = c.req.raw.headers
    const declared = headers.get('content-length')
    if (declared !== null && !headers.has('transfer-encoding')) {
      const length = Number(declared)
      if (length > MAX_BODY_BYTES) throw tooLarge(length <= MAX_DRAIN_BYTES)
      return next()
    }
    const body = c.req.raw.body
    if (!body) return next()
    const read = await readUpTo(body.getReader(), MAX_BODY_BYTES)
    if (read.tooLarge) throw tooLarge(read.ended)
    c.req.raw = new Request(c.req.raw, { body: read.bytes })
    return next()
  }
}

function tooLarge(connectionStays: boolean) {
  return problems.payloadTooLarge(MAX_BODY_BYTES, connectionStays ? {} : { Connection: 'close' })
}

/** The body up to `limit` bytes; past it, the rest is read and dropped (up to the drain limit) so the connection can stay. */
async function readUpTo(reader: ReadableStreamDefaultReader<Uint8Array>, limit: number) {
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.length
    if (size > MAX_DRAIN_BYTES) return { tooLarge: true, ended: false, bytes: null }
    if (size <= limit) chunks.push(value)
  }
  if (size > limit) return { tooLarge: true, ended: true, bytes: null }
  return { tooLarge: false, ended: true, bytes: Buffer.concat(chunks, size) }
}

export const ADMIN_KEY_HEADER = 'X-Sandbox-Admin-Key'
/** Set by the dashboard's key form; HttpOnly and SameSite=Strict, so no script and no other site can use it. */
export const ADMIN_KEY_COOKIE = 'sandbox_admin_key'

/** What the key check reads of a request: a Hono context's, or a raw one's before any app sees it. */
export interface KeyedRequest {
  method: string
  url: string
  header(name: string): string | undefined
}

/** Whether the request carries the admin key, in the header or the dashboard's cookie. */
export function presentsAdminKey(c: Context, adminKey: string): boolean {
  return requestPresentsKey(
    { method: c.req.method, url: c.req.url, header: (name) => c.req.header(name) },
    adminKey,
  )
}

/**
 * The same, for a request no app has seen yet (the world router). A browser sends the
 * cookie with any same-site request, and another port on the same host is the same site:
 * a change made with the cookie must come from the sandbox's own pages. Reads are safe:
 * no CORS, no answer.
 */
export function requestPresentsKey(request: KeyedRequest, adminKey: string): boolean {
  const header = request.header(ADMIN_KEY_HEADER)
  if (header !== undefined) return sameKey(header, adminKey)
  const cookie = parse(request.header('cookie') ?? '', ADMIN_KEY_COOKIE)[ADMIN_KEY_COOKIE]
  return (
    cookie !== undefined &&
    sameKey(cookie, adminKey) &&
    (isSafeMethod(request.method) || fromOwnPages(request))
  )
}

/** Constant time, whatever the lengths: both sides are hashed to 32 bytes first. */
export function sameKey(given: string, expected: string): boolean {
  const digest = (key: string) => createHash('sha256').update(key).digest()
  return timingSafeEqual(digest(given), digest(expected))
}

/** /sandbox/* needs the admin key when the server is reachable beyond loopback. */
export function requireAdminKey(adminKey: string | null): MiddlewareHandler {
  return async (c, next) => {
    if (adminKey !== null && !presentsAdminKey(c, adminKey)) {
      throw problems.forbidden(`Send the sandbox admin key in ${ADMIN_KEY_HEADER}.`)
    }
    await next()
  }
}
