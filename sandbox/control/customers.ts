import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { grantConsent, issueCode, presentConsent } from '../bank/consents.ts'
import { presentAccount, presentCard } from '../bank/present.ts'
import { Account, Card, Consent, page, ScopeName } from '../bank/schemas.ts'
import type { Deps } from '../deps.ts'
import { json, problemResponses } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { validationHook } from '../http/validate.ts'
import type { Customer } from '../synthetic/types.ts'

export const CustomerView = z
  .object({
    id: z.string(),
    bankId: z.string(),
    platformUserId: z.string(),
    name: z.string(),
    email: z.string(),
    phone: z.string(),
    archetype: z.string(),
    address: z.object({
      line1: z.string(),
      city: z.string(),
      state: z.string(),
      postalCode: z.string(),
      country: z.string(),
    }),
    accounts: z.array(Account),
    cards: z.array(Card),
  })
  .openapi('Customer')

const BankParams = z.object({ bankId: z.string().openapi({ example: 'harbor' }) })
const CustomerParams = BankParams.extend({
  customerId: z.string().max(100).openapi({ example: 'cus_harbor_00000' }),
})
const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z
    .string()
    .regex(/^p[0-9a-z]{1,12}$/, 'Pass nextCursor from a previous page unchanged')
    .optional(),
})
const ConsentBody = z.object({
  scopes: z.array(ScopeName).min(1),
  purpose: z.string().max(100).openapi({ example: 'account_servicing' }),
})

const tags = ['Control: people']
const listCustomers = createRoute({
  method: 'get',
  path: '/sandbox/banks/{bankId}/customers',
  tags,
  summary: 'Browse a bank’s customers (full bank view, for demos and tests)',
  request: { params: BankParams, query: ListQuery },
  responses: { 200: json(page(CustomerView, 'CustomerPage'), 'Customers'), ...problemResponses(400, 404) },
})
const getCustomer = createRoute({
  method: 'get',
  path: '/sandbox/banks/{bankId}/customers/{customerId}',
  tags,
  request: { params: CustomerParams },
  responses: { 200: json(CustomerView, 'One customer'), ...problemResponses(404) },
})
const createConsent = createRoute({
  method: 'post',
  path: '/sandbox/banks/{bankId}/customers/{customerId}/consents',
  tags,
  summary: 'The customer approves a link: a consent and a single-use code, skipping the chat',
  request: {
    params: CustomerParams,
    body: { content: { 'application/json': { schema: ConsentBody } }, required: true },
  },
  responses: {
    201: json(z.object({ consent: Consent, code: z.string() }).openapi('ConsentGrant'), 'Consent and code'),
    ...problemResponses(400, 403, 404),
  },
})

export function customerRoutes(deps: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })

  const customerOf = (bankId: string, customerId: string) => {
    const customer = deps.world.customer(deps.requireBank(bankId).id, customerId)
    if (!customer) throw problems.notFound('No such customer at this bank.')
    return customer
  }
  const view = (customer: Customer) => ({
    id: customer.id,
    bankId: customer.bankId,
    platformUserId: customer.person.platformUserId,
    name: customer.person.name,
    email: customer.person.email,
    phone: customer.person.phone,
    archetype: customer.person.archetype,
    address: customer.person.address,
    accounts: customer.accounts.map(presentAccount),
    cards: customer.cards.map((card) => presentCard(card, deps.state.cardStatus.get(card.id) ?? 'active')),
  })

  app.openapi(listCustomers, (c) => {
    const { bankId } = c.req.valid('param')
    const { limit, cursor } = c.req.valid('query')
    const from = cursor ? Number.parseInt(cursor.slice(1), 36) : 0
    const { customers, next } = deps.world.listCustomers(deps.requireBank(bankId).id, from, limit)
    return c.json(
      { data: customers.map(view), nextCursor: next === null ? null : `p${next.toString(36)}` },
      200,
    )
  })

  app.openapi(getCustomer, (c) => {
    const { bankId, customerId } = c.req.valid('param')
    return c.json(view(customerOf(bankId, customerId)), 200)
  })

  app.openapi(createConsent, (c) => {
    const { bankId, customerId } = c.req.valid('param')
    const customer = customerOf(bankId, customerId)
    if (deps.requireBank(bankId).profile === 'fapi2')
      throw problems.invalidRequest(
        'This bank speaks FAPI 2.0 only: its codes come through a pushed authorization request (POST /banks/{bankId}/oauth/par) and the consent page, never through this shortcut.',
      )
    const consent = grantConsent(deps, deps.requireBank(bankId), customer.id, c.req.valid('json'))
    const code = issueCode(deps, consent.id, null)
    return c.json({ consent: presentConsent(consent, deps.clock.now()), code }, 201)
  })

  return app
}
