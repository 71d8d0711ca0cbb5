import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { presentConsent } from '../bank/consents.ts'
import { Consent } from '../bank/schemas.ts'
import type { Deps } from '../deps.ts'
import { json, problemResponses } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { parseInput, readJson, validationHook } from '../http/validate.ts'
import { platformIdle } from '../platform/records.ts'

// What the scenario runner needs beyond the everyday control API: fresh people, a
// bank's consents, a webhook sent again, and a way to wait until the sandbox is quiet.

const MAX_SCAN = 100_000
const SETTLE_LIMIT_MS = 15_000

const Claim = z.object({
  banks: z.array(z.string()).min(1).openapi({ description: 'Banks the person must be a customer of' }),
  notAt: z
    .array(z.string())
    .default([])
    .openapi({ description: 'Banks the person must not be a customer of' }),
})
const Claimed = z
  .object({
    platformUserId: z.string(),
    name: z.string(),
    banks: z.record(z.string(), z.object({ customerId: z.string(), cardId: z.string(), last4: z.string() })),
  })
  .openapi('ClaimedPerson')

const tags = ['Control: scenarios']
const claim = createRoute({
  method: 'post',
  path: '/sandbox/people/claim',
  tags,
  summary: 'A person never handed out before in this process, banking where asked',
  request: { body: { content: { 'application/json': { schema: Claim } }, required: true } },
  responses: { 200: json(Claimed, 'The person'), ...problemResponses(400, 404) },
})
const consents = createRoute({
  method: 'get',
  path: '/sandbox/banks/{bankId}/consents',
  tags,
  request: {
    params: z.object({ bankId: z.string() }),
    query: z.object({ customerId: z.string().optional() }),
  },
  responses: {
    200: json(z.object({ data: z.array(Consent) }), 'Consents, oldest first'),
    ...problemResponses(404),
  },
})
const redeliver = createRoute({
  method: 'post',
  path: '/sandbox/webhooks/{deliveryId}/redeliver',
  tags,
  summary: 'Send a delivery once more with the same webhook-id (a duplicate, as at-least-once allows)',
  request: { params: z.object({ deliveryId: z.string() }) },
  responses: {
    200: json(
      z.object({ statusCode: z.number().int().nullable(), latencyMs: z.number() }),
      'The extra attempt',
    ),
    ...problemResponses(404),
  },
})
const RecoverBody = z.object({
  since: z.iso.datetime({ offset: true }).openapi({ description: 'On the simulation clock' }),
})
const recover = createRoute({
  method: 'post',
  path: '/sandbox/webhooks/recover',
  tags,
  summary: 'Send again, in order and with the same webhook-ids, every delivery created since a time',
  request: {
    body: { content: { 'application/json': { schema: RecoverBody } }, required: true },
  },
  responses: {
    200: json(z.object({ recovered: z.number().int() }), 'How many deliveries go out again'),
    ...problemResponses(400),
  },
})
const settle = createRoute({
  method: 'post',
  path: '/sandbox/settle',
  tags,
  summary: 'Waits (up to 15 s) until no webhook, message delivery or link tap is in flight',
  responses: { 200: json(z.object({ settled: z.boolean() }), 'Whether everything settled in time') },
})

export function scenarioSupportRoutes(deps: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })

  app.openapi(claim, (c) => {
    const { banks, notAt } = c.req.valid('json')
    for (const bankId of [...banks, ...notAt])
      if (!deps.bank(bankId)) throw problems.notFound(`No bank ${bankId}.`)
    const population = Math.min(deps.customers, MAX_SCAN)
    for (let step = 0; step < population; step++) {
      const index = (deps.claimFrom + step) % population
      if (deps.state.claimed.has(String(index))) continue
      const person = deps.world.person(index)
      if (
        !person ||
        !banks.every((b) => person.bankIds.includes(b)) ||
        notAt.some((b) => person.bankIds.includes(b))
      )
        continue
      deps.state.claimed.set(String(index), true)
      const at: z.infer<typeof Claimed>['banks'] = {}
      for (const bankId of banks) {
        const customer = deps.world.customerOfPerson(bankId, index)
        const card = customer?.cards.find((k) => k.kind === 'debit') ?? customer?.cards[0]
        if (customer && card) at[bankId] = { customerId: customer.id, cardId: card.id, last4: card.last4 }
      }
      return c.json({ platformUserId: person.platformUserId, name: person.name, banks: at }, 200)
    }
    throw problems.notFound(
      'No unclaimed person banks that way; restart the sandbox or use more --customers.',
    )
  })

  app.openapi(consents, (c) => {
    const { bankId } = c.req.valid('param')
    const { customerId } = c.req.valid('query')
    if (!deps.bank(bankId)) throw problems.notFound('No such bank.')
    const now = deps.clock.now()
    const data = [...deps.state.consents.values()]
      .filter(
        (consent) =>
          consent.bankId === bankId && (customerId === undefined || consent.customerId === customerId),
      )
      .map((consent) => presentConsent(consent, now))
    return c.json({ data }, 200)
  })

  app.openapi(redeliver, async (c) => {
    const attempt = await deps.outbox.redeliver(c.req.valid('param').deliveryId)
    if (!attempt) throw problems.notFound('No such delivery, or no integration attached.')
    return c.json({ statusCode: attempt.statusCode, latencyMs: attempt.latencyMs }, 200)
  })

  // Hono's fast router cannot hold /sandbox/webhooks/recover beside
  // /sandbox/webhooks/:deliveryId/redeliver: it would fall back to its slow one for every
  // route (a sixth of a balance read). So the documented path is served as a parameter.
  app.openAPIRegistry.registerPath(recover)
  app.post('/sandbox/webhooks/:action', async (c) => {
    if (c.req.param('action') !== 'recover') throw problems.notFound('No such control route.')
    const { since } = parseInput(RecoverBody, await readJson(c), 'json')
    return c.json({ recovered: deps.outbox.recover(Date.parse(since)) }, 200)
  })

  app.openapi(settle, async (c) => {
    const quiet = (async () => {
      // Work begets work (a delivery makes the integration send, a send makes a tap), so
      // wait a few times, yielding to I/O in between.
      for (let pass = 0; pass < 3; pass++) {
        await Promise.all([deps.outbox.idle(), platformIdle(deps)])
        await new Promise((resolve) => setImmediate(resolve))
      }
      return true
    })()
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), SETTLE_LIMIT_MS)
    })
    // Stopped once settled: a waiting timer would hold the whole world (a deleted one too) for its 15 s.
    const settled = await Promise.race([quiet, timeout]).finally(() => clearTimeout(timer))
    return c.json({ settled }, 200)
  })

  return app
}
