import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import { buildEvidence } from '../evidence/build.ts'
import { Evidence } from '../evidence/schema.ts'
import { DEFAULT_REACTION_MS, REACTION_MS_BOUNDS } from '../evidence/triggers.ts'
import { json, problemResponses } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { validationHook } from '../http/validate.ts'

// Privacy evidence for one consent: what the integration took under it. Under the bank
// (as the rest of the bank's control routes), and by the consent id alone, since a
// consent id is unique across banks and a person holding only the id should not have to
// know which bank issued it.

const ConsentId = z.string().max(100).openapi({ example: 'cns_abcdefghij000001' })
const EvidenceQuery = z.object({
  reactionMs: z.coerce
    .number()
    .int()
    .min(REACTION_MS_BOUNDS.min)
    .max(REACTION_MS_BOUNDS.max)
    .default(DEFAULT_REACTION_MS)
    .openapi({
      description:
        'The reaction budget in milliseconds: a call answers a user message or webhook delivered at most this long before it (default 5000, as the scenario runner)',
    }),
})

const tags = ['Control: privacy evidence']
const description =
  'Every data call the integration made under the consent (scope used, records served by channel, and whether it answered a user message, a webhook or nothing), the calls refused after a revocation or expiry, the money amounts the user was still shown after it, and the webhooks sent about the consent. Counts are what the bank served, recorded as each answer left.'
const underBank = createRoute({
  method: 'get',
  path: '/sandbox/banks/{bankId}/consents/{consentId}/evidence',
  tags,
  summary: 'What the integration took under one consent',
  description,
  request: {
    params: z.object({ bankId: z.string().openapi({ example: 'harbor' }), consentId: ConsentId }),
    query: EvidenceQuery,
  },
  responses: { 200: json(Evidence, 'The evidence'), ...problemResponses(400, 404) },
})
const byId = createRoute({
  method: 'get',
  path: '/sandbox/consents/{consentId}/evidence',
  tags,
  summary: 'The same evidence, found by the consent id alone',
  description,
  request: { params: z.object({ consentId: ConsentId }), query: EvidenceQuery },
  responses: { 200: json(Evidence, 'The evidence'), ...problemResponses(400, 404) },
})

export function evidenceRoutes(deps: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })

  // Evidence counts every call under the consent, whichever instance on a shared database answered it.
  app.openapi(underBank, async (c) => {
    const { bankId, consentId } = c.req.valid('param')
    const consent = deps.state.consents.get(consentId)
    if (!consent || consent.bankId !== deps.requireBank(bankId).id)
      throw problems.notFound('No such consent at this bank.')
    await deps.store.catchUpJournal()
    return c.json(buildEvidence(deps, consent, c.req.valid('query').reactionMs), 200)
  })

  app.openapi(byId, async (c) => {
    const consent = deps.state.consents.get(c.req.valid('param').consentId)
    if (!consent) throw problems.notFound('No such consent.')
    await deps.store.catchUpJournal()
    return c.json(buildEvidence(deps, consent, c.req.valid('query').reactionMs), 200)
  })

  return app
}
