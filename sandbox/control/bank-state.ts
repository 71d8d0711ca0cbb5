import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { presentConsent, revokeConsent } from '../bank/consents.ts'
import { DEFAULT_NOTICE_MS, restorePartnership, withdraw } from '../bank/lifecycle.ts'
import { FAULT_STATUS_CODES } from '../bank/routes/faults.ts'
import { Consent } from '../bank/schemas.ts'
import type { Deps } from '../deps.ts'
import { json, problemResponses } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { validationHook } from '../http/validate.ts'
import type { Faults } from '../store/state.ts'
import { toIso } from '../time/clock.ts'

// The bank's side of the story: a customer revokes at the bank, the bank withdraws from
// the partnership, the bank misbehaves (faults).

const BankParams = z.object({ bankId: z.string().openapi({ example: 'harbor' }) })
const ConsentParams = BankParams.extend({ consentId: z.string().max(100) })
const PartnershipBody = z.object({
  status: z.enum(['active', 'terminating', 'terminated']).openapi({
    description: '`active` takes a withdrawal back (sends partnership.restored); the others withdraw',
  }),
  effectiveAt: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: 'Default: now + 30 days for terminating' }),
})
const PartnershipState = z
  .object({
    bankId: z.string(),
    status: z.enum(['active', 'terminating', 'terminated']),
    effectiveAt: z.string().nullable(),
  })
  .openapi('Partnership')
const FaultsBody = z
  .object({
    latencyMs: z.number().int().min(0).max(30_000).optional(),
    errorRate: z.number().min(0).max(1).optional(),
    status: z
      .number()
      .int()
      .refine((s) => s in FAULT_STATUS_CODES, `One of ${Object.keys(FAULT_STATUS_CODES).join(', ')}`)
      .optional(),
    outageUntil: z.iso.datetime({ offset: true }).optional(),
    rateLimit: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .openapi({ description: 'Requests per second' }),
    revokeInFlight: z.string().max(100).optional().openapi({
      description:
        'A consent of this bank that its customer revokes the moment its next data call has passed the consent check: that call is in flight across the revocation and is served (add latencyMs to hold it there). Used once.',
    }),
    dpopProofTaken: z.literal(true).optional().openapi({
      description:
        'FAPI banks: the next DPoP proof at the bank API counts as already used (someone on the path sent it first) and is refused invalid_dpop_proof, as a replay is. Used once.',
    }),
  })
  .openapi('Faults')

const tags = ['Control: banks']
const revoke = createRoute({
  method: 'post',
  path: '/sandbox/banks/{bankId}/consents/{consentId}/revoke',
  tags,
  summary: 'The customer revokes at the bank: tokens die at once, consent.revoked is sent',
  request: { params: ConsentParams },
  responses: { 200: json(Consent, 'The revoked consent'), ...problemResponses(404) },
})
const partnership = createRoute({
  method: 'post',
  path: '/sandbox/banks/{bankId}/partnership',
  tags,
  summary: 'The bank withdraws from the partnership, or takes it back up',
  request: {
    params: BankParams,
    body: { content: { 'application/json': { schema: PartnershipBody } }, required: true },
  },
  responses: { 200: json(PartnershipState, 'The partnership now'), ...problemResponses(400, 404) },
})
const putFaults = createRoute({
  method: 'put',
  path: '/sandbox/banks/{bankId}/faults',
  tags,
  summary: 'Inject latency, a status, an outage, an error rate or a rate limit',
  request: {
    params: BankParams,
    body: { content: { 'application/json': { schema: FaultsBody } }, required: true },
  },
  responses: { 200: json(FaultsBody, 'The faults now in force'), ...problemResponses(400, 404) },
})
const clearFaults = createRoute({
  method: 'delete',
  path: '/sandbox/banks/{bankId}/faults',
  tags,
  request: { params: BankParams },
  responses: { 204: { description: 'Cleared' }, ...problemResponses(404) },
})

export function bankStateRoutes(deps: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  app.openapi(revoke, (c) => {
    const { bankId, consentId } = c.req.valid('param')
    const consent = deps.state.consents.get(consentId)
    if (!consent || consent.bankId !== deps.requireBank(bankId).id)
      throw problems.notFound('No such consent at this bank.')
    return c.json(presentConsent(revokeConsent(deps, consent, 'customer'), deps.clock.now()), 200)
  })

  app.openapi(partnership, (c) => {
    const bank = deps.requireBank(c.req.valid('param').bankId)
    const { status, effectiveAt } = c.req.valid('json')
    const now = deps.clock.now()
    const effectiveAtMs = effectiveAt
      ? Date.parse(effectiveAt)
      : status === 'terminated'
        ? now
        : now + DEFAULT_NOTICE_MS
    if (status === 'active') restorePartnership(deps, bank.id)
    else withdraw(deps, bank.id, status, effectiveAtMs)
    const current = deps.state.partnerships.get(bank.id)
    return c.json(
      {
        bankId: bank.id,
        status: current?.status ?? 'active',
        effectiveAt: current?.effectiveAtMs == null ? null : toIso(current.effectiveAtMs),
      },
      200,
    )
  })

  app.openapi(putFaults, (c) => {
    const bank = deps.requireBank(c.req.valid('param').bankId)
    const body = c.req.valid('json')
    const faults: Faults = {}
    if (body.latencyMs !== undefined) faults.latencyMs = body.latencyMs
    if (body.errorRate !== undefined) faults.errorRate = body.errorRate
    if (body.status !== undefined) faults.status = body.status
    if (body.outageUntil !== undefined) faults.outageUntilMs = Date.parse(body.outageUntil)
    if (body.rateLimit !== undefined) faults.rateLimit = body.rateLimit
    if (body.revokeInFlight !== undefined) faults.revokeInFlight = body.revokeInFlight
    if (body.dpopProofTaken) faults.dpopProofTaken = true
    deps.state.faults.set(bank.id, faults)
    deps.bus.publish('faults.changed', toIso(deps.clock.now()), { bankId: bank.id, faults: body })
    return c.json(body, 200)
  })

  app.openapi(clearFaults, (c) => {
    const bank = deps.requireBank(c.req.valid('param').bankId)
    deps.state.faults.delete(bank.id)
    deps.bus.publish('faults.changed', toIso(deps.clock.now()), { bankId: bank.id, faults: null })
    return c.body(null, 204)
  })

  return app
}
