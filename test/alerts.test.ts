import { describe, expect, test } from 'vitest'
import type { Scope } from '../sandbox/bank/policy.ts'
import { Alert } from '../sandbox/bank/schemas.ts'
import {
  bearer,
  createTestSandbox,
  firstCustomer,
  link,
  postJson,
  type TestSandbox,
} from './support/helpers.ts'

type WireAlert = {
  id: string
  cardId: string
  status: string
  transactionIds: string[]
  total: { amount: number }
}

/** Links the customer at `offset` and tests their debit card with a burst of tiny charges. */
async function customerWithAlert(
  sandbox: TestSandbox,
  offset = 0,
  scopes: Scope[] = ['accounts:read', 'alerts'],
) {
  const view = await firstCustomer(sandbox, 'harbor', offset)
  const card = view.cards[0]
  if (!card) throw new Error('no card')
  const { token, consent } = await link(sandbox, 'harbor', view.id, scopes)
  const res = await sandbox.request(
    `/sandbox/banks/harbor/cards/${card.id}/transactions`,
    postJson({ amount: { amount: -75, currency: 'USD' }, count: 8, spreadMs: 120_000 }),
  )
  const ids = ((await res.json()) as { data: { id: string }[] }).data.map((t) => t.id)
  const alert = [...sandbox.deps.state.alerts.values()].find((a) => a.cardId === card.id)
  if (!alert) throw new Error('the burst raised no alert')
  return { customerId: view.id, cardId: card.id, token, consent, alertId: alert.id, ids }
}

const resolve = (sandbox: TestSandbox, token: string, alertId: string, outcome: string) =>
  sandbox.request(`/banks/harbor/v1/alerts/${alertId}/resolution`, postJson({ outcome }, bearer(token)))

const cardStatus = async (sandbox: TestSandbox, token: string, cardId: string) =>
  (
    (await (
      await sandbox.request(`/banks/harbor/v1/cards/${cardId}`, { headers: bearer(token) })
    ).json()) as { status: string }
  ).status

const queued = (sandbox: TestSandbox, type: string) =>
  sandbox.deps.outbox
    .list()
    .filter((d) => d.type === type)
    .map(
      (d) =>
        JSON.parse(d.body) as {
          data: Record<string, unknown> & { alert?: WireAlert; card?: { status: string } }
        },
    )

describe('GET /banks/{bankId}/v1/alerts', () => {
  test('lists the consent’s own alerts in the wire shape, and only those', async () => {
    const sandbox = createTestSandbox()
    const mine = await customerWithAlert(sandbox, 0)
    const theirs = await customerWithAlert(sandbox, 1)
    const res = await sandbox.request('/banks/harbor/v1/alerts', { headers: bearer(mine.token) })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { data: WireAlert[]; nextCursor: null }
    expect(body.nextCursor).toBeNull()
    expect(body.data.map((a) => a.id)).toEqual([mine.alertId])
    expect(() => Alert.parse(body.data[0])).not.toThrow()
    expect(body.data[0]).toMatchObject({
      cardId: mine.cardId,
      status: 'open',
      total: { amount: -75 * 8, currency: 'USD' },
    })
    expect(body.data[0]?.transactionIds).toEqual(mine.ids)
    expect(body.data.map((a) => a.id)).not.toContain(theirs.alertId)
  })

  test('a customer with no alerts gets an empty page', async () => {
    const sandbox = createTestSandbox()
    const view = await firstCustomer(sandbox, 'harbor')
    const { token } = await link(sandbox, 'harbor', view.id, ['alerts'])
    const res = await sandbox.request('/banks/harbor/v1/alerts', { headers: bearer(token) })
    expect(await res.json()).toEqual({ data: [], nextCursor: null })
  })

  test('a consent without the alerts scope gets 403 insufficient_scope', async () => {
    const sandbox = createTestSandbox()
    const { token, alertId } = await customerWithAlert(sandbox, 0, ['accounts:read'])
    for (const res of [
      await sandbox.request('/banks/harbor/v1/alerts', { headers: bearer(token) }),
      await resolve(sandbox, token, alertId, 'fraud'),
    ]) {
      expect(res.status).toBe(403)
      expect(await res.json()).toMatchObject({ code: 'insufficient_scope' })
    }
  })

  test('no token is 401', async () => {
    const sandbox = createTestSandbox()
    expect((await sandbox.request('/banks/harbor/v1/alerts')).status).toBe(401)
  })
})

describe('POST /banks/{bankId}/v1/alerts/{alertId}/resolution', () => {
  test('fraud freezes the card: the card reads frozen, card.status.changed and fraud.alert.updated are queued', async () => {
    const sandbox = createTestSandbox()
    const { token, alertId, cardId, consent, customerId } = await customerWithAlert(sandbox)
    const res = await resolve(sandbox, token, alertId, 'fraud')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ id: alertId, status: 'fraud' })
    expect(await cardStatus(sandbox, token, cardId)).toBe('frozen')
    expect(queued(sandbox, 'card.status.changed').map((e) => e.data)).toEqual([
      expect.objectContaining({
        bankId: 'harbor',
        consentId: consent.id,
        customerId,
        card: expect.objectContaining({ id: cardId, status: 'frozen' }),
      }),
    ])
    expect(queued(sandbox, 'fraud.alert.updated').map((e) => e.data.alert?.status)).toEqual(['fraud'])
  })

  test('a frozen card declines the next injected charge', async () => {
    const sandbox = createTestSandbox()
    const { token, alertId, cardId } = await customerWithAlert(sandbox)
    await resolve(sandbox, token, alertId, 'fraud')
    const res = await sandbox.request(
      `/sandbox/banks/harbor/cards/${cardId}/transactions`,
      postJson({ amount: { amount: -500, currency: 'USD' } }),
    )
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ code: 'card_frozen' })
  })

  test('legitimate closes the alert and leaves the card active, with no card event', async () => {
    const sandbox = createTestSandbox()
    const { token, alertId, cardId } = await customerWithAlert(sandbox)
    const res = await resolve(sandbox, token, alertId, 'legitimate')
    expect(await res.json()).toMatchObject({ id: alertId, status: 'legitimate' })
    expect(await cardStatus(sandbox, token, cardId)).toBe('active')
    expect(queued(sandbox, 'card.status.changed')).toEqual([])
    expect(queued(sandbox, 'fraud.alert.updated').map((e) => e.data.alert?.status)).toEqual(['legitimate'])
  })

  test('a new burst after a resolution opens a new alert without the charges already judged', async () => {
    const sandbox = createTestSandbox()
    const { token, alertId, cardId } = await customerWithAlert(sandbox)
    await resolve(sandbox, token, alertId, 'legitimate')
    sandbox.deps.clock.advance(5 * 60_000)
    const res = await sandbox.request(
      `/sandbox/banks/harbor/cards/${cardId}/transactions`,
      postJson({ amount: { amount: -60, currency: 'USD' }, count: 4, spreadMs: 60_000 }),
    )
    const fresh = ((await res.json()) as { data: { id: string }[] }).data.map((t) => t.id)
    const list = (await (
      await sandbox.request('/banks/harbor/v1/alerts', { headers: bearer(token) })
    ).json()) as {
      data: WireAlert[]
    }
    expect(list.data.map((a) => a.status)).toEqual(['open', 'legitimate'])
    expect(list.data[0]?.transactionIds).toEqual(fresh)
  })

  test('the same verdict twice is a no-op; a different one is 400 invalid_request', async () => {
    const sandbox = createTestSandbox()
    const { token, alertId } = await customerWithAlert(sandbox)
    await resolve(sandbox, token, alertId, 'fraud')
    const again = await resolve(sandbox, token, alertId, 'fraud')
    expect(again.status).toBe(200)
    expect(await again.json()).toMatchObject({ status: 'fraud' })
    expect(queued(sandbox, 'fraud.alert.updated')).toHaveLength(1)
    const other = await resolve(sandbox, token, alertId, 'legitimate')
    expect(other.status).toBe(400)
    expect(await other.json()).toMatchObject({ code: 'invalid_request', errors: [{ path: 'outcome' }] })
  })

  test('another customer’s alert, or no alert at all, is 404 not_found', async () => {
    const sandbox = createTestSandbox()
    const mine = await customerWithAlert(sandbox, 0)
    const theirs = await customerWithAlert(sandbox, 1)
    for (const alertId of [theirs.alertId, 'alt_nope']) {
      const res = await resolve(sandbox, mine.token, alertId, 'fraud')
      expect(res.status).toBe(404)
      expect(await res.json()).toMatchObject({ code: 'not_found' })
    }
    expect(sandbox.deps.state.cardStatus.size).toBe(0)
  })

  test('an unknown outcome is 400 invalid_request naming the field', async () => {
    const sandbox = createTestSandbox()
    const { token, alertId } = await customerWithAlert(sandbox)
    const res = await resolve(sandbox, token, alertId, 'maybe')
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'invalid_request', errors: [{ path: 'outcome' }] })
  })
})
