import { Writable } from 'node:stream'
import { afterEach, describe, expect, test } from 'vitest'
import {
  ALL_SCOPES,
  bearer,
  createTestSandbox,
  firstCustomer,
  link,
  postJson,
  type TestSandbox,
} from '../../test/support/helpers.ts'
import { startTestIntegration, type TestIntegration } from '../../test/support/test-integration.ts'
import { presentAlert } from '../bank/alerts.ts'
import { presentConsent } from '../bank/consents.ts'
import { presentDispute } from '../bank/disputes.ts'
import {
  alertEvent,
  type BankEvent,
  cardStatusEvent,
  consentEvent,
  disputeEvent,
  EVENT_TYPES,
  type EventType,
  partnershipEvent,
  transactionsAvailableEvent,
} from '../bank/events.ts'
import { presentCard } from '../bank/present.ts'
import { runCli } from '../cli/commands.ts'
import { hubSignature } from '../platform/sign.ts'
import { PLATFORM_RULE_WEBHOOKS } from '../platform/webhook-schemas.ts'
import {
  BANK_EVENT_SCHEMAS,
  PLATFORM_MESSAGE_WEBHOOK,
  PlatformMessageDelivery,
  StandardWebhookHeaders,
} from './schemas.ts'

// The documented webhooks are the sent ones: every payload the sandbox's own builders
// make parses with the schema of its type, field for field (zod drops fields a schema
// does not name, so an undocumented field fails the comparison too).

interface OpenApiDocument {
  webhooks: Record<string, { post: { parameters: { name: string; in: string }[] } }>
}

const WEBHOOK_NAMES = [...EVENT_TYPES, PLATFORM_MESSAGE_WEBHOOK, ...PLATFORM_RULE_WEBHOOKS].sort()

/** A linked Harbor customer with every scope, and an open fraud alert on their card. */
async function linkedWithAlert(sandbox: TestSandbox) {
  const customer = await firstCustomer(sandbox, 'harbor')
  const { token, consent } = await link(sandbox, 'harbor', customer.id, ALL_SCOPES)
  const cardId = customer.cards[0]?.id ?? ''
  // Three tiny online charges within minutes: the fraud engine's card-testing rule.
  await sandbox.request(
    `/sandbox/banks/harbor/cards/${cardId}/transactions`,
    postJson({ amount: { amount: -99, currency: 'USD' }, count: 3, spreadMs: 120_000 }),
  )
  const alert = [...sandbox.deps.state.alerts.values()].find((a) => a.cardId === cardId)
  const record = sandbox.deps.state.consents.get(consent.id)
  const card = sandbox.deps.world.card(cardId)
  if (!alert || !record || !card) throw new Error('no alert, consent or card')
  return { token, alert, record, card, accountId: card.accountId }
}

describe('webhooks in the OpenAPI document', () => {
  test('/openapi.json has an entry for every bank webhook type and the platform delivery', async () => {
    const sandbox = createTestSandbox()
    const document = (await (await sandbox.request('/openapi.json')).json()) as OpenApiDocument
    expect(Object.keys(document.webhooks).sort()).toEqual(WEBHOOK_NAMES)
    for (const type of EVENT_TYPES) {
      const headers = document.webhooks[type]?.post.parameters.filter((p) => p.in === 'header')
      expect(headers?.map((p) => p.name).sort(), type).toEqual(
        Object.keys(StandardWebhookHeaders.shape).sort(),
      )
    }
    const platform = document.webhooks[PLATFORM_MESSAGE_WEBHOOK]?.post.parameters
    expect(platform?.map((p) => p.name)).toEqual(['X-Hub-Signature-256'])
  })

  test('bank-sandbox openapi prints them too', async () => {
    let out = ''
    const stdout = new Writable({
      write(chunk, _encoding, done) {
        out += chunk.toString()
        done()
      },
    })
    const code = await runCli(['openapi'], { stdout, stderr: stdout, env: {}, wallNow: Date.now })
    expect(code).toBe(0)
    expect(Object.keys((JSON.parse(out) as OpenApiDocument).webhooks).sort()).toEqual(WEBHOOK_NAMES)
  })
})

describe('webhook payload schemas', () => {
  test('a payload of every type, from the sandbox’s own builders, parses with its schema', async () => {
    const sandbox = createTestSandbox()
    const { alert, record, card, accountId } = await linkedWithAlert(sandbox)
    const now = sandbox.deps.clock.now()
    const later = now + 7 * 86_400_000
    const consent = presentConsent(record, now)
    // A Record over EventType: a new type fails the type-check here until it has a sample.
    const samples: Record<EventType, BankEvent> = {
      'fraud.alert.created': alertEvent('fraud.alert.created', record, presentAlert(alert), now),
      'fraud.alert.updated': alertEvent('fraud.alert.updated', record, presentAlert(alert), now),
      'consent.revoked': consentEvent('consent.revoked', record, { ...consent, status: 'revoked' }, now),
      'consent.expiring': consentEvent('consent.expiring', record, consent, now),
      'consent.expired': consentEvent('consent.expired', record, { ...consent, status: 'expired' }, now),
      'partnership.terminating': partnershipEvent('terminating', 'harbor', later, now),
      'partnership.terminated': partnershipEvent('terminated', 'harbor', now, now),
      'partnership.restored': partnershipEvent('restored', 'harbor', now, now),
      'transactions.available': transactionsAvailableEvent(record, accountId, 3, now),
      'card.status.changed': cardStatusEvent(record, presentCard(card, 'frozen'), now),
      'dispute.updated': disputeEvent(
        record,
        presentDispute({
          id: 'dsp_test',
          bankId: 'harbor',
          customerId: record.customerId,
          accountId,
          transactionId: alert.transactionIds[0] ?? '',
          reason: 'unrecognized',
          rule: 'reg_e',
          amount: -99,
          merchantName: 'ZEPHYR TOYS',
          status: 'provisional_credit',
          outcome: null,
          provisionalCreditDueOn: '2026-03-16',
          decisionDueOn: '2026-04-16',
          creditTransactionId: 'txn_inj_1',
          settlementTransactionId: null,
          createdAtMs: now,
          updatedAtMs: now,
        }),
        now,
      ),
    }
    for (const type of EVENT_TYPES) {
      const event = samples[type]
      expect(event.type).toBe(type)
      expect(BANK_EVENT_SCHEMAS[type].parse(event), type).toEqual(event)
    }
  })

  test('every webhook the sandbox queues in a busy life parses with the schema of its type', async () => {
    const sandbox = createTestSandbox()
    const { token, alert, record } = await linkedWithAlert(sandbox)
    const other = await firstCustomer(sandbox, 'harbor', 1)
    const { consent: second } = await link(sandbox, 'harbor', other.id, ALL_SCOPES)
    await sandbox.request(
      `/banks/harbor/v1/alerts/${alert.id}/resolution`,
      postJson({ outcome: 'fraud' }, bearer(token)),
    )
    await sandbox.request(`/sandbox/banks/harbor/consents/${second.id}/revoke`, { method: 'POST' })
    // A disputed charge: the clock moves below bring its credit and its decision.
    const third = await firstCustomer(sandbox, 'harbor', 2)
    const disputer = await link(sandbox, 'harbor', third.id, ['accounts:read', 'disputes:write'])
    const charge = await sandbox.request(
      `/sandbox/banks/harbor/cards/${third.cards[0]?.id}/transactions`,
      postJson({ amount: { amount: -4599, currency: 'USD' }, merchant: 'ZEPHYR TOYS' }),
    )
    const [booked] = ((await charge.json()) as { data: { id: string }[] }).data
    const filed = await sandbox.request(
      '/banks/harbor/v1/disputes',
      postJson({ transactionId: booked?.id, reason: 'unrecognized' }, bearer(disputer.token)),
    )
    expect(filed.status).toBe(201)
    for (const to of [record.expiresAtMs - 6 * 86_400_000, record.expiresAtMs + 1]) {
      await sandbox.request('/sandbox/clock', postJson({ to: new Date(to).toISOString() }))
    }
    for (const status of ['terminating', 'terminated', 'active']) {
      await sandbox.request('/sandbox/banks/harbor/partnership', postJson({ status }))
    }
    const queued = sandbox.deps.outbox.list()
    expect(new Set(queued.map((d) => d.type))).toEqual(new Set(EVENT_TYPES))
    for (const delivery of queued) {
      const body = JSON.parse(delivery.body) as unknown
      expect(BANK_EVENT_SCHEMAS[delivery.type as EventType].parse(body), delivery.type).toEqual(body)
    }
  })
})

describe('what reaches the integration', () => {
  let integration: TestIntegration | undefined
  afterEach(async () => {
    await integration?.close()
  })

  test('a user’s message arrives as the documented envelope, signed, and bank webhooks carry the documented headers', async () => {
    integration = await startTestIntegration()
    const sandbox = createTestSandbox({ wallNow: Date.now })
    const customer = await firstCustomer(sandbox, 'harbor')
    await sandbox.request('/sandbox/integration', { ...postJson({ url: integration.url }), method: 'PUT' })
    await sandbox.request(
      `/sandbox/platform/users/${customer.platformUserId}/messages`,
      postJson({ text: 'balance' }),
    )
    await sandbox.request('/sandbox/banks/harbor/partnership', postJson({ status: 'terminating' }))
    const [message] = await integration.waitFor('/webhooks/platform')
    const [webhook] = await integration.waitFor('/webhooks/bank/harbor')
    const envelope = JSON.parse(message?.body ?? '') as unknown
    expect(PlatformMessageDelivery.parse(envelope)).toEqual(envelope)
    expect(message?.headers['x-hub-signature-256']).toBe(
      hubSignature(sandbox.deps.credentials.platform.appSecret, message?.body ?? ''),
    )
    expect(StandardWebhookHeaders.safeParse(webhook?.headers).success).toBe(true)
  })
})
