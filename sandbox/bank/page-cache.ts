import type { Deps } from '../deps.ts'
import type { Account } from '../synthetic/types.ts'
import { DAY_MS } from '../synthetic/types.ts'
import type { Book } from './book.ts'
import { MAX_SETTLE_DAYS } from './ledger.ts'
import { type Scope, spendingVisibleTo } from './policy.ts'
import { type PageAnswer, type PageQuery, pageAnswer } from './transaction-page.ts'

// Transaction pages kept as the bytes sent, for as long as they read the same.
//
// A settled page is kept for good. A page shows nothing newer than its window's last
// day or its cursor; once that day is settled (every charge on it posted) the page is
// the same answer for as long as the world is: later transactions, injected ones
// included, are booked at the clock's now, and clock moves only settle more days.
//
// A page that reaches unsettled days is kept until it could change: until the next
// transaction it would show is booked or one it shows posts, the next midnight (when a
// window ending today moves on), or anything added to the book, whichever comes first.
//
// Pages are kept under everything that shapes them (the parsed query), and under the
// query string as asked, so a page asked for again in the same words is found without
// reading the query again. One cache per sandbox, dropped with the world it was filled
// from (a reset, or another instance's). It is bounded by entries and bytes, the oldest
// going first: a hit costs a lookup, not a reordering.

export const PAGE_CACHE_ENTRIES = 2_048
export const PAGE_CACHE_BYTES = 16 * 1024 * 1024

/** A kept page, and when it is the answer: from `fromMs` until before `untilMs`, while the book is at `revision`. */
interface KeptPage {
  answer: PageAnswer
  fromMs: number
  untilMs: number
  /** null for a settled page: nothing added to the book changes it. */
  revision: number | null
}

interface PageCache {
  book: Book
  /** Oldest first. */
  entries: Map<string, KeptPage>
  bytes: number
  hits: number
}

declare module '../deps.ts' {
  interface WorldMemory {
    /** A cache: the transaction pages answered from the world's current book. */
    pageCache?: PageCache
  }
}

function cacheOf(deps: Deps): PageCache {
  let cache = deps.memory.pageCache
  if (!cache || cache.book !== deps.book) {
    cache = { book: deps.book, entries: new Map(), bytes: 0, hits: 0 }
    deps.memory.pageCache = cache
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
 * A page answered before for the same query string that still holds, found without
 * reading the query again. The caller still checks the consent may read the account.
 */
export function askedBefore(
  deps: Deps,
  accountId: string,
  scopes: readonly Scope[],
  asked: string,
): PageAnswer | undefined {
  const cache = cacheOf(deps)
  return hit(cache, askedKey(accountId, scopes, asked), deps.clock.now())
}

/** The page asked for: from the cache while it holds, otherwise built and kept. */
export function servePage(deps: Deps, { account, scopes, nowMs, asked, query }: PageRequest): PageAnswer {
  const build = () => pageAnswer(deps.book, account, query, nowMs, scopes, deps.cursorKey)
  const cache = cacheOf(deps)
  const sameQuery = askedKey(account.id, scopes, asked)
  const settledKey = settledPageKey(account, query, nowMs, scopes)
  if (settledKey === null) {
    const answer = build()
    const nextMidnight = (Math.floor(nowMs / DAY_MS) + 1) * DAY_MS
    const untilMs = Math.min(answer.changesAtMs, nextMidnight)
    return remember(cache, sameQuery, { answer, fromMs: nowMs, untilMs, revision: deps.book.revision })
  }
  const known = cache.entries.get(settledKey)
  if (known) cache.hits++
  const kept =
    known ??
    keep(cache, settledKey, {
      answer: build(),
      fromMs: nowMs,
      untilMs: Number.POSITIVE_INFINITY,
      revision: null,
    })
  return remember(cache, sameQuery, kept)
}

function askedKey(accountId: string, scopes: readonly Scope[], asked: string): string {
  return `? ${accountId} ${visibility(scopes)} ${asked}`
}

function hit(cache: PageCache, key: string, nowMs: number): PageAnswer | undefined {
  const kept = cache.entries.get(key)
  if (!kept || nowMs < kept.fromMs || nowMs >= kept.untilMs) return undefined
  if (kept.revision !== null && kept.revision !== cache.book.revision) return undefined
  cache.hits++
  return kept.answer
}

/** A cache: which spending the scopes show, as two digits; a consent's scopes never change, so once per consent. */
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
const sizeOf = (key: string, { answer }: KeptPage) =>
  answer.bytes.byteLength + answer.items.length * 64 + key.length

/** Keeps `page` under `key` and answers with it. */
function remember(cache: PageCache, key: string, page: KeptPage): PageAnswer {
  return keep(cache, key, page).answer
}

function keep(cache: PageCache, key: string, page: KeptPage): KeptPage {
  const size = sizeOf(key, page)
  if (size > PAGE_CACHE_BYTES / 16) return page
  const replaced = cache.entries.get(key)
  if (replaced) cache.bytes -= sizeOf(key, replaced)
  cache.entries.delete(key)
  cache.entries.set(key, page)
  cache.bytes += size
  for (const [oldKey, old] of cache.entries) {
    if (cache.entries.size <= PAGE_CACHE_ENTRIES && cache.bytes <= PAGE_CACHE_BYTES) break
    cache.entries.delete(oldKey)
    cache.bytes -= sizeOf(oldKey, old)
  }
  return page
}

/** How much the sandbox's page cache holds and how often it answered. */
export function pageCacheStats(deps: Deps): { entries: number; bytes: number; hits: number } {
  const cache = cacheOf(deps)
  return { entries: cache.entries.size, bytes: cache.bytes, hits: cache.hits }
}
