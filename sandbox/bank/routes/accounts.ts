import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { toIso } from '../../clock.ts'
import type { Deps } from '../../deps.ts'
import { bearerSecurity, documented, json, jsonBytes, problemResponses } from '../../http/openapi.ts'
import { problems } from '../../http/problem.ts'
import { parseInput } from '../../http/validate.ts'
import { DAY_MS } from '../../world/types.ts'
import { accountBalance } from '../ledger.ts'
import { askedBefore, servePage } from '../page-cache.ts'
import { money, presentAccount } from '../present.ts'
import { Account, Balance, page, Transaction } from '../schemas.ts'
import {
  DEFAULT_WINDOW_DAYS,
  dayOf,
  decodeCursor,
  MAX_WINDOW_DAYS,
  type PageAnswer,
  type PageQuery,
} from '../transaction-page.ts'
import type { BankGate } from './bank-guards.ts'
import { consentCustomer, requireScope } from './consent-checks.ts'
import type { BankEnv } from './env.ts'
import { servedMany, servedOne, servedTransactions } from './served.ts'

const BankParams = z.object({ bankId: z.string().openapi({ example: 'harbor' }) })
const AccountParams = BankParams.extend({
  accountId: z.string().max(100).openapi({ example: 'acc_harbor_00000_chk' }),
})
// The ISO date regex knows month lengths and leap years: no Date round trip per query.
const IsoDate = z.iso.date({ error: 'Expected a calendar date as YYYY-MM-DD' })
const TransactionQuery = z.object({
  from: IsoDate.optional().openapi({ description: 'Inclusive; default 29 days before `to`' }),
  to: IsoDate.optional().openapi({ description: 'Inclusive; default today on the simulation clock' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(512).optional(),
})

const TransactionPage = page(Transaction, 'TransactionPage')
const tags = ['Bank data']
const common = { security: bearerSecurity, tags }
const errors = problemResponses(401, 403, 404)

const listAccounts = createRoute({
  ...common,
  method: 'get',
  path: '/banks/{bankId}/v1/accounts',
  summary: 'The consenting customer’s accounts',
  request: { params: BankParams },
  responses: { 200: json(page(Account, 'AccountPage'), 'Accounts'), ...errors },
})
const getAccount = createRoute({
  ...common,
  method: 'get',
  path: '/banks/{bankId}/v1/accounts/{accountId}',
  request: { params: AccountParams },
  responses: { 200: json(Account, 'One account'), ...errors },
})
const getBalance = createRoute({
  ...common,
  method: 'get',
  path: '/banks/{bankId}/v1/accounts/{accountId}/balances',
  request: { params: AccountParams },
  responses: { 200: json(Balance, 'Current and available balance'), ...errors },
})
const listTransactions = createRoute({
  ...common,
  method: 'get',
  path: '/banks/{bankId}/v1/accounts/{accountId}/transactions',
  summary: 'Transactions, newest first; platform-channel only unless the consent has transactions.all:read',
  request: { params: AccountParams, query: TransactionQuery },
  responses: {
    200: json(TransactionPage, 'A page of transactions'),
    ...problemResponses(400),
    ...errors,
  },
})

export function accountRoutes(deps: Deps, gate: BankGate) {
  const app = new OpenAPIHono<BankEnv>()

  /** The account, if it belongs to the consent's customer; anyone else's is simply not found. */
  const ownAccount = (consentCustomerId: string, accountId: string) => {
    const account = deps.world.account(accountId)
    if (!account || account.customerId !== consentCustomerId)
      throw problems.notFound('No such account under this consent.')
    return account
  }

  documented(
    app,
    listAccounts,
    gate.data((c) => {
      const consent = c.get('consent')
      requireScope(consent, 'accounts:read')
      const customer = consentCustomer(deps, consent)
      servedMany(c, 'accounts:read', customer.accounts.length)
      return c.json({ data: customer.accounts.map(presentAccount), nextCursor: null }, 200)
    }),
  )

  documented(
    app,
    getAccount,
    gate.data((c) => {
      const { accountId } = parseInput(AccountParams, c.req.param(), 'param')
      const consent = c.get('consent')
      requireScope(consent, 'accounts:read')
      const account = ownAccount(consent.customerId, accountId)
      servedOne(c, 'accounts:read')
      return c.json(presentAccount(account), 200)
    }),
  )

  documented(
    app,
    getBalance,
    gate.data((c) => {
      const { accountId } = parseInput(AccountParams, c.req.param(), 'param')
      const consent = c.get('consent')
      requireScope(consent, 'balances:read')
      const account = ownAccount(consent.customerId, accountId)
      const now = deps.clock.now()
      const { current, available } = accountBalance(deps.ledger, account, now)
      servedOne(c, 'balances:read')
      return c.json(
        { accountId: account.id, current: money(current), available: money(available), asOf: toIso(now) },
        200,
      )
    }),
  )

  documented(
    app,
    listTransactions,
    gate.data((c) => {
      const consent = c.get('consent')
      const answer = ({ bytes, items }: PageAnswer) => {
        servedTransactions(c, consent, items)
        return jsonBytes(bytes)
      }
      const url = c.req.url
      const asked = url.includes('?') ? url.slice(url.indexOf('?') + 1) : ''
      // A settled page asked for before in the same words: its account and query were valid then, and are now.
      const askedAccount = c.req.param('accountId') ?? ''
      const known = askedBefore(deps, askedAccount, consent.scopes, asked)
      if (known) {
        requireScope(consent, 'transactions:read', 'transactions.all:read')
        ownAccount(consent.customerId, askedAccount)
        return answer(known)
      }
      const { accountId } = parseInput(AccountParams, c.req.param(), 'param')
      const rawQuery = parseInput(TransactionQuery, c.req.query(), 'query')
      requireScope(consent, 'transactions:read', 'transactions.all:read')
      const account = ownAccount(consent.customerId, accountId)
      const now = deps.clock.now()
      const query = pageQuery(rawQuery, now, account.id, deps.cursorKey)
      // A settled page comes from the cache as the bytes sent; any other is built from memoised parts.
      return answer(servePage(deps, { account, scopes: consent.scopes, nowMs: now, asked, query }))
    }),
  )

  return app
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
