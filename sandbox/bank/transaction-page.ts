import { z } from 'zod'
import { problems } from '../http/problem.ts'
import type { Account, Transaction } from '../world/types.ts'
import { DAY_MS } from '../world/types.ts'
import type { Book } from './book.ts'

// Keyset pagination over a date window, newest first. The cursor is opaque to clients
// but is just the window and the last item's (bookedAt, id), so it stays stable while
// new transactions appear at the top.

export const DEFAULT_WINDOW_DAYS = 30
export const MAX_WINDOW_DAYS = 400

export interface PageQuery {
  fromDay: number
  toDay: number
  limit: number
  after: { bookedAtMs: number; id: string } | null
}

const CursorData = z.object({
  f: z.number().int(),
  t: z.number().int(),
  b: z.number().int(),
  i: z.string().max(100),
})

export function encodeCursor(query: PageQuery, last: Transaction): string {
  const data = { f: query.fromDay, t: query.toDay, b: last.bookedAtMs, i: last.id }
  return Buffer.from(JSON.stringify(data)).toString('base64url')
}

export function decodeCursor(cursor: string): Pick<PageQuery, 'fromDay' | 'toDay' | 'after'> {
  let data: z.infer<typeof CursorData> | undefined
  try {
    data = CursorData.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
  } catch {
    throw problems.invalidRequest('The cursor is not one this API issued.', [
      { path: 'cursor', message: 'Pass nextCursor from a previous page unchanged' },
    ])
  }
  return { fromDay: data.f, toDay: data.t, after: { bookedAtMs: data.b, id: data.i } }
}

export function dayOf(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00.000Z`) / DAY_MS)
}

/** Newest first: later bookedAt, then the larger id. */
function newerFirst(a: Transaction, b: Transaction): number {
  if (a.bookedAtMs !== b.bookedAtMs) return b.bookedAtMs - a.bookedAtMs
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

function isAfterCursor(txn: Transaction, after: PageQuery['after']): boolean {
  if (!after) return true
  return txn.bookedAtMs < after.bookedAtMs || (txn.bookedAtMs === after.bookedAtMs && txn.id < after.id)
}

export function transactionPage(
  book: Book,
  account: Account,
  query: PageQuery,
  nowMs: number,
  visible: (txn: Transaction) => boolean,
): { items: Transaction[]; hasMore: boolean } {
  const items: Transaction[] = []
  const lastDay = Math.min(query.toDay, Math.floor(nowMs / DAY_MS))
  const firstDay = Math.max(query.fromDay, book.startDay)
  for (let day = lastDay; day >= firstDay; day--) {
    for (const txn of newestFirst(book.transactionsOnDay(account, day))) {
      if (txn.bookedAtMs > nowMs || !visible(txn) || !isAfterCursor(txn, query.after)) continue
      if (items.length === query.limit) return { items, hasMore: true }
      items.push(txn)
    }
  }
  return { items, hasMore: false }
}

// The world caches each account-day as one frozen list (oldest first), so the reversed
// order is worth keeping beside it rather than re-sorting the day on every page read.
const newestFirstOrder = new WeakMap<readonly Transaction[], readonly Transaction[]>()

function newestFirst(day: readonly Transaction[]): readonly Transaction[] {
  if (day.length < 2) return day
  let sorted = newestFirstOrder.get(day)
  if (!sorted) {
    sorted = [...day].sort(newerFirst)
    newestFirstOrder.set(day, sorted)
  }
  return sorted
}
