import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { Dispute } from '../bank/dispute-schemas.ts'
import { disputesOf, presentDispute } from '../bank/disputes.ts'
import type { Deps } from '../deps.ts'
import { json, problemResponses } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { validationHook } from '../http/validate.ts'

// A customer's disputes as the bank holds them, with the merchant and amount of each
// disputed charge: what a scenario judges, and the dashboard's deadline timeline shows.

export const ControlDispute = Dispute.extend({
  merchantName: z.string(),
  amount: z.number().int().openapi({ description: 'The disputed charge, minor units (negative)' }),
}).openapi('ControlDispute')

const list = createRoute({
  method: 'get',
  path: '/sandbox/banks/{bankId}/disputes',
  tags: ['Control: people'],
  summary: 'A customer’s disputes, newest first',
  request: {
    params: z.object({ bankId: z.string() }),
    query: z.object({ customerId: z.string().max(100) }),
  },
  responses: {
    200: json(z.object({ data: z.array(ControlDispute) }), 'Disputes'),
    ...problemResponses(400, 404),
  },
})

export function disputeControlRoutes(deps: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  app.openapi(list, (c) => {
    const { bankId } = c.req.valid('param')
    if (!deps.bank(bankId)) throw problems.notFound('No such bank.')
    const data = disputesOf(deps, bankId, c.req.valid('query').customerId).map((record) => ({
      ...presentDispute(record),
      merchantName: record.merchantName,
      amount: record.amount,
    }))
    return c.json({ data }, 200)
  })
  return app
}
