import { OpenAPIHono } from '@hono/zod-openapi'
import { accountRoutes } from '../bank/routes/accounts.ts'
import { alertRoutes } from '../bank/routes/alerts.ts'
import { bankGate, journal, journalRecorder, partnershipGuard } from '../bank/routes/bank-guards.ts'
import { cardControlRoutes } from '../bank/routes/card-controls.ts'
import { cardRoutes } from '../bank/routes/cards.ts'
import { consentRoutes } from '../bank/routes/consent.ts'
import { disputeRoutes } from '../bank/routes/disputes.ts'
import { fapiRoutes } from '../bank/routes/fapi-oauth.ts'
import { oauthRoutes } from '../bank/routes/oauth.ts'
import { bankStateRoutes } from '../control/bank-state.ts'
import { clientKeyRoutes } from '../control/client-keys.ts'
import { clockResetRoutes } from '../control/clock-reset.ts'
import { customerRoutes } from '../control/customers.ts'
import { disputeControlRoutes } from '../control/disputes.ts'
import { evidenceRoutes } from '../control/evidence.ts'
import { integrationRoutes } from '../control/integration.ts'
import { observeRoutes } from '../control/observe.ts'
import { runRoutes } from '../control/runs.ts'
import { scenarioSupportRoutes } from '../control/scenario-support.ts'
import { scenarioRoutes } from '../control/scenarios.ts'
import { transactionRoutes } from '../control/transactions.ts'
import { demoRoutes } from '../demo/routes.ts'
import type { Deps } from '../deps.ts'
import { badUrl, refuseBadBodies } from '../http/clean-text.ts'
import { docsRoutes } from '../http/docs.ts'
import { notFound, onError, problemResponse } from '../http/errors.ts'
import { limitBody, presentsAdminKey, requireAdminKey } from '../http/guards.ts'
import { jsonBodies, sameOriginChanges } from '../http/same-origin.ts'
import { platformControlRoutes } from '../platform/control-routes.ts'
import { inboxRoutes } from '../platform/inbox-routes.ts'
import { quickReplyRoutes } from '../platform/quick-replies.ts'
import { sendApiRoutes } from '../platform/send-routes.ts'
import { threadRoutes } from '../platform/thread-routes.ts'
import { userSays } from '../platform/user-says.ts'
import { registerPlatformRuleWebhooks } from '../platform/webhook-schemas.ts'
import { registerWebhooks } from '../webhooks/schemas.ts'
import { worldsRoutes } from '../worlds/routes.ts'

export const API_VERSION = '0.1.0'

const BANK_PATH = /^\/banks\/([^/]+)\//

/** The whole sandbox as a Hono app: no listen(), no globals; everything comes from deps. */
export function createApp(deps: Deps) {
  const app = new OpenAPIHono()
  app.onError(onError)
  // The control routes and the dashboard act only for their own pages (or for clients that
  // are no browser), before anything reads a body; the bank and platform APIs are not theirs.
  app.use('/sandbox/*', sameOriginChanges(), jsonBodies())
  app.use('/demo/*', sameOriginChanges())
  // Reads carry no body: keeping them off this layer spares the hot path an async hop.
  app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '*', limitBody())
  // Text the database would refuse never gets in: a body before its route reads it (the URL below).
  app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '*', refuseBadBodies())
  app.use('/sandbox/*', requireAdminKey(deps.server.adminKey))
  const record = journalRecorder(deps)
  // Bank routes are wrapped by the gate (journal, partnership, faults, consent) one by one.
  const gate = bankGate(deps, record)
  app.notFound((c) => {
    const bankId = BANK_PATH.exec(c.req.path)?.[1]
    return bankId === undefined ? notFound(c) : gate.notFound(c, bankId)
  })
  app.use('/platform/v1/*', journal(deps, record))
  app.use('/sandbox/banks/:bankId/customers/:customerId/consents', partnershipGuard(deps))

  // In shared mode the seed is for key holders only: with --stable-secrets it would
  // give away every secret.
  app.get('/health', (c) =>
    c.json({
      status: 'ok',
      ...(deps.server.adminKey === null || presentsAdminKey(c, deps.server.adminKey)
        ? { seed: deps.seed }
        : {}),
      banks: deps.banks.map(({ id, name, policy }) => ({ id, name, policy })),
    }),
  )

  app.route('/', fapiRoutes(deps, gate))
  app.route('/', oauthRoutes(deps, gate))
  app.route('/', accountRoutes(deps, gate))
  app.route('/', cardRoutes(deps, gate))
  app.route('/', cardControlRoutes(deps, gate))
  app.route('/', disputeRoutes(deps, gate))
  app.route('/', alertRoutes(deps, gate))
  app.route('/', consentRoutes(deps, gate))
  app.route('/', clockResetRoutes(deps))
  app.route('/', worldsRoutes(deps))
  app.route('/', customerRoutes(deps))
  app.route('/', clientKeyRoutes(deps))
  app.route('/', transactionRoutes(deps))
  app.route('/', bankStateRoutes(deps))
  app.route('/', evidenceRoutes(deps))
  app.route('/', integrationRoutes(deps))
  app.route('/', observeRoutes(deps))
  app.route('/', scenarioSupportRoutes(deps))
  app.route('/', runRoutes(deps))
  app.route('/', scenarioRoutes(deps))
  app.route('/', sendApiRoutes(deps))
  app.route('/', platformControlRoutes(deps))
  app.route('/', disputeControlRoutes(deps))
  app.route(
    '/',
    quickReplyRoutes(deps, (userId, text, payload) => userSays(deps, userId, text, payload)),
  )
  app.route('/', threadRoutes(deps))
  app.route('/', inboxRoutes(deps))
  app.route('/', docsRoutes())
  app.route('/', demoRoutes(deps))

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' })
  registerWebhooks(app.openAPIRegistry)
  registerPlatformRuleWebhooks(app.openAPIRegistry)
  app.get('/openapi.json', (c) => c.json(openApiDocument(app)))
  // The URL before any routing, so nothing journals it.
  const route = app.fetch
  app.fetch = (request, env, ctx) => {
    const refused = badUrl(request.url)
    return refused ? problemResponse(refused) : route(request, env, ctx)
  }
  return app
}

export function openApiDocument(app: OpenAPIHono) {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Bank Sandbox',
      version: API_VERSION,
      description:
        'Simulated banks and messaging platform with fake data. Money is in integer minor units. `webhooks` lists what the sandbox posts to the integration under test.',
    },
  })
}
