import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  bearer,
  createTestSandbox,
  link,
  postJson,
  TEST_NOW,
  type TestSandbox,
} from '../../test/support/helpers.ts'
import type { Deps } from '../deps.ts'
import { type Account, DAY_MS } from '../synthetic/types.ts'
import { PAGE_CACHE_BYTES, PAGE_CACHE_ENTRIES, pageCacheStats } from './page-cache.ts'
import type { Scope } from './policy.ts'
import { dayOf, decodeCursor, type PageQuery, pageAnswer } from './transaction-page.ts'

// Transaction pages come from a cache of the bytes sent: settled pages for good, the
// others until they could change. Whatever happens in between (clock moves short and
// long, across bookings, postings and day boundaries, injected charges, resets to
// another world), every answer must be byte for byte the page built afresh.

const ALL: Scope[] = ['transactions.all:read']
const PLATFORM_ONLY: Scope[] = ['transactions:read']
const HOUR_MS = 3_600_000

interface Read {
  kind: 'read'
  /** Which consent reads: one that sees everything, one that sees platform spending only. */
  wide: boolean
  account: number
  /**
   * null: the default window; otherwise `to` as days before the day the sandbox started
   * (negative: after it, so moves carry windows from unsettled into settled days), and
   * the span back to `from`. Few choices, so reads repeat and the cache has something to answer.
   */
  window: { back: number; span: number } | null
  limit: number
  pages: number
}
type Action =
  | Read
  | { kind: 'again'; change: 'nothing' | 'consent' | 'limit' }
  | { kind: 'move'; ms: number }
  | { kind: 'inject'; count: number; spreadMs: number }
  | { kind: 'reset'; seed: number }

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      wide: fc.boolean(),
      account: fc.nat(1),
      window: fc.option(
        fc.record({ back: fc.integer({ min: -6, max: 8 }), span: fc.constantFrom(0, 3, 10, 30) }),
        { nil: null },
      ),
      limit: fc.constantFrom(5, 20, 50),
      pages: fc.integer({ min: 1, max: 3 }),
    }),
  },
  // The last read once more, as it was, through the other consent or with another limit:
  // where a key missing part of the question would show.
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('again' as const),
      change: fc.constantFrom('nothing' as const, 'nothing' as const, 'consent' as const, 'limit' as const),
    }),
  },
  // Long moves settle days; short ones land between a page's bookings and postings.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('move' as const), ms: fc.nat(3 * DAY_MS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('move' as const), ms: fc.nat(HOUR_MS * 4) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('inject' as const),
      count: fc.integer({ min: 1, max: 20 }),
      spreadMs: fc.nat(DAY_MS),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reset' as const), seed: fc.constantFrom(42, 7) }) },
)

function again(last: Read | null, change: 'nothing' | 'consent' | 'limit'): Read | null {
  if (!last || change === 'nothing') return last
  return change === 'consent' ? { ...last, wide: !last.wide } : { ...last, limit: last.limit === 5 ? 20 : 5 }
}

const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10)

/** A customer of Harbor read through two consents, re-linked whenever tokens may have lapsed. */
async function reader(sandbox: TestSandbox, customerIndex = 0) {
  const customer = sandbox.deps.world.listCustomers('harbor', customerIndex, 1).customers[0]
  if (!customer) throw new Error('no customer at harbor')
  const tokens = { wide: '', narrow: '' }
  const relink = async () => {
    tokens.wide = (await link(sandbox, 'harbor', customer.id, ALL)).token
    tokens.narrow = (await link(sandbox, 'harbor', customer.id, PLATFORM_ONLY)).token
  }
  await relink()
  // Savings accounts see a transaction a month; the others carry the card spending.
  const accounts = customer.accounts.filter((account) => account.type !== 'savings')
  return { customer, accounts, tokens, relink }
}

type Session = Awaited<ReturnType<typeof reader>>

/** The page the route must answer, built without the cache from the same query. */
function uncached(deps: Deps, accountId: string, params: URLSearchParams, scopes: Scope[]): Buffer {
  const account = deps.world.account(accountId)
  if (!account) throw new Error(`no account ${accountId}`)
  const now = deps.clock.now()
  const limit = Number(params.get('limit'))
  const cursor = params.get('cursor')
  let query: PageQuery
  if (cursor) {
    query = { ...decodeCursor(cursor, accountId, deps.cursorKey), limit }
  } else {
    const to = params.get('to')
    const from = params.get('from')
    const toDay = to ? dayOf(to) : Math.floor(now / DAY_MS)
    query = { fromDay: from ? dayOf(from) : toDay - 29, toDay, limit, after: null }
  }
  return pageAnswer(deps.book, account, query, now, scopes, deps.cursorKey).bytes
}

const nextMidnight = (ms: number) => (Math.floor(ms / DAY_MS) + 1) * DAY_MS

/** A customer's first account with card spending (not savings). */
function firstSpendingAccount(sandbox: TestSandbox, customerIndex: number): Account | undefined {
  const customer = sandbox.deps.world.listCustomers('harbor', customerIndex, 1).customers[0]
  return customer?.accounts.find((account) => account.type !== 'savings')
}

/** When the default 50-transaction page of `account`, as it reads now, next reads differently. */
function defaultPageChangesAt(deps: Deps, account: Account): number {
  const now = deps.clock.now()
  const today = Math.floor(now / DAY_MS)
  const query = { fromDay: today - 29, toDay: today, limit: 50, after: null }
  return pageAnswer(deps.book, account, query, now, ALL, deps.cursorKey).changesAtMs
}

/** Reads an account's page for `params`, as they stand at each read, through the consent that sees everything. */
function widePage(sandbox: TestSandbox, session: Session, accountId: string, params: URLSearchParams) {
  return async () => {
    const res = await sandbox.request(`/banks/harbor/v1/accounts/${accountId}/transactions?${params}`, {
      headers: bearer(session.tokens.wide),
    })
    expect(res.status).toBe(200)
    return res.text()
  }
}

async function readPages(sandbox: TestSandbox, token: string, accountId: string, read: Read) {
  const today = Math.floor(TEST_NOW / DAY_MS)
  const params = new URLSearchParams({ limit: String(read.limit) })
  if (read.window) {
    params.set('to', isoDay(today - read.window.back))
    params.set('from', isoDay(today - read.window.back - read.window.span))
  }
  for (let page = 0; page < read.pages; page++) {
    const res = await sandbox.request(`/banks/harbor/v1/accounts/${accountId}/transactions?${params}`, {
      headers: bearer(token),
    })
    expect(res.status).toBe(200)
    const served = Buffer.from(await res.arrayBuffer())
    const fresh = uncached(sandbox.deps, accountId, params, read.wide ? ALL : PLATFORM_ONLY)
    expect(served.toString()).toBe(fresh.toString())
    const next = (JSON.parse(served.toString()) as { nextCursor: string | null }).nextCursor
    if (!next) return
    params.set('cursor', next)
  }
}

/** A clock move, an injected burst or a reset; a new session where tokens may have lapsed. */
async function change(
  sandbox: TestSandbox,
  session: Session,
  step: Exclude<Action, Read | { kind: 'again' }>,
) {
  if (step.kind === 'move') {
    const res = await sandbox.request('/sandbox/clock', postJson({ advanceMs: step.ms }))
    expect(res.status).toBe(200)
    await session.relink() // access tokens last 15 simulated minutes
    return session
  }
  if (step.kind === 'inject') {
    const card = session.customer.cards[0]
    const charge = { amount: { amount: -1234, currency: 'USD' }, count: step.count, spreadMs: step.spreadMs }
    const res = await sandbox.request(
      `/sandbox/banks/harbor/cards/${card?.id}/transactions`,
      postJson(charge),
    )
    expect(res.status).toBe(201)
    return session
  }
  expect((await sandbox.request('/sandbox/reset', postJson({ seed: step.seed }))).status).toBe(200)
  return reader(sandbox)
}

describe('the transaction page cache', () => {
  test('cached and uncached pages agree byte for byte over windows, cursors, clock moves, injections and resets', async () => {
    let hits = 0
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 4, maxLength: 24 }), async (actions) => {
        const sandbox = createTestSandbox({ customers: 30 })
        let session = await reader(sandbox)
        // Every read so far, read again after each change: whatever the cache kept must still hold.
        const reads: Read[] = []
        const read = async (step: Read) => {
          const account = session.accounts[step.account % session.accounts.length]
          const token = step.wide ? session.tokens.wide : session.tokens.narrow
          if (account) await readPages(sandbox, token, account.id, step)
        }
        for (const action of actions) {
          if (action.kind === 'read' || action.kind === 'again') {
            const step = action.kind === 'read' ? action : again(reads.at(-1) ?? null, action.change)
            if (!step) continue
            reads.push(step)
            await read(step)
            continue
          }
          if (action.kind === 'reset') hits += pageCacheStats(sandbox.deps).hits
          session = await change(sandbox, session, action)
          for (const step of reads) await read(step)
        }
        hits += pageCacheStats(sandbox.deps).hits
      }),
      { numRuns: 40 },
    )
    // The comparison means something only if the cache answered some of the reads.
    expect(hits).toBeGreaterThan(0)
  }, 120_000)

  test('a settled page is kept and answered again as the same bytes', async () => {
    const sandbox = createTestSandbox()
    const { customer, tokens } = await reader(sandbox)
    const account = customer.accounts[0]?.id ?? ''
    const today = Math.floor(sandbox.deps.clock.now() / DAY_MS)
    const get = async (query: string) => {
      const res = await sandbox.request(`/banks/harbor/v1/accounts/${account}/transactions?${query}`, {
        headers: bearer(tokens.wide),
      })
      expect(res.status).toBe(200)
      return res.text()
    }
    const settled = `from=${isoDay(today - 40)}&to=${isoDay(today - 10)}&limit=20`
    const first = await get(settled)
    const kept = pageCacheStats(sandbox.deps)
    expect(kept).toMatchObject({ hits: 0 })
    expect(kept.entries).toBeGreaterThan(0)
    expect(await get(settled)).toBe(first)
    expect(pageCacheStats(sandbox.deps)).toEqual({ ...kept, hits: 1 })
  })

  test('a page reaching unsettled days is kept until a transaction it would show is booked or posts', async () => {
    const sandbox = createTestSandbox()
    // A customer whose default page changes before midnight (a booking later today, or a posting).
    const index = [...Array(10).keys()].find((i) => {
      const account = firstSpendingAccount(sandbox, i)
      return account !== undefined && defaultPageChangesAt(sandbox.deps, account) < nextMidnight(TEST_NOW)
    })
    if (index === undefined) throw new Error('no page changes before midnight')
    const session = await reader(sandbox, index)
    const account = session.accounts[0]
    if (!account) throw new Error('no spending account')
    const params = new URLSearchParams({ limit: '50' })
    const get = widePage(sandbox, session, account.id, params)
    const hits = () => pageCacheStats(sandbox.deps).hits
    const first = await get()
    expect(hits()).toBe(0)
    expect(await get()).toBe(first)
    expect(hits()).toBe(1)

    // Up to the instant before the change, the kept page; at it, the page built again.
    const changesAtMs = defaultPageChangesAt(sandbox.deps, account)
    await change(sandbox, session, { kind: 'move', ms: changesAtMs - 1 - sandbox.deps.clock.now() })
    expect(await get()).toBe(first)
    expect(hits()).toBe(2)
    await change(sandbox, session, { kind: 'move', ms: 1 })
    const changed = await get()
    expect(changed).not.toBe(first)
    expect(changed).toBe(uncached(sandbox.deps, account.id, params, ALL).toString())
    expect(hits()).toBe(2)

    // Anything added to the book: the page is built again, with the charge on it.
    expect(await get()).toBe(changed)
    await change(sandbox, session, { kind: 'inject', count: 1, spreadMs: 0 })
    const charged = await get()
    expect(charged).not.toBe(changed)
    expect(charged).toBe(uncached(sandbox.deps, account.id, params, ALL).toString())
    expect(hits()).toBe(3)
  })

  test('a page of days not settled yet is built again when a transaction on it posts', async () => {
    const sandbox = createTestSandbox()
    const session = await reader(sandbox)
    const account = session.accounts[0]
    if (!account) throw new Error('no spending account')
    // Ending yesterday: nothing more is booked on it, but its newest charges are still pending.
    const today = Math.floor(TEST_NOW / DAY_MS)
    const query = { fromDay: today - 10, toDay: today - 1, limit: 50, after: null }
    const params = new URLSearchParams({ from: isoDay(today - 10), to: isoDay(today - 1), limit: '50' })
    const get = widePage(sandbox, session, account.id, params)
    const first = await get()
    const { items } = pageAnswer(sandbox.deps.book, account, query, TEST_NOW, ALL, sandbox.deps.cursorKey)
    const pending = items.map((txn) => txn.postedAtMs).filter((postedAtMs) => postedAtMs > TEST_NOW)
    expect(first).toContain('"status":"pending"')
    const postsAtMs = Math.min(...pending)
    await change(sandbox, session, { kind: 'move', ms: postsAtMs - 1 - TEST_NOW })
    expect(await get()).toBe(first)
    const hits = pageCacheStats(sandbox.deps).hits
    expect(await get()).toBe(first)
    expect(pageCacheStats(sandbox.deps).hits).toBe(hits + 1)
    await change(sandbox, session, { kind: 'move', ms: 1 })
    const posted = await get()
    expect(posted).not.toBe(first)
    expect(posted).toBe(uncached(sandbox.deps, account.id, params, ALL).toString())
  })

  test('a page whose window ends today is built again at midnight, when the window moves on', async () => {
    const sandbox = createTestSandbox()
    const session = await reader(sandbox)
    const account = session.accounts[0]
    if (!account) throw new Error('no spending account')
    // Nothing on this page is booked or posts before midnight: only the window's move changes it.
    expect(defaultPageChangesAt(sandbox.deps, account)).toBeGreaterThan(nextMidnight(TEST_NOW))
    const params = new URLSearchParams({ limit: '50' })
    const get = widePage(sandbox, session, account.id, params)
    const before = await get()
    await change(sandbox, session, { kind: 'move', ms: nextMidnight(TEST_NOW) - TEST_NOW })
    const after = await get()
    expect(after).not.toBe(before)
    expect(after).toBe(uncached(sandbox.deps, account.id, params, ALL).toString())
  })

  test('a page kept for one consent still asks every other consent for its scope and its customer', async () => {
    const sandbox = createTestSandbox()
    const { customer, tokens } = await reader(sandbox)
    const today = Math.floor(sandbox.deps.clock.now() / DAY_MS)
    const path = `/banks/harbor/v1/accounts/${customer.accounts[0]?.id}/transactions?from=${isoDay(today - 40)}&to=${isoDay(today - 10)}`
    for (let i = 0; i < 2; i++) {
      expect((await sandbox.request(path, { headers: bearer(tokens.wide) })).status).toBe(200)
    }
    expect(pageCacheStats(sandbox.deps).hits).toBe(1)

    const other = sandbox.deps.world.listCustomers('harbor', 1, 1).customers[0]?.id ?? ''
    const stranger = await link(sandbox, 'harbor', other, ALL)
    const noTransactions = await link(sandbox, 'harbor', customer.id, ['balances:read'])
    expect((await sandbox.request(path, { headers: bearer(stranger.token) })).status).toBe(404)
    expect((await sandbox.request(path, { headers: bearer(noTransactions.token) })).status).toBe(403)
  })

  test('the cache stays within its bounds, dropping the oldest pages', async () => {
    const sandbox = createTestSandbox()
    const { customer, tokens } = await reader(sandbox)
    const today = Math.floor(sandbox.deps.clock.now() / DAY_MS)
    const read = (limit: number) =>
      sandbox.request(
        `/banks/harbor/v1/accounts/${customer.accounts[0]?.id}/transactions?to=${isoDay(today - 10)}&limit=${limit}`,
        { headers: bearer(tokens.wide) },
      )
    // Each page is kept under its query and under its query string: twice the bound, and more.
    for (let limit = 1; limit <= 500; limit++) await read(limit)
    for (let back = 11; back < 11 + 600; back++) {
      const res = await sandbox.request(
        `/banks/harbor/v1/accounts/${customer.accounts[0]?.id}/transactions?to=${isoDay(today - back)}&limit=5`,
        { headers: bearer(tokens.wide) },
      )
      expect(res.status).toBe(200)
    }
    const stats = pageCacheStats(sandbox.deps)
    expect(stats.entries).toBe(PAGE_CACHE_ENTRIES)
    expect(stats.bytes).toBeLessThanOrEqual(PAGE_CACHE_BYTES)
    await read(1) // among the first kept: gone
    expect(pageCacheStats(sandbox.deps).hits).toBe(stats.hits)
  })

  test('each sandbox has its own cache, and a reset empties it', async () => {
    const one = createTestSandbox()
    const other = createTestSandbox()
    const { customer, tokens } = await reader(one)
    const today = Math.floor(one.deps.clock.now() / DAY_MS)
    const path = `/banks/harbor/v1/accounts/${customer.accounts[0]?.id}/transactions?from=${isoDay(today - 40)}&to=${isoDay(today - 10)}`
    expect((await one.request(path, { headers: bearer(tokens.wide) })).status).toBe(200)
    expect(pageCacheStats(one.deps).entries).toBeGreaterThan(0)
    expect(pageCacheStats(other.deps).entries).toBe(0)
    await one.request('/sandbox/reset', postJson({}))
    expect(pageCacheStats(one.deps).entries).toBe(0)
  })
})
