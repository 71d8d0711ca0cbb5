import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, test } from 'vitest'
import { DAY_MS } from '../sandbox/synthetic/types.ts'
import { createTestSandbox, firstCustomer, link, postJson } from './support/helpers.ts'
import { startTestIntegration, type TestIntegration } from './support/test-integration.ts'

// Real signed webhooks over loopback to a small test integration.

let integration: TestIntegration | undefined
afterEach(async () => {
  await integration?.close()
  integration = undefined
})

async function attached() {
  // Webhook timestamps follow the wall clock; the simulation clock stays frozen for the test.
  const sandbox = createTestSandbox({ wallNow: Date.now })
  integration = await startTestIntegration()
  sandbox.deps.integrationUrl = integration.url
  return { sandbox, integration }
}

describe('webhook delivery', () => {
  test('deliveries are signed so the official library verifies them, with the payload of the event', async () => {
    const { sandbox, integration } = await attached()
    const customer = await firstCustomer(sandbox, 'harbor')
    const { consent } = await link(sandbox, 'harbor', customer.id, ['accounts:read'])
    await sandbox.request(`/sandbox/banks/harbor/consents/${consent.id}/revoke`, { method: 'POST' })
    await sandbox.deps.outbox.idle()
    const [request] = integration.received('/webhooks/bank/harbor')
    expect(request).toBeDefined()
    const secret = sandbox.deps.credentials.banks.harbor?.webhookSecret ?? ''
    const event = new Webhook(secret).verify(request?.body ?? '', request?.headers ?? {}) as {
      type: string
      data: unknown
    }
    expect(event).toMatchObject({
      type: 'consent.revoked',
      data: { consentId: consent.id, customerId: customer.id },
    })
    expect(request?.headers['webhook-id']).toMatch(/^evt_/)
    expect(Math.abs(Number(request?.headers['webhook-timestamp']) * 1000 - Date.now())).toBeLessThan(60_000)
  })

  test('an endpoint that is down, then back, receives every event; retries keep the id and follow the clock', async () => {
    const { sandbox, integration } = await attached()
    integration.setResponse('/webhooks/bank/', { status: 503 })
    const customer = await firstCustomer(sandbox, 'harbor')
    const { token: _t, consent } = await link(sandbox, 'harbor', customer.id, ['transactions.all:read'])
    // Three days of new transactions and then a revocation: several events for one consent.
    await sandbox.request('/sandbox/clock', postJson({ advanceMs: 3 * DAY_MS }))
    await sandbox.request(`/sandbox/banks/harbor/consents/${consent.id}/revoke`, { method: 'POST' })
    await sandbox.deps.outbox.idle()
    const queued = sandbox.deps.outbox.list().map((d) => d.id)
    expect(queued.length).toBeGreaterThan(1)
    // Down: only the oldest event was tried (order within a consent), once.
    expect(integration.received('/webhooks/bank/').map((r) => r.headers['webhook-id'])).toEqual([queued[0]])

    // 4 s later nothing is due yet; at 5 s the retry goes out with the same id.
    await sandbox.request('/sandbox/clock', postJson({ advanceMs: 4_000 }))
    await sandbox.deps.outbox.idle()
    expect(integration.received('/webhooks/bank/')).toHaveLength(1)
    await sandbox.request('/sandbox/clock', postJson({ advanceMs: 1_000 }))
    await sandbox.deps.outbox.idle()
    expect(integration.received('/webhooks/bank/').map((r) => r.headers['webhook-id'])).toEqual([
      queued[0],
      queued[0],
    ])

    // Back up: the next retry (5 min later) delivers it, then the rest follow in order.
    integration.setResponse('/webhooks/bank/', { status: 200 })
    await sandbox.request('/sandbox/clock', postJson({ advanceMs: 300_000 }))
    await sandbox.deps.outbox.idle()
    const ids = integration.received('/webhooks/bank/').map((r) => r.headers['webhook-id'] ?? '')
    expect([...new Set(ids)]).toEqual(queued)
    const types = sandbox.deps.outbox.list().map((d) => d.type)
    expect(types.at(-1)).toBe('consent.revoked')
    expect(sandbox.deps.outbox.list().every((d) => d.status === 'delivered')).toBe(true)

    const log = await (await sandbox.request('/sandbox/webhooks?type=consent.revoked')).json()
    expect(log.data).toHaveLength(1)
    expect(log.data[0]).toMatchObject({ status: 'delivered', payload: { type: 'consent.revoked' } })
  })

  test('recover keeps each consent’s order: events sent again arrive before a revocation still waiting', async () => {
    const { sandbox, integration } = await attached()
    const consents: string[] = []
    for (let n = 0; n < 5; n++) {
      const customer = await firstCustomer(sandbox, 'harbor', n)
      consents.push((await link(sandbox, 'harbor', customer.id, ['transactions.all:read'])).consent.id)
    }
    const since = (await (await sandbox.request('/sandbox/clock')).json()).now
    // Two days of new transactions, delivered; then the integration goes down and every
    // consent is revoked: the revocations pile up behind the failing endpoint.
    await sandbox.request('/sandbox/clock', postJson({ advanceMs: 2 * DAY_MS }))
    await sandbox.deps.outbox.idle()
    integration.setResponse('/webhooks/bank/', { status: 503 })
    for (const id of consents)
      await sandbox.request(`/sandbox/banks/harbor/consents/${id}/revoke`, { method: 'POST' })
    await sandbox.deps.outbox.idle()
    const made = sandbox.deps.outbox.list().filter((d) => consents.includes(d.orderKey))
    expect(made.filter((d) => d.type === 'consent.revoked' && d.status !== 'delivered')).toHaveLength(5)
    expect(made.filter((d) => d.status === 'delivered').length).toBeGreaterThanOrEqual(5)

    const recovered = await sandbox.request('/sandbox/webhooks/recover', postJson({ since }))
    expect((await recovered.json()).recovered).toBe(made.length)
    await sandbox.deps.outbox.idle()
    const before = integration.requests.length
    integration.setResponse('/webhooks/bank/', { status: 200 })
    await sandbox.request('/sandbox/clock', postJson({ advanceMs: 3_600_000 }))
    await sandbox.deps.outbox.idle()

    // Once the endpoint answers, each consent's events arrive once each, oldest first, the
    // revocation last.
    const arrived = integration.requests.slice(before).map((r) => r.headers['webhook-id'])
    for (const consent of consents) {
      const mine = made.filter((d) => d.orderKey === consent).map((d) => d.id)
      expect(arrived.filter((id) => id !== undefined && mine.includes(id))).toEqual(mine)
      expect(made.find((d) => d.id === mine.at(-1))?.type).toBe('consent.revoked')
    }
  })

  test('a 3xx is a failure: the redirect is not followed and the delivery is retried', async () => {
    const { sandbox, integration } = await attached()
    integration.setResponse('/webhooks/bank/', { status: 302, times: 1 })
    const customer = await firstCustomer(sandbox, 'harbor')
    const { consent } = await link(sandbox, 'harbor', customer.id, ['accounts:read'])
    await sandbox.request(`/sandbox/banks/harbor/consents/${consent.id}/revoke`, { method: 'POST' })
    await sandbox.deps.outbox.idle()
    const [delivery] = sandbox.deps.outbox.list()
    expect(delivery?.attempts.map((a) => a.statusCode)).toEqual([302])
    expect(delivery?.status).toBe('retrying')
    await sandbox.request('/sandbox/clock', postJson({ advanceMs: 5_000 }))
    await sandbox.deps.outbox.idle()
    expect(sandbox.deps.outbox.list()[0]?.attempts.map((a) => a.statusCode)).toEqual([302, 200])
    expect(integration.requests.every((r) => r.path.startsWith('/webhooks/bank/'))).toBe(true)
  })

  test('a rotated secret signs with both keys; the old and the new secret both verify', async () => {
    const { sandbox, integration } = await attached()
    const old = sandbox.deps.credentials.banks.harbor?.webhookSecret ?? ''
    const rotated = await (
      await sandbox.request('/sandbox/banks/harbor/webhook-secret/rotate', { method: 'POST' })
    ).json()
    expect(rotated.previousWebhookSecret).toBe(old)
    expect(rotated.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    const customer = await firstCustomer(sandbox, 'harbor')
    const { consent } = await link(sandbox, 'harbor', customer.id, ['accounts:read'])
    await sandbox.request(`/sandbox/banks/harbor/consents/${consent.id}/revoke`, { method: 'POST' })
    await sandbox.deps.outbox.idle()
    const [request] = integration.received('/webhooks/bank/harbor')
    for (const secret of [old, rotated.webhookSecret]) {
      expect(() => new Webhook(secret).verify(request?.body ?? '', request?.headers ?? {})).not.toThrow()
    }
  })

  test('integration URLs that point at link-local or metadata addresses are refused', async () => {
    const sandbox = createTestSandbox()
    for (const url of ['http://169.254.169.254', 'http://[fe80::1]:80', 'ftp://127.0.0.1']) {
      const res = await sandbox.request('/sandbox/integration', {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ url }),
      })
      expect(res.status).toBe(400)
      expect((await res.json()).code).toBe('invalid_request')
    }
    expect(sandbox.deps.integrationUrl).toBeNull()
  })

  test('a 30-day outage with fraud bursts in 1-day steps loses no event', async () => {
    const { sandbox, integration } = await attached()
    integration.setResponse('/webhooks/bank/', { status: 503 })
    const customers = [await firstCustomer(sandbox, 'harbor', 0), await firstCustomer(sandbox, 'harbor', 1)]
    for (const customer of customers)
      await link(sandbox, 'harbor', customer.id, ['transactions.all:read', 'alerts'])
    for (let day = 0; day < 30; day++) {
      for (const customer of customers) {
        const card = sandbox.deps.world.customer('harbor', customer.id)?.cards.find((c) => c.kind === 'debit')
        if (day % 3 === 0 && card)
          await sandbox.request(
            `/sandbox/banks/harbor/cards/${card.id}/transactions`,
            postJson({ amount: { amount: -150, currency: 'USD' }, count: 8, spreadMs: 600_000, mcc: '5816' }),
          )
      }
      await sandbox.request('/sandbox/clock', postJson({ advanceMs: DAY_MS }))
      await sandbox.deps.outbox.idle()
    }
    const emitted = sandbox.deps.outbox.list().map((d) => d.id)
    expect(
      sandbox.deps.outbox.list().filter((d) => d.type.startsWith('fraud.alert.')).length,
    ).toBeGreaterThan(5)
    expect(sandbox.deps.outbox.list().every((d) => d.status !== 'delivered')).toBe(true)

    // Back after a month: one retry slot (every 10 h by now) later, everything arrives.
    integration.setResponse('/webhooks/bank/', { status: 200 })
    await sandbox.request('/sandbox/clock', postJson({ advanceMs: 10 * 3_600_000 }))
    await sandbox.deps.outbox.idle()
    const received = new Set(
      integration
        .received('/webhooks/bank/')
        .filter((r) => r.headers['webhook-id'] !== undefined)
        .map((r) => r.headers['webhook-id']),
    )
    expect(emitted.filter((id) => !received.has(id))).toEqual([])
    expect(sandbox.deps.outbox.list().every((d) => d.status === 'delivered')).toBe(true)
  })
})
