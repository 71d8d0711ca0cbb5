import { z } from '@hono/zod-openapi'
import { problems } from '../http/problem.ts'

// Pages of the control lists (the call journal, webhook deliveries): a long-lived sandbox
// holds tens of thousands of each, too many for one answer. A page is oldest first; its
// `nextCursor` names where the next one starts, and is null on the last. Cursors are
// plain (nothing secret lies behind them), but opaque to clients.

export const MAX_LIST_PAGE = 500

export const ListPageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIST_PAGE)
    .default(MAX_LIST_PAGE)
    .openapi({ description: `At most this many, 1 to ${MAX_LIST_PAGE} (default ${MAX_LIST_PAGE})` }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'The nextCursor of the page before; without it, the first page' }),
}

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: 'Where the next page starts; null on the last' }),
  })

export const cursorAfter = (key: string | number): string =>
  Buffer.from(JSON.stringify({ after: key })).toString('base64url')

/** The key a cursor names, or a 400 when it is none of ours. */
export function keyOfCursor<K extends 'string' | 'number'>(
  cursor: string,
  kind: K,
): K extends 'number' ? number : string {
  let after: unknown
  try {
    after = (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { after?: unknown }).after
  } catch {
    after = undefined
  }
  if (typeof after !== kind) throw problems.invalidRequest('The cursor is not one this list gave out.', [])
  return after as K extends 'number' ? number : string
}

/**
 * Up to `limit` of `items` that `match`, starting at `from`, and the cursor after the last
 * when another matching one follows: it is looked for, so a last page never promises more.
 */
export function takePage<T>(
  items: Iterable<T>,
  limit: number,
  match: (item: T) => boolean,
  keyOf: (item: T) => string | number,
): { data: T[]; nextCursor: string | null } {
  const data: T[] = []
  for (const item of items) {
    if (!match(item)) continue
    if (data.length === limit) {
      const last = data.at(-1) as T
      return { data, nextCursor: cursorAfter(keyOf(last)) }
    }
    data.push(item)
  }
  return { data, nextCursor: null }
}
