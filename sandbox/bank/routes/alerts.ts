import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.ts'
import { bearerSecurity, documented, json, problemResponses } from '../../http/openapi.ts'
import { problems } from '../../http/problem.ts'
import { parseInput, readJson } from '../../http/validate.ts'
import { alertsOf, presentAlert, resolveAlert } from '../alerts.ts'
import { Alert, page } from '../schemas.ts'
import type { BankGate } from './bank-guards.ts'
import { requireScope } from './consent-checks.ts'
import type { BankEnv } from './env.ts'
import { servedMany, servedOne } from './served.ts'

const BankParams = z.object({ bankId: z.string().openapi({ example: 'harbor' }) })
const AlertParams = BankParams.extend({ alertId: z.string().max(100).openapi({ example: 'alt_00002s' }) })
const ResolutionBody = z
  .object({ outcome: z.enum(['fraud', 'legitimate']).openapi({ description: '`fraud` freezes the card' }) })
  .openapi('AlertResolution')

const common = { security: bearerSecurity, tags: ['Fraud alerts'], description: 'Under the alerts scope.' }
const errors = problemResponses(401, 403, 404)

const listAlerts = createRoute({
  ...common,
  method: 'get',
  path: '/banks/{bankId}/v1/alerts',
  summary: 'The consenting customer’s fraud alerts, newest first',
  request: { params: BankParams },
  responses: { 200: json(page(Alert, 'AlertPage'), 'Alerts'), ...errors },
})
const resolve = createRoute({
  ...common,
  method: 'post',
  path: '/banks/{bankId}/v1/alerts/{alertId}/resolution',
  summary: 'The customer’s verdict: fraud (the card is frozen) or legitimate',
  request: {
    params: AlertParams,
    body: { content: { 'application/json': { schema: ResolutionBody } }, required: true },
  },
  responses: { 200: json(Alert, 'The updated alert'), ...problemResponses(400), ...errors },
})

export function alertRoutes(deps: Deps, gate: BankGate) {
  const app = new OpenAPIHono<BankEnv>()

  documented(
    app,
    listAlerts,
    gate.data((c) => {
      requireScope(c.get('consent'), 'alerts')
      const { bankId, customerId } = c.get('consent')
      const alerts = alertsOf(deps, bankId, customerId)
      servedMany(c, 'alerts', alerts.length)
      return c.json({ data: alerts.map(presentAlert), nextCursor: null }, 200)
    }),
  )

  documented(
    app,
    resolve,
    gate.data(async (c) => {
      const { alertId } = parseInput(AlertParams, c.req.param(), 'param')
      const { outcome } = parseInput(ResolutionBody, await readJson(c), 'json')
      requireScope(c.get('consent'), 'alerts')
      const alert = deps.state.alerts.get(alertId)
      const { bankId, customerId } = c.get('consent')
      if (!alert || alert.bankId !== bankId || alert.customerId !== customerId) {
        throw problems.notFound('No such alert under this consent.')
      }
      const resolved = presentAlert(resolveAlert(deps, alert, outcome))
      servedOne(c, 'alerts')
      return c.json(resolved, 200)
    }),
  )

  return app
}
