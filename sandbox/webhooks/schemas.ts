import { type OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi'
import { Dispute } from '../bank/dispute-schemas.ts'
import { EVENT_TYPES, type EventType } from '../bank/events.ts'
import { Alert, Card, Consent } from '../bank/schemas.ts'
import { SIGNATURE_HEADER } from '../platform/sign.ts'

// What the sandbox posts to the integration, as the OpenAPI document's `webhooks`: one
// entry per bank event type (to {integration}/webhooks/bank/{bankId}, signed per Standard
// Webhooks) and the platform's user-message delivery (to {integration}/webhooks/platform).
// A test parses the payloads the sandbox's own builders make, so these cannot drift.

const SimulationTime = z.string().openapi({
  description: 'ISO 8601 UTC with milliseconds, on the simulation clock',
  example: '2026-06-15T12:00:00.000Z',
})

const BankId = z.string().openapi({ example: 'harbor' })

/** Every event about one consent names it, its bank and its customer. */
const consentScoped = {
  bankId: BankId,
  consentId: z.string().openapi({ example: 'cns_kqzvbnmxla00000c' }),
  customerId: z.string().openapi({ example: 'cus_harbor_00000' }),
}

export const ConsentEventData = z.object({ ...consentScoped, consent: Consent }).openapi('ConsentEventData')
export const AlertEventData = z.object({ ...consentScoped, alert: Alert }).openapi('AlertEventData')
export const CardStatusEventData = z.object({ ...consentScoped, card: Card }).openapi('CardStatusEventData')
export const DisputeEventData = z.object({ ...consentScoped, dispute: Dispute }).openapi('DisputeEventData')
export const TransactionsAvailableData = z
  .object({
    ...consentScoped,
    accountId: z.string().openapi({ example: 'acc_harbor_00000_chk' }),
    count: z.number().int().min(1).openapi({ description: 'New transactions this consent may read' }),
  })
  .openapi('TransactionsAvailableData')

function partnershipData(status: 'terminating' | 'terminated' | 'active', effectiveAt: string) {
  return z.object({
    bankId: BankId,
    status: z.literal(status).openapi({ description: 'The partnership’s state from now on' }),
    effectiveAt: SimulationTime.openapi({ description: effectiveAt }),
  })
}

interface EventDoc {
  data: z.ZodType
  summary: string
  description: string
}

/** Every bank event type: the shape of its `data` and what it means for an integration. */
const EVENT_DOCS: Record<EventType, EventDoc> = {
  'fraud.alert.created': {
    data: AlertEventData,
    summary: 'The bank opened a fraud alert on a card',
    description:
      'Ask the user about it, naming the card by `alert.last4`. A burst of flagged charges is one alert that grows.',
  },
  'fraud.alert.updated': {
    data: AlertEventData,
    summary: 'A fraud alert grew or was resolved',
    description:
      'The alert with more charges (`status: open`), or its resolution (`fraud` or `legitimate`). Do not ask the user again for each update.',
  },
  'consent.revoked': {
    data: ConsentEventData,
    summary: 'The consent ended before its time',
    description:
      '`consent.revokedBy` says who ended it: `customer` (at the bank), `platform` (the integration, through DELETE /v1/consent or a revoked refresh token) or `bank`. Stop every call for this consent and forget what was read through it.',
  },
  'consent.expiring': {
    data: ConsentEventData,
    summary: 'The consent ends in 7 days',
    description: 'Sent once, 7 days before `consent.expiresAt`.',
  },
  'consent.expired': {
    data: ConsentEventData,
    summary: 'The consent reached its end',
    description: 'Stop every call for this consent and forget what was read through it.',
  },
  'partnership.terminating': {
    data: partnershipData('terminating', 'When the partnership ends'),
    summary: 'The bank gave notice: the partnership ends at `effectiveAt`',
    description: 'From now on the bank refuses new links; existing consents are served until `effectiveAt`.',
  },
  'partnership.terminated': {
    data: partnershipData('terminated', 'When the partnership ended'),
    summary: 'The partnership ended',
    description:
      'Every consent of the bank was revoked (no consent.revoked is sent for them) and every call to the bank answers 403 `partnership_terminated`.',
  },
  'partnership.restored': {
    data: partnershipData('active', 'When the bank took the withdrawal back'),
    summary: 'The bank took its withdrawal back',
    description: 'New links work again. Consents the termination ended stay revoked: users link anew.',
  },
  'transactions.available': {
    data: TransactionsAvailableData,
    summary: 'New transactions this consent may read were booked',
    description:
      'Counts only what the consent’s scopes show (platform-channel spending without `transactions.all:read`).',
  },
  'card.status.changed': {
    data: CardStatusEventData,
    summary: 'A card was frozen or reactivated',
    description:
      'Sent when the customer freezes or unfreezes the card (POST …/freeze, …/unfreeze), or when a fraud resolution freezes it.',
  },
  'dispute.updated': {
    data: DisputeEventData,
    summary: 'A dispute moved on: provisional credit granted, or decided',
    description:
      'Sent to consents with disputes:write at each change after filing: `status: provisional_credit` when the credit is posted (on `provisionalCreditDueOn`), `status: resolved` with `outcome` when decided (on `decisionDueOn`). Tell the user.',
  },
}

const componentName = (type: string) =>
  `${type
    .split('.')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')}Event`

function eventSchema(type: EventType, data: z.ZodType) {
  return z
    .object({ type: z.literal(type), timestamp: SimulationTime, data })
    .openapi(componentName(type), { description: `The body of a ${type} webhook` })
}

/** The zod schema of each bank event's whole body, `{type, timestamp, data}`. */
export const BANK_EVENT_SCHEMAS = {} as Record<EventType, z.ZodType>
for (const type of EVENT_TYPES) BANK_EVENT_SCHEMAS[type] = eventSchema(type, EVENT_DOCS[type].data)

export const StandardWebhookHeaders = z.object({
  'webhook-id': z.string().openapi({
    description:
      'The event’s id (`evt_…`): the same on every retry and redelivery, unique across sandbox restarts. Dedupe by it.',
    example: 'evt_kqzvbnmxla00002f',
  }),
  'webhook-timestamp': z.string().openapi({
    description:
      'Unix time in seconds on the wall clock (not the simulation’s), of this attempt. Refuse one more than 5 minutes away from now.',
    example: '1781524800',
  }),
  'webhook-signature': z.string().openapi({
    description:
      'Space-separated `v1,<base64 HMAC-SHA256>` signatures of `{webhook-id}.{webhook-timestamp}.{raw body}`, keyed with the base64-decoded bank webhook secret (without `whsec_`). During a rotation there is one per secret; accept the delivery if any verifies.',
    example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
  }),
})

export const PlatformMessageDelivery = z
  .object({
    object: z.literal('page'),
    entry: z.array(
      z.object({
        id: z.string().openapi({ description: 'The page id', example: 'page_bank_sandbox' }),
        time: z.number().int().openapi({ description: 'Milliseconds since the epoch, simulation clock' }),
        messaging: z.array(
          z.object({
            sender: z.object({
              id: z.string().openapi({ description: 'The user’s platformUserId', example: 'usr_00001' }),
            }),
            recipient: z.object({ id: z.string().openapi({ example: 'page_bank_sandbox' }) }),
            timestamp: z
              .number()
              .int()
              .openapi({ description: 'Milliseconds since the epoch, simulation clock' }),
            message: z.object({
              mid: z.string().openapi({
                description: 'The message id: the same on every retry, unique across sandbox restarts',
                example: 'mid_kqzvbnmxla00002g',
              }),
              text: z.string().openapi({ example: 'balance' }),
              quick_reply: z
                .object({ payload: z.string() })
                .optional()
                .openapi({ description: 'Present when the user tapped a quick reply; `text` is its title' }),
            }),
          }),
        ),
      }),
    ),
  })
  .openapi('PlatformMessageDelivery')

export const HubSignatureHeaders = z.object({
  [SIGNATURE_HEADER]: z.string().openapi({
    description: '`sha256=` and the hex HMAC-SHA256 of the raw body, keyed with the platform app secret',
    example: 'sha256=6f1c0d3b8e4a2f7c9d5e1b3a6c8f0e2d4b6a8c0e2f4d6b8a0c2e4f6d8b0a2c4e',
  }),
})

/** The name of the platform's user-message delivery under the document's `webhooks`. */
export const PLATFORM_MESSAGE_WEBHOOK = 'platform.message'

const BANK_RESPONSES: RouteConfig['responses'] = {
  '2XX': {
    description:
      'Acknowledged. Answer within 2 s and do the work afterwards. Only a 2xx counts: anything else (a 3xx too) is a failed attempt, retried on the simulation clock after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, then every 10 h.',
  },
  '401': {
    description: 'Refused: the signature is bad or absent, or the timestamp is stale (any 4xx refuses).',
  },
}

/** Adds every bank webhook and the platform delivery to the document's `webhooks`. */
export function registerWebhooks(registry: OpenAPIHono['openAPIRegistry']): void {
  for (const type of EVENT_TYPES) {
    const doc = EVENT_DOCS[type]
    registry.registerWebhook({
      method: 'post',
      path: type,
      tags: ['Webhooks: bank'],
      summary: doc.summary,
      description: `POSTed to \`{integration}/webhooks/bank/{bankId}\`. ${doc.description}`,
      request: {
        headers: StandardWebhookHeaders,
        body: { required: true, content: { 'application/json': { schema: BANK_EVENT_SCHEMAS[type] } } },
      },
      responses: BANK_RESPONSES,
    })
  }
  registry.registerWebhook({
    method: 'post',
    path: PLATFORM_MESSAGE_WEBHOOK,
    tags: ['Webhooks: platform'],
    summary: 'A user typed a message',
    description:
      'POSTed to `{integration}/webhooks/platform`. A failed attempt is retried after 1 s, 5 s and 30 s of wall time with the same body and `mid`: dedupe by `mid`. One user’s messages arrive in the order typed.',
    request: {
      headers: HubSignatureHeaders,
      body: { required: true, content: { 'application/json': { schema: PlatformMessageDelivery } } },
    },
    responses: {
      '2XX': { description: 'Received' },
      '401': { description: 'Refused: `X-Hub-Signature-256` is bad or absent' },
    },
  })
}
