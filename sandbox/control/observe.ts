import type { ServerResponse } from 'node:http'
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { EVENT_TYPES } from '../bank/events.ts'
import type { Deps } from '../deps.ts'
import { feedOf } from '../events/sse-feed.ts'
import { documented, json, problemResponses } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { validationHook } from '../http/validate.ts'
import { DeliveryAttempt } from '../webhooks/deliver.ts'
import { DELIVERY_STATUSES } from '../webhooks/outbox.ts'
import { keyOfCursor, ListPageQuery, pageOf, takePage } from './list-page.ts'

// What happened, for scenarios, tests and the dashboard: the journal of calls, the
// webhook deliveries, and a live feed of everything as server-sent events.

const JournalEntry = z
  .object({
    id: z.number().int(),
    at: z.string().openapi({ description: 'When the call was answered, on the simulation clock' }),
    wallAt: z.string().openapi({ description: 'When the call arrived, on the wall clock' }),
    bankId: z.string().nullable(),
    method: z.string(),
    route: z.string(),
    path: z.string(),
    consentId: z.string().nullable(),
    status: z.number().int(),
    latencyMs: z.number(),
    scope: z
      .string()
      .nullable()
      .openapi({ description: 'The consent scope a data answer was served under; null for anything else' }),
    records: z.number().int().openapi({ description: 'How many records the answer carried' }),
    channels: z
      .object({ platform: z.number().int(), inStore: z.number().int(), online: z.number().int() })
      .nullable()
      .openapi({ description: 'For transaction answers, how many records were spent where' }),
  })
  .openapi('JournalEntry')
const Delivery = z
  .object({
    id: z.string(),
    bankId: z.string(),
    type: z.string(),
    url: z.string().nullable(),
    createdAt: z.string(),
    status: z.enum(DELIVERY_STATUSES).openapi({
      description:
        'pending: not tried yet; retrying: refused so far, tried again on the schedule; delivered: a 2xx',
    }),
    attempts: z.array(DeliveryAttempt),
    nextAttemptAt: z.string().nullable(),
    payload: z.unknown(),
  })
  .openapi('WebhookDelivery')

const tags = ['Control: observe']
const journalRoute = createRoute({
  method: 'get',
  path: '/sandbox/journal',
  tags,
  summary: 'Every bank-API and Send-API call any client made',
  request: {
    query: z.object({
      since: z.iso
        .datetime({ offset: true })
        .optional()
        .openapi({ description: 'Only calls after this simulation time' }),
      bankId: z.string().optional(),
      consentId: z.string().optional(),
      ...ListPageQuery,
    }),
  },
  responses: {
    200: json(pageOf(JournalEntry), 'Calls, oldest first, a page at a time'),
    ...problemResponses(400),
  },
})
const webhooksRoute = createRoute({
  method: 'get',
  path: '/sandbox/webhooks',
  tags,
  summary: 'Every webhook delivery: attempts, status codes, latency',
  request: {
    query: z.object({
      type: z.enum(EVENT_TYPES).optional(),
      status: z.enum(DELIVERY_STATUSES).optional(),
      ...ListPageQuery,
    }),
  },
  responses: {
    200: json(pageOf(Delivery), 'Deliveries, oldest first, a page at a time'),
    ...problemResponses(400),
  },
})

/** What `event: sandbox` carries in `kind`; test/openapi.test.ts checks it against the publishers. */
export const SANDBOX_EVENT_KINDS = [
  'journal',
  'clock.moved',
  'clock.progress',
  'consent.revoked',
  'transactions.injected',
  'fraud.alert',
  'card.status.changed',
  'dispute.updated',
  'partnership.changed',
  'faults.changed',
  'webhook.queued',
  'webhook.attempt',
  'integration.attached',
  'platform.message',
  'platform.delivery',
  'platform.link',
  'platform.thread',
  'scenario.started',
  'scenario.expectation',
  'scenario.finished',
] as const

/** How long a cut-off subscriber has to read its last event before its socket is closed. */
const OVERFLOW_GRACE_MS = 10_000

const eventsRoute = createRoute({
  method: 'get',
  path: '/sandbox/events',
  tags,
  summary: 'Server-sent events of everything that happens',
  description: [
    'A `text/event-stream` that stays open. It starts with `event: hello` (`data: {"seed": …}`); then every',
    'change is an `event: sandbox` whose `data` is one JSON object `{kind, at, data}` (`at` on the',
    `simulation clock). Kinds: ${SANDBOX_EVENT_KINDS.map((kind) => `\`${kind}\``).join(', ')}.`,
    'After 15 s without events a `: keep-alive` comment is sent.',
    '',
    'Each `id:` is a process-wide increasing number: the same event has the same id on every',
    'connection, and `hello` carries the id of the latest event so far. The server keeps a bounded',
    'ring of recent events (the last 10,000, at most 4 MB), recorded while anyone listens and for 5',
    'minutes after the last subscriber leaves.',
    '',
    '**Resuming.** A reconnect with `Last-Event-ID: N` (EventSource sends it by itself) gets `hello`',
    '(without an id), then the events after N that the ring still holds, then the live feed. When',
    'some are gone (N is older than the ring, or from before a restart) an `event: lost`',
    '(`data: {"lastEventId": N, "oldestKept": …}`) comes first, and the replay starts at the oldest',
    'kept event; `GET /sandbox/journal` and `GET /sandbox/webhooks` hold what happened in between.',
    '',
    '**Slow readers.** A subscriber that falls more than 1 MB of events behind (written but not yet',
    'taken by its socket) is sent `event: overflow` (`data: {"reason", "lastEventId"}`) and',
    'disconnected; it can resume with `Last-Event-ID`.',
  ].join('\n'),
  request: {
    headers: z.object({
      'last-event-id': z
        .string()
        .optional()
        .openapi({ description: 'Resume after this event id: replays the newer events still kept' }),
    }),
  },
  responses: {
    200: {
      description: 'The live feed, as server-sent events',
      content: {
        'text/event-stream': {
          schema: z.string().openapi({
            example:
              'event: hello\ndata: {"seed":42}\nid: 0\n\nevent: sandbox\ndata: {"kind":"clock.moved","at":"2026-06-15T12:01:00.000Z","data":{"now":"2026-06-15T12:01:00.000Z","mode":"frozen"}}\nid: 1\n\n',
          }),
        },
      },
    },
  },
})

export function observeRoutes(deps: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })

  app.openapi(journalRoute, async (c) => {
    // Every instance's calls, on a shared database.
    await deps.store.catchUpJournal()
    const { since, bankId, consentId, limit, cursor } = c.req.valid('query')
    const after = since ? Date.parse(since) : Number.NEGATIVE_INFINITY
    const from = cursor === undefined ? 0 : keyOfCursor(cursor, 'number')
    const page = takePage(
      deps.state.journal.after(from),
      limit,
      (entry) =>
        Date.parse(entry.at) > after &&
        (bankId === undefined || entry.bankId === bankId) &&
        (consentId === undefined || entry.consentId === consentId),
      (entry) => entry.id,
    )
    return c.json(page, 200)
  })

  app.openapi(webhooksRoute, (c) => {
    const { type, status, limit, cursor } = c.req.valid('query')
    const all = deps.outbox.list()
    let from = 0
    if (cursor !== undefined) {
      const afterId = keyOfCursor(cursor, 'string')
      from = all.findIndex((d) => d.id === afterId) + 1
      // Only the oldest finished deliveries are let go, so a cursor past one is stale, never wrong.
      if (from === 0)
        throw problems.invalidRequest(
          'The delivery this cursor continues after is no longer kept; start again without a cursor.',
          [],
        )
    }
    const page = takePage(
      all.slice(from),
      limit,
      (d) => (type === undefined || d.type === type) && (status === undefined || d.status === status),
      (d) => d.id,
    )
    const data = page.data.map(({ body, nextAttemptAtMs, orderKey: _key, ...delivery }) => ({
      ...delivery,
      nextAttemptAt: nextAttemptAtMs === null ? null : new Date(nextAttemptAtMs).toISOString(),
      payload: JSON.parse(body) as unknown,
    }))
    return c.json({ data, nextCursor: page.nextCursor }, 200)
  })

  documented(app, eventsRoute, (c) => {
    const feed = feedOf(deps)
    const { body, onOverflow } = feed.connect({ seed: deps.seed }, c.req.header('last-event-id'))
    // A subscriber cut off for not reading gets its last event, then its socket is closed.
    const socket = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing
    onOverflow(() => {
      if (!socket) return
      const timer = setTimeout(() => socket.writableFinished || socket.destroy(), OVERFLOW_GRACE_MS)
      timer.unref()
    })
    return new Response(body, {
      status: 200,
      headers: {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-cache',
        // The stream ends only when the subscriber is cut off; then the socket goes with it.
        Connection: 'close',
      },
    })
  })

  return app
}
