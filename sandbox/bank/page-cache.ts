import type { Deps } from '../deps.ts'
import type { Account } from '../world/types.ts'
import { DAY_MS } from '../world/types.ts'
import type { Book } from './book.ts'
import { MAX_SETTLE_DAYS } from './ledger.ts'
import { type Scope, spendingVisibleTo } from './policy.ts'
import { type PageAnswer, type PageQuery, pageAnswer } from './transaction-page.ts'

// Transaction pages that can no longer change, kept as the bytes sent. A page shows
// nothing newer than its window's last day or its cursor; once that day is settled
// (every charge on it posted) the page is the same answer for as long as the world is:
// later transactions, injected ones included, are booked at the clock's now, and clock
// moves only settle more days. Pages that reach into unsettled days are built every time.
//
// One cache per sandbox, dropped with the world it was filled from (a reset, or another
// instance's). It is bounded by entries and bytes, the oldest going first: a hit costs a
// lookup, not a reordering.

export const PAGE_CACHE_ENTRIES = 2_048
export const PAGE_CACHE_BYTES = 16 * 1024 * 1024

interface PageCache {
  book: Book
  /** Oldest first. */
  entries: Map<string, PageAnswer>
  bytes: number
  hits: number
}

// Per sandbox (each world has its own Deps): weakly held, gone with it.
const caches = new WeakMap<Deps, PageCache>()

function cacheOf(deps: Deps): PageCache {
  let cache = caches.get(deps)
  if (!cache || cache.book !== deps.book) {
    cache = { book: deps.book, entries: new Map(), bytes: 0, hits: 0 }
    caches.set(deps, cache)
  }
  return cache
}

/** A page as asked: the query string as sent (after `?`), and the query it was read as. */
export interface PageRequest {
  account: Account
  scopes: readonly Scope[]
  nowMs: number
  asked: string
  query: PageQuery
}

/**
 * A settled page answered before for the same query string, found without reading the
 * query again: a query string naming its window's end or a cursor asks for the same page
 * whenever it comes. The caller still checks the consent may read the account.
 */
export function askedBefore(
  deps: Deps,
  accountId: string,
  scopes: readonly Scope[],
  asked: string,
): PageAnswer | undefined {
  const key = askedKey(accountId, scopes, asked)
  return key === null ? undefined : hit(cacheOf(deps), key)
}

/** The page asked for, from the cache when it is settled. */
export function servePage(deps: Deps, { account, scopes, nowMs, asked, query }: PageRequest): PageAnswer {
  const build = () => pageAnswer(deps.book, account, query, nowMs, scopes, deps.cursorKey)
  const key = settledPageKey(account, query, nowMs, scopes)
  if (key === null) return build()
  const cache = cacheOf(deps)
  const answer = hit(cache, key) ?? remember(cache, key, build())
  const sameQuery = askedKey(account.id, scopes, asked)
  if (sameQuery !== null) remember(cache, sameQuery, answer)
  return answer
}

function askedKey(accountId: string, scopes: readonly Scope[], asked: string): string | null {
  return FIXED_WINDOW.test(asked) ? `? ${accountId} ${visibility(scopes)} ${asked}` : null
}

/** A `to` or a `cursor` (not empty): without either, the window ends today, whenever today is. */
const FIXED_WINDOW = /(?:^|&)(?:to|cursor)=[^&]/

function hit(cache: PageCache, key: string): PageAnswer | undefined {
  const known = cache.entries.get(key)
  if (known) cache.hits++
  return known
}

/** Which spending the scopes show, as two digits; a consent's scopes never change, so once per consent. */
const visibilities = new WeakMap<readonly Scope[], string>()
function visibility(scopes: readonly Scope[]): string {
  let known = visibilities.get(scopes)
  if (known === undefined) {
    const { platform, offPlatform } = spendingVisibleTo(scopes)
    known = `${+platform}${+offPlatform}`
    visibilities.set(scopes, known)
  }
  return known
}

/**
 * Everything that shapes a settled page's answer, or null when the page reaches a day
 * that is not settled yet. The cursor key and the book belong to the cache's sandbox.
 */
export function settledPageKey(
  account: Account,
  query: PageQuery,
  nowMs: number,
  scopes: readonly Scope[],
): string | null {
  const cursorDay = query.after ? Math.floor(query.after.bookedAtMs / DAY_MS) : query.toDay
  const lastShown = Math.min(query.toDay, cursorDay)
  if (lastShown >= Math.floor(nowMs / DAY_MS) - MAX_SETTLE_DAYS) return null
  const after = query.after ? `${query.after.bookedAtMs}/${query.after.id}` : '-'
  return `${account.id} ${visibility(scopes)} ${query.fromDay} ${query.toDay} ${query.limit} ${after}`
}

/** About what an entry holds: its bytes, and the transactions it shows (what a call served is recorded from them). */
const sizeOf = (key: string, answer: PageAnswer) =>
  answer.bytes.byteLength + answer.items.length * 64 + key.length

function remember(cache: PageCache, key: string, answer: PageAnswer): PageAnswer {
  const size = sizeOf(key, answer)
  if (size > PAGE_CACHE_BYTES / 16) return answer
  const replaced = cache.entries.get(key)
  if (replaced) cache.bytes -= sizeOf(key, replaced)
  cache.entries.delete(key)
  cache.entries.set(key, answer)
  cache.bytes += size
  for (const [oldKey, old] of cache.entries) {
    if (cache.entries.size <= PAGE_CACHE_ENTRIES && cache.bytes <= PAGE_CACHE_BYTES) break
    cache.entries.delete(oldKey)
    cache.bytes -= sizeOf(oldKey, old)
  }
  return answer
}

/** How much the sandbox's page cache holds and how often it answered. */
export function pageCacheStats(deps: Deps): { entries: number; bytes: number; hits: number } {
  const cache = cacheOf(deps)
  return { entries: cache.entries.size, bytes: cache.bytes, hits: cache.hits }
}
