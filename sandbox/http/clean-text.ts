import type { Context, MiddlewareHandler, Next } from 'hono'
import { isJsonType } from './header.ts'
import { type Problem, problems } from './problem.ts'

// Text the sandbox keeps must be text every store can keep. PostgreSQL's JSONB refuses
// U+0000 and a surrogate without its pair (which is no Unicode at all); what it refuses
// would fail the write, so it is refused at the door instead, in one place for every route:
// the path and query before routing, any JSON or form body before its route reads it.
// Headers need no look: node refuses NUL in them, they arrive as Latin-1 (no surrogates),
// and no route keeps one.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const NUL_ESCAPE = /%00/i
const FORM_TYPE = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i

/** Whether `text` holds U+0000 or half of a surrogate pair alone. */
export function isBadText(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text)
}

/** Whether any string in a parsed JSON value (its keys included) is bad text; any depth, no recursion. */
export function holdsBadText(value: unknown): boolean {
  const pending: unknown[] = [value]
  while (pending.length > 0) {
    const next = pending.pop()
    if (typeof next === 'string') {
      if (isBadText(next)) return true
    } else if (Array.isArray(next)) {
      for (const item of next) pending.push(item)
    } else if (next !== null && typeof next === 'object') {
      for (const [key, item] of Object.entries(next)) {
        if (isBadText(key)) return true
        pending.push(item)
      }
    }
  }
  return false
}

/**
 * The refusal for a URL that decodes to bad text, or null. Only `%00` can: the URL parser
 * escapes raw control characters, turns a lone surrogate into U+FFFD, and percent-decoding
 * refuses an escaped surrogate (Hono keeps such an escape as it came). Looked at before any
 * routing: a middleware on every route would cost each read Hono's one-handler fast path.
 */
export function badUrl(url: string): Problem | null {
  return NUL_ESCAPE.test(url) ? refused('path or query string') : null
}

/** For the methods that carry a body: JSON and form bodies, read as their routes will read them. */
export function refuseBadBodies(): MiddlewareHandler {
  return bodyChecked
}

/** Reads the body as its route will (Hono keeps what it parsed); one that does not parse is the route's to refuse. */
async function bodyChecked(c: Context, next: Next): Promise<void> {
  const type = c.req.header('Content-Type') ?? ''
  let body: unknown
  try {
    if (isJsonType(type)) body = await c.req.json()
    else if (FORM_TYPE.test(type)) body = await c.req.parseBody()
  } catch {
    body = undefined
  }
  if (holdsBadText(body)) throw refused('body')
  await next()
}

function refused(where: string) {
  return problems.invalidRequest(
    `Text in the ${where} may not hold U+0000 or an unpaired UTF-16 surrogate: send well-formed Unicode.`,
  )
}
