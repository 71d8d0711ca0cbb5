import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { Account, Alert, Card, Money, Transaction } from '../bank/schemas.ts'
import type { Deps } from '../deps.ts'
import { json, problemResponses } from '../http/openapi.ts'
import { validationHook } from '../http/validate.ts'
import { customerActivity } from './activity.ts'
import { resolveSelection, userBanks } from './selection.ts'

// The dashboard's JSON reads, documented like the rest of the control API: a customer's
// activity as the bank sees it (everything, off-platform spending included — never what
// an integration may see), and who a platform user is at each bank.

const CategorySpend = z.object({
  category: z.string(),
  platform: z.number().int().openapi({ description: 'Minor units spent inside the platform (positive)' }),
  offPlatform: z
    .number()
    .int()
    .openapi({ description: 'Minor units spent in store or online elsewhere (positive)' }),
  count: z.number().int(),
  flagged: z.number().int().openapi({ description: 'Charges on a fraud alert' }),
})
const Activity = z
  .object({
    customer: z.object({
      id: z.string(),
      bankId: z.string(),
      platformUserId: z.string(),
      name: z.string(),
      archetype: z.string(),
    }),
    asOf: z.string(),
    accounts: z.array(Account.extend({ current: Money, available: Money }).omit({ currency: true })),
    cards: z.array(Card),
    transactions: z.array(Transaction),
    spending: z.object({ from: z.string(), to: z.string(), categories: z.array(CategorySpend) }),
    channels: z.object({ platform: z.number().int(), offPlatform: z.number().int() }),
    alerts: z.array(Alert),
    flaggedTransactionIds: z.array(z.string()),
  })
  .openapi('DemoActivity')
const UserBanks = z
  .object({
    platformUserId: z.string(),
    name: z.string(),
    customers: z.array(z.object({ bankId: z.string(), customerId: z.string() })),
  })
  .openapi('DemoUser')

const tags = ['Control: demo']
const activity = createRoute({
  method: 'get',
  path: '/sandbox/demo/people/{bankId}/{customerId}/activity',
  tags,
  summary:
    'Bank view of a customer for the dashboard: balances, recent transactions, 90-day spending, alerts',
  request: {
    params: z.object({ bankId: z.string().max(100), customerId: z.string().max(100) }),
    query: z.object({ limit: z.coerce.number().int().min(0).max(200).default(20) }),
  },
  responses: {
    200: json(Activity, 'Everything the bank knows, newest first'),
    ...problemResponses(400, 404),
  },
})
const user = createRoute({
  method: 'get',
  path: '/sandbox/demo/users/{userId}',
  tags,
  summary: 'A platform user’s name and customer id at each of their banks',
  request: { params: z.object({ userId: z.string().max(100) }) },
  responses: { 200: json(UserBanks, 'The user'), ...problemResponses(404) },
})

const defaultPerson = createRoute({
  method: 'get',
  path: '/sandbox/demo/banks/{bankId}/default-person',
  tags,
  summary: 'Who the dashboard shows first at a bank: the first linked customer, else the first customer',
  request: { params: z.object({ bankId: z.string().max(100) }) },
  responses: {
    200: json(
      z.object({ bankId: z.string(), customerId: z.string(), platformUserId: z.string(), name: z.string() }),
      'The person',
    ),
    ...problemResponses(404),
  },
})

export function activityRoutes(deps: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })

  app.openapi(activity, (c) => {
    const { bankId, customerId } = c.req.valid('param')
    const { customer } = resolveSelection(deps, bankId, customerId)
    return c.json(customerActivity(deps, customer, c.req.valid('query').limit), 200)
  })

  app.openapi(defaultPerson, (c) => {
    const { bank, customer } = resolveSelection(deps, c.req.valid('param').bankId)
    const { platformUserId, name } = customer.person
    return c.json({ bankId: bank.id, customerId: customer.id, platformUserId, name }, 200)
  })

  app.openapi(user, (c) => c.json(userBanks(deps, c.req.valid('param').userId), 200))

  return app
}
