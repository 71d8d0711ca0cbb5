import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { publicCredentials } from '../credentials.ts'
import type { Deps } from '../deps.ts'
import { json, problemResponses } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { validationHook } from '../http/validate.ts'
import { DAY_MS } from '../synthetic/types.ts'
import { toIso } from '../time/clock.ts'
import { moveTime } from '../time/tick.ts'

export const MAX_CLOCK_MOVE_MS = 400 * DAY_MS

const ClockState = z.object({ now: z.string(), mode: z.enum(['real', 'frozen']) }).openapi('Clock')
const ClockMove = z
  .object({
    advanceMs: z.number().int().min(0).max(MAX_CLOCK_MOVE_MS).optional(),
    to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Jump forward to this time' }),
    mode: z.enum(['real', 'frozen']).optional(),
  })
  .refine((move) => move.advanceMs === undefined || move.to === undefined, 'Give advanceMs or to, not both')
const Reset = z.object({
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
})
const Credentials = z
  .object({
    clientId: z.string(),
    clientSecret: z.string(),
    banks: z.record(
      z.string(),
      z.object({
        webhookSecret: z.string(),
        previousWebhookSecret: z
          .string()
          .optional()
          .openapi({ description: 'During a secret rotation: deliveries are signed with both' }),
      }),
    ),
    platform: z.object({ appSecret: z.string(), pageToken: z.string(), pageId: z.string() }),
  })
  .openapi('Credentials')

const tags = ['Control: world']
const jsonBody = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } })

const readClock = createRoute({
  method: 'get',
  path: '/sandbox/clock',
  tags,
  responses: { 200: json(ClockState, 'The clock') },
})
const moveClock = createRoute({
  method: 'post',
  path: '/sandbox/clock',
  tags,
  summary: 'Advance, jump forward, freeze or unfreeze the simulation clock (one move ≤ 400 days)',
  description: [
    'The clock jumps at once; what falls due in the jump (transactions, fraud alerts, expiries,',
    'webhook retries) is worked through in slices while the server goes on answering, and the',
    'answer comes once all of it has happened. A long move reports how far it got as',
    '`clock.progress` events on `GET /sandbox/events`',
    '(`data: {from, to, customersScanned, customersLinked}`), then `clock.moved`. Moves run one',
    'after another: a second move starts when the first is done. A reset abandons a move',
    'under way (the clock stays where the move put it).',
  ].join('\n'),
  request: { body: { ...jsonBody(ClockMove), required: true } },
  responses: { 200: json(ClockState, 'The clock after the move'), ...problemResponses(400) },
})
const reset = createRoute({
  method: 'post',
  path: '/sandbox/reset',
  tags,
  summary: 'A fresh world (credentials stay the same)',
  request: { body: jsonBody(Reset) },
  responses: { 200: json(z.object({ seed: z.number() }), 'The new world’s seed'), ...problemResponses(400) },
})
const credentials = createRoute({
  method: 'get',
  path: '/sandbox/credentials',
  tags,
  responses: {
    200: json(
      Credentials,
      'Sandbox credentials: client, webhook secrets, platform app secret and page token',
    ),
  },
})

export function clockResetRoutes(deps: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  const clockState = () => ({ now: toIso(deps.clock.now()), mode: deps.clock.mode() })

  app.openapi(readClock, (c) => c.json(clockState(), 200))

  app.openapi(moveClock, async (c) => {
    const move = c.req.valid('json')
    // After any move still being worked through; what falls due is worked through in
    // slices, and the answer waits for all of it.
    await moveTime(deps, () => changeClock(deps, move))
    deps.bus.publish('clock.moved', toIso(deps.clock.now()), clockState())
    return c.json(clockState(), 200)
  })

  app.openapi(reset, (c) => {
    deps.reset(c.req.valid('json').seed)
    return c.json({ seed: deps.seed }, 200)
  })

  app.openapi(credentials, (c) => c.json(publicCredentials(deps.credentials), 200))

  return app
}

/** Moves the clock as asked, or refuses; runs once the moves before it are done. */
function changeClock(deps: Deps, move: z.infer<typeof ClockMove>): void {
  if (move.to !== undefined) {
    const target = Date.parse(move.to)
    const now = deps.clock.now()
    if (target < now)
      throw problems.invalidRequest('The clock only moves forward.', [
        { path: 'to', message: 'Must not be in the past' },
      ])
    if (target - now > MAX_CLOCK_MOVE_MS) {
      throw problems.invalidRequest('One move may span at most 400 days.', [
        { path: 'to', message: 'At most 400 days ahead' },
      ])
    }
    deps.clock.set(target)
  }
  if (move.advanceMs !== undefined) deps.clock.advance(move.advanceMs)
  if (move.mode !== undefined) deps.clock.setMode(move.mode)
}
