import { z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.ts'
import { problems } from '../../http/problem.ts'
import { parseInput } from '../../http/validate.ts'
import type { ConsentRecord } from '../../store/state.ts'
import { type Account, DAY_MS } from '../../synthetic/types.ts'
import { toIso } from '../../time/clock.ts'
import { accountBalance, type Ledger } from '../ledger.ts'
import { askedBefore, servePage } from '../page-cache.ts'
import { moneyJson } from '../present.ts'
import {
  DEFAULT_WINDOW_DAYS,
  dayOf,
  decodeCursor,
  MAX_WINDOW_DAYS,
  type PageAnswer,
  type PageQuery,
} from '../transaction-page.ts'
import { requireScope } from './consent-checks.ts'

// The two reads an integration makes most, a balance and a page of transactions, as the
// answer under a consent that passed the gate: the routes (accounts.ts) and the hot reads
// (hot-reads.ts) both answer from here, so the two ways in cannot drift apart.

// The ISO date regex knows month lengths and leap years: no Date round trip per query.
const IsoDate = z.iso.date({ error: 'Expected a calendar date as YYYY-MM-DD' })
export const TransactionQuery = z.object({
  from: IsoDate.optional().openapi({ description: 'Inclusive; default 29 days before `to`' }),
  to: IsoDate.optional().openapi({ description: 'Inclusive; default today on the simulation clock' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
})

/** The account, if it belongs to the consent's customer; anyone else's is simply not found. */
export function ownAccount(deps: Deps, consentCustomerId: string, accountId: string): Account {
  const account = deps.world.account(accountId)
  if (!account || account.customerId !== consentCustomerId)
    throw problems.notFound('No such account under this consent.')
  return account
}

/** The last balance text per account, with the instant and book revision it was written at. */
interface WrittenBalance {
  nowMs: number
  revision: number
  text: string
}
/** A cache, per ledger (a world's balances, replaced with the world): dropping it changes no answer. */
const writtenBalances = new WeakMap<Ledger, Map<string, WrittenBalance>>()
const MAX_WRITTEN_BALANCES = 100_000

function writtenBalancesOf(ledger: Ledger): Map<string, WrittenBalance> {
  const known = writtenBalances.get(ledger)
  if (known) return known
  const fresh = new Map<string, WrittenBalance>()
  writtenBalances.set(ledger, fresh)
  return fresh
}

/**
 * The balance as the JSON text sent. Written out rather than built as an object and
 * stringified, which took a tenth of a balance read; it is the text `JSON.stringify`
 * makes of the Balance schema's object (account-reads.test.ts holds it to that). Under
 * load many reads of an account fall in one millisecond: while neither the clock nor
 * the book has moved, the text written for the first is the answer for the rest.
 */
export function balanceJson(deps: Deps, consent: ConsentRecord, accountId: string): string {
  requireScope(consent, 'balances:read')
  const account = ownAccount(deps, consent.customerId, accountId)
  const now = deps.clock.now()
  const { ledger, book } = deps
  const written = writtenBalancesOf(ledger)
  const last = written.get(account.id)
  if (last && last.nowMs === now && last.revision === book.revision) return last.text
  const { current, available } = accountBalance(ledger, account, now)
  const text = `{"accountId":${JSON.stringify(account.id)},"current":${moneyJson(current)},"available":${moneyJson(available)},"asOf":"${toIso(now)}"}`
  if (written.size >= MAX_WRITTEN_BALANCES) written.clear()
  written.set(account.id, { nowMs: now, revision: book.revision, text })
  return text
}

/**
 * `asked` is the query string as sent; `query` reads it as parameters, and is only called
 * when the page was not asked for before in the same words.
 */
export function transactionsAnswer(
  deps: Deps,
  consent: ConsentRecord,
  accountId: string,
  asked: string,
  query: () => Record<string, string>,
): PageAnswer {
  // A settled page asked for before in the same words: its account and query were valid then, and are now.
  const known = askedBefore(deps, accountId, consent.scopes, asked)
  if (known) {
    requireScope(consent, 'transactions:read', 'transactions.all:read')
    ownAccount(deps, consent.customerId, accountId)
    return known
  }
  const rawQuery = parseInput(TransactionQuery, query(), 'query')
  requireScope(consent, 'transactions:read', 'transactions.all:read')
  const account = ownAccount(deps, consent.customerId, accountId)
  const now = deps.clock.now()
  const pageOf = pageQuery(rawQuery, now, account.id, deps.cursorKey)
  // A settled page comes from the cache as the bytes sent; any other is built from memoised parts.
  return servePage(deps, { account, scopes: consent.scopes, nowMs: now, asked, query: pageOf })
}

function pageQuery(
  query: z.infer<typeof TransactionQuery>,
  nowMs: number,
  accountId: string,
  cursorKey: Buffer,
): PageQuery {
  if (query.cursor) return { ...decodeCursor(query.cursor, accountId, cursorKey), limit: query.limit }
  const toDay = query.to ? dayOf(query.to) : Math.floor(nowMs / DAY_MS)
  const fromDay = query.from ? dayOf(query.from) : toDay - (DEFAULT_WINDOW_DAYS - 1)
  if (fromDay > toDay)
    throw problems.invalidRequest('`from` is after `to`.', [
      { path: 'from', message: 'Must not be after to' },
    ])
  if (toDay - fromDay >= MAX_WINDOW_DAYS) {
    throw problems.invalidRequest(`The window spans more than ${MAX_WINDOW_DAYS} days.`, [
      { path: 'from', message: `At most ${MAX_WINDOW_DAYS} days before to` },
    ])
  }
  return { fromDay, toDay, limit: query.limit, after: null }
}
