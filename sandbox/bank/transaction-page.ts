import { createHmac, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { problems } from '../http/problem.ts'
import type { Account, Transaction } from '../synthetic/types.ts'
import { DAY_MS } from '../synthetic/types.ts'
import type { Book } from './book.ts'
import { type Scope, transactionsVisibleTo } from './policy.ts'
import { transactionPageJson } from './present.ts'

// Keyset pagination over a date window, newest first. The cursor is opaque to clients:
// the window and the last item's (bookedAt, id), so it stays stable while new
// transactions appear at the top, signed with the process's cursor key over the account
// too, so that nobody can widen the window or carry a cursor to another account.

export const DEFAULT_WINDOW_DAYS = 30
export const MAX_WINDOW_DAYS = 400
/** 128 bits of HMAC-SHA256: plenty against forgery, and it keeps cursors short. */
const MAC_BYTES = 16

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

export function encodeCursor(query: PageQuery, last: Transaction, accountId: string, key: Buffer): string {
  const data = { f: query.fromDay, t: query.toDay, b: last.bookedAtMs, i: last.id }
  const payload = Buffer.from(JSON.stringify(data)).toString('base64url')
  return `${payload}.${cursorMac(key, accountId, payload)}`
}

export function decodeCursor(
  cursor: string,
  accountId: string,
  key: Buffer,
): Pick<PageQuery, 'fromDay' | 'toDay' | 'after'> {
  const dot = cursor.indexOf('.')
  const payload = cursor.slice(0, Math.max(dot, 0))
  const mac = cursor.slice(dot + 1)
  // Compared as strings: base64url decoding ignores stray bits, so an edited last character could decode alike.
  const expected = Buffer.from(cursorMac(key, accountId, payload))
  const given = Buffer.from(mac)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw notOurCursor()
  let data: z.infer<typeof CursorData> | undefined
  try {
    data = CursorData.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')))
  } catch {
    throw notOurCursor()
  }
  return { fromDay: data.f, toDay: data.t, after: { bookedAtMs: data.b, id: data.i } }
}

function cursorMac(key: Buffer, accountId: string, payload: string): string {
  return createHmac('sha256', key)
    .update(`${accountId}.${payload}`)
    .digest()
    .subarray(0, MAC_BYTES)
    .toString('base64url')
}

function notOurCursor() {
  return problems.invalidRequest('The cursor is not one this API issued for this account.', [
    { path: 'cursor', message: 'Pass nextCursor from a previous page of the same account unchanged' },
  ])
}

/** The day number of a YYYY-MM-DD date (already validated): by its fields, not a date-time parse. */
export function dayOf(date: string): number {
  const year = Number(date.slice(0, 4))
  // Date.UTC reads years 0–99 as 1900–1999.
  if (year < 100) return Math.floor(Date.parse(`${date}T00:00:00.000Z`) / DAY_MS)
  return Date.UTC(year, Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS
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

/** A page as sent, and the transactions on it. */
export interface PageAnswer {
  bytes: Buffer
  items: readonly Transaction[]
  /**
   * The first instant at which the same query could read differently, the book unchanged:
   * a transaction the window would show is booked, or one it shows posts. Infinity when
   * none is to come. Days after the clock's day that the window holds are not counted.
   */
  changesAtMs: number
}

/** The page's JSON, built from memoised parts: the same bytes c.json would write, without re-serialising. */
export function pageAnswer(
  book: Book,
  account: Account,
  query: PageQuery,
  nowMs: number,
  scopes: readonly Scope[],
  cursorKey: Buffer,
): PageAnswer {
  const page = transactionPage(book, account, query, nowMs, transactionsVisibleTo(scopes))
  const { items, hasMore } = page
  const last = items.at(-1)
  const nextCursor = hasMore && last ? encodeCursor(query, last, account.id, cursorKey) : null
  return { bytes: transactionPageJson(items, nowMs, nextCursor), items, changesAtMs: page.changesAtMs }
}

export function transactionPage(
  book: Book,
  account: Account,
  query: PageQuery,
  nowMs: number,
  visible: (txn: Transaction) => boolean,
): { items: Transaction[]; hasMore: boolean; changesAtMs: number } {
  const items: Transaction[] = []
  let changesAtMs = Number.POSITIVE_INFINITY
  const lastDay = Math.min(query.toDay, Math.floor(nowMs / DAY_MS))
  const firstDay = Math.max(query.fromDay, book.startDay)
  for (let day = lastDay; day >= firstDay; day--) {
    // Newest first: every transaction booked after now comes before the first one shown.
    for (const txn of newestFirst(book.transactionsOnDay(account, day))) {
      if (!visible(txn) || !isAfterCursor(txn, query.after)) continue
      if (txn.bookedAtMs > nowMs) {
        changesAtMs = Math.min(changesAtMs, txn.bookedAtMs)
        continue
      }
      if (items.length === query.limit) return { items, hasMore: true, changesAtMs }
      items.push(txn)
      if (txn.postedAtMs > nowMs) changesAtMs = Math.min(changesAtMs, txn.postedAtMs)
    }
  }
  return { items, hasMore: false, changesAtMs }
}

// A cache. The world caches each account-day as one frozen list (oldest first), so the reversed
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
