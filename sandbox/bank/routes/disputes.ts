import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.ts'
import { bearerSecurity, documented, json, problemResponses } from '../../http/openapi.ts'
import { problems } from '../../http/problem.ts'
import { parseInput, readJson } from '../../http/validate.ts'
import { DISPUTE_STATUSES, Dispute, DisputeBody } from '../dispute-schemas.ts'
import { disputesOf, fileDispute, presentDispute } from '../disputes.ts'
import { page } from '../schemas.ts'
import type { BankGate } from './bank-guards.ts'
import { consentCustomer, requireScope } from './consent-checks.ts'
import type { BankEnv } from './env.ts'
import { servedMany, servedOne } from './served.ts'

// Disputes under the disputes:write scope: file one on a charge, list them, read one.
// Deadlines and what happens on them: sandbox/bank/disputes.ts.

const BankParams = z.object({ bankId: z.string().openapi({ example: 'harbor' }) })
const DisputeParams = BankParams.extend({
  disputeId: z.string().max(100).openapi({ example: 'dsp_k3j9x2m1qa000001' }),
})
const ListQuery = z.object({ status: z.enum(DISPUTE_STATUSES).optional() })

const common = {
  security: bearerSecurity,
  tags: ['Disputes'],
  description: 'Under the disputes:write scope (every bank that shares transactions; not pinecrest).',
}
const errors = problemResponses(401, 403, 404)

const file = createRoute({
  ...common,
  method: 'post',
  path: '/banks/{bankId}/v1/disputes',
  summary: 'Dispute a charge: Reg E deadlines for debit, Reg Z for credit cards',
  request: {
    params: BankParams,
    body: { content: { 'application/json': { schema: DisputeBody } }, required: true },
  },
  responses: { 201: json(Dispute, 'The new dispute, submitted'), ...problemResponses(400, 409), ...errors },
})
const list = createRoute({
  ...common,
  method: 'get',
  path: '/banks/{bankId}/v1/disputes',
  summary: 'The consenting customer’s disputes, newest first',
  request: { params: BankParams, query: ListQuery },
  responses: { 200: json(page(Dispute, 'DisputePage'), 'Disputes'), ...problemResponses(400), ...errors },
})
const one = createRoute({
  ...common,
  method: 'get',
  path: '/banks/{bankId}/v1/disputes/{disputeId}',
  summary: 'One dispute',
  request: { params: DisputeParams },
  responses: { 200: json(Dispute, 'The dispute'), ...errors },
})

export function disputeRoutes(deps: Deps, gate: BankGate) {
  const app = new OpenAPIHono<BankEnv>()

  documented(
    app,
    file,
    gate.data(async (c) => {
      const body = parseInput(DisputeBody, await readJson(c), 'json')
      const consent = c.get('consent')
      requireScope(consent, 'disputes:write')
      const record = fileDispute(deps, consent, consentCustomer(deps, consent), body)
      servedOne(c, 'disputes:write')
      return c.json(presentDispute(record), 201)
    }),
  )

  documented(
    app,
    list,
    gate.data((c) => {
      const { status } = parseInput(ListQuery, c.req.query(), 'query')
      const consent = c.get('consent')
      requireScope(consent, 'disputes:write')
      const found = disputesOf(deps, consent.bankId, consent.customerId).filter(
        (d) => status === undefined || d.status === status,
      )
      servedMany(c, 'disputes:write', found.length)
      return c.json({ data: found.map(presentDispute), nextCursor: null }, 200)
    }),
  )

  documented(
    app,
    one,
    gate.data((c) => {
      const { disputeId } = parseInput(DisputeParams, c.req.param(), 'param')
      const consent = c.get('consent')
      requireScope(consent, 'disputes:write')
      const record = deps.state.disputes.get(disputeId)
      if (!record || record.bankId !== consent.bankId || record.customerId !== consent.customerId)
        throw problems.notFound('No such dispute under this consent.')
      servedOne(c, 'disputes:write')
      return c.json(presentDispute(record), 200)
    }),
  )

  return app
}
