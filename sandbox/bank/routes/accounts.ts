import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.ts'
import { bearerSecurity, documented, json, jsonBytes, problemResponses } from '../../http/openapi.ts'
import { parseInput } from '../../http/validate.ts'
import { presentAccount } from '../present.ts'
import { Account, Balance, page, Transaction } from '../schemas.ts'
import { balanceJson, ownAccount, TransactionQuery, transactionsAnswer } from './account-reads.ts'
import type { BankGate } from './bank-guards.ts'
import { consentCustomer, requireScope } from './consent-checks.ts'
import type { BankEnv } from './env.ts'
import { servedMany, servedOne, transactionsServed } from './served.ts'

const BankParams = z.object({ bankId: z.string().openapi({ example: 'harbor' }) })
const AccountParams = BankParams.extend({
  accountId: z.string().max(100).openapi({ example: 'acc_harbor_00000_chk' }),
})

const JSON_TYPE = { 'Content-Type': 'application/json' }
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
      const account = ownAccount(deps, consent.customerId, accountId)
      servedOne(c, 'accounts:read')
      return c.json(presentAccount(account), 200)
    }),
  )

  documented(
    app,
    getBalance,
    gate.data((c) => {
      const { accountId } = parseInput(AccountParams, c.req.param(), 'param')
      const body = balanceJson(deps, c.get('consent'), accountId)
      servedOne(c, 'balances:read')
      return c.body(body, 200, JSON_TYPE)
    }),
  )

  documented(
    app,
    listTransactions,
    gate.data((c) => {
      const consent = c.get('consent')
      const url = c.req.url
      const asked = url.includes('?') ? url.slice(url.indexOf('?') + 1) : ''
      const askedAccount = c.req.param('accountId') ?? ''
      const { bytes, items } = transactionsAnswer(deps, consent, askedAccount, asked, () => {
        // Checked first, as on any route, unless the page was asked for before in the same words.
        parseInput(AccountParams, c.req.param(), 'param')
        return c.req.query()
      })
      c.set('served', transactionsServed(consent, items))
      return jsonBytes(bytes)
    }),
  )

  return app
}
