import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.ts'
import { bearerSecurity, documented, json, problemResponses } from '../../http/openapi.ts'
import { presentConsent, revokeConsent } from '../consents.ts'
import { Consent } from '../schemas.ts'
import type { BankGate } from './bank-guards.ts'
import type { BankEnv } from './env.ts'
import { servedOne } from './served.ts'

const BankParams = z.object({ bankId: z.string() })
const common = { security: bearerSecurity, tags: ['Consent'], request: { params: BankParams } }

const readConsent = createRoute({
  ...common,
  method: 'get',
  path: '/banks/{bankId}/v1/consent',
  summary: 'The consent this token is bound to',
  responses: { 200: json(Consent, 'The consent'), ...problemResponses(401, 403) },
})
const deleteConsent = createRoute({
  ...common,
  method: 'delete',
  path: '/banks/{bankId}/v1/consent',
  summary: 'Platform-initiated revocation; the bank still sends consent.revoked',
  responses: { 204: { description: 'Revoked' }, ...problemResponses(401, 403) },
})

export function consentRoutes(deps: Deps, gate: BankGate) {
  const app = new OpenAPIHono<BankEnv>()
  documented(
    app,
    readConsent,
    gate.data((c) => {
      // The consent itself: no scope needed, but it is a record the integration read.
      servedOne(c, null)
      return c.json(presentConsent(c.get('consent'), deps.clock.now()), 200)
    }),
  )
  documented(
    app,
    deleteConsent,
    gate.data((c) => {
      revokeConsent(deps, c.get('consent'), 'platform')
      return c.body(null, 204)
    }),
  )
  return app
}
