import type { MiddlewareHandler } from 'hono'
import { isJsonType } from './header.ts'
import { problems } from './problem.ts'

// Any web page a developer opens can send their local sandbox a form post or a no-cors
// fetch: the browser sends it, and only the answer stays hidden. The control routes and
// the dashboard change things, so a change must come from the sandbox's own pages (or
// from no browser at all), and a control body must be JSON, which no cross-site form can
// send. The bank API, the platform's Send API and the consent page are left alone: an
// integration posts forms to the token endpoint, and a customer's browser posts the
// consent page's own form.

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method)
}

interface SeenRequest {
  url: string
  header(name: string): string | undefined
}

/**
 * Whether a browser sent the request from the sandbox's own pages, or no browser sent it.
 * Sec-Fetch-Site says it where a browser sends it (another port on the same host is
 * `same-site`, not ours); else Origin, which browsers send with every POST. Neither: a
 * client such as curl or an integration.
 */
export function fromOwnPages(request: SeenRequest): boolean {
  const site = request.header('Sec-Fetch-Site')
  if (site !== undefined) return site === 'same-origin'
  const origin = request.header('Origin')
  return origin === undefined || origin === new URL(request.url).origin
}

/** Refuses a change (any method but GET, HEAD, OPTIONS) that a browser sent from another page. */
export function sameOriginChanges(): MiddlewareHandler {
  return async (c, next) => {
    if (
      !isSafeMethod(c.req.method) &&
      !fromOwnPages({ url: c.req.url, header: (name) => c.req.header(name) })
    )
      throw problems.forbidden(
        'Changes are taken only from the sandbox’s own pages, or from clients that are not browsers.',
      )
    await next()
  }
}

/**
 * A control call's body must be JSON: an HTML form can send only urlencoded, multipart or
 * text/plain, and zod's JSON validator reads any other type as `{}`, which would still act.
 * A call without a body (settle, a scenario run) needs no Content-Type.
 */
export function jsonBodies(): MiddlewareHandler {
  return async (c, next) => {
    if (isSafeMethod(c.req.method)) return next()
    const type = c.req.header('Content-Type')
    const length = c.req.header('Content-Length')
    const hasBody =
      c.req.header('Transfer-Encoding') !== undefined || (length !== undefined && length !== '0')
    if ((type !== undefined || hasBody) && !isJsonType(type ?? ''))
      throw problems.invalidRequest('Send a control call’s body as application/json, with that Content-Type.')
    await next()
  }
}
