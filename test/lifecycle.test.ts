import { describe, expect, test } from 'vitest'
import { DAY_MS } from '../sandbox/synthetic/types.ts'
import {
  basic,
  bearer,
  createTestSandbox,
  firstCustomer,
  link,
  postForm,
  postJson,
} from './support/helpers.ts'

const queued = (sandbox: ReturnType<typeof createTestSandbox>) =>
  sandbox.deps.outbox.list().map((d) => ({ type: d.type, bankId: d.bankId, payload: JSON.parse(d.body) }))

const advance = (sandbox: ReturnType<typeof createTestSandbox>, ms: number) =>
  sandbox.request('/sandbox/clock', postJson({ advanceMs: ms }))

describe('consent revoked at the bank', () => {
  test('tokens die at once, consent.revoked is queued with revokedBy customer', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const { token, consent } = await link(sandbox, 'harbor', customer.id, ['accounts:read'])
    const res = await sandbox.request(`/sandbox/banks/harbor/consents/${consent.id}/revoke`, {
      method: 'POST',
    })
    expect(await res.json()).toMatchObject({
      status: 'revoked',
      revokedBy: 'customer',
      revokedAt: '2026-06-15T12:00:00.000Z',
    })
    expect(
      (await (await sandbox.request('/banks/harbor/v1/accounts', { headers: bearer(token) })).json()).code,
    ).toBe('consent_revoked')
    const events = queued(sandbox).filter((e) => e.type === 'consent.revoked')
    expect(events).toHaveLength(1)
    expect(events[0]?.payload).toMatchObject({
      type: 'consent.revoked',
      timestamp: '2026-06-15T12:00:00.000Z',
      data: {
        bankId: 'harbor',
        consentId: consent.id,
        customerId: customer.id,
        consent: { status: 'revoked', revokedBy: 'customer' },
      },
    })
  })

  test('platform-initiated revocation records revokedBy platform and still sends consent.revoked', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const { token } = await link(sandbox, 'harbor', customer.id, ['accounts:read'])
    await sandbox.request('/banks/harbor/v1/consent', { method: 'DELETE', headers: bearer(token) })
    const events = queued(sandbox).filter((e) => e.type === 'consent.revoked')
    expect(events.map((e) => e.payload.data.consent.revokedBy)).toEqual(['platform'])
  })

  test('revoking an unknown consent is 404', async () => {
    const sandbox = createTestSandbox()
    expect(
      (await sandbox.request('/sandbox/banks/harbor/consents/cns_nope/revoke', { method: 'POST' })).status,
    ).toBe(404)
  })
})

describe('consent expiry', () => {
  test('consent.expiring goes out 7 days before the end and consent.expired at it, once each', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    await link(sandbox, 'harbor', customer.id, ['accounts:read'])
    const types = () =>
      queued(sandbox)
        .map((e) => e.type)
        .filter((t) => t.startsWith('consent.'))
    await advance(sandbox, 357 * DAY_MS)
    expect(types()).toEqual([])
    await advance(sandbox, 1 * DAY_MS)
    expect(types()).toEqual(['consent.expiring'])
    await advance(sandbox, 6 * DAY_MS)
    expect(types()).toEqual(['consent.expiring'])
    await advance(sandbox, 1 * DAY_MS)
    expect(types()).toEqual(['consent.expiring', 'consent.expired'])
    await advance(sandbox, 30 * DAY_MS)
    expect(types()).toEqual(['consent.expiring', 'consent.expired'])
  })
})

describe('partnership', () => {
  test('terminating refuses new links at once but serves existing consents until effectiveAt', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const second = await firstCustomer(sandbox, 'harbor', 1)
    const { token } = await link(sandbox, 'harbor', customer.id, ['accounts:read'])
    const res = await sandbox.request(
      '/sandbox/banks/harbor/partnership',
      postJson({ status: 'terminating', effectiveAt: '2026-06-22T12:00:00.000Z' }),
    )
    expect(await res.json()).toEqual({
      bankId: 'harbor',
      status: 'terminating',
      effectiveAt: '2026-06-22T12:00:00.000Z',
    })

    const newLink = await sandbox.request(
      `/sandbox/banks/harbor/customers/${second.id}/consents`,
      postJson({ scopes: ['accounts:read'], purpose: 'account_servicing' }),
    )
    expect(newLink.status).toBe(403)
    expect((await newLink.json()).code).toBe('partnership_terminated')
    const authorize = await sandbox.request('/banks/harbor/oauth/authorize?response_type=code')
    expect((await authorize.json()).code).toBe('partnership_terminated')
    expect((await sandbox.request('/banks/harbor/v1/accounts', { headers: bearer(token) })).status).toBe(200)

    const events = queued(sandbox).filter((e) => e.type.startsWith('partnership.'))
    expect(events.map((e) => e.payload)).toEqual([
      {
        type: 'partnership.terminating',
        timestamp: '2026-06-15T12:00:00.000Z',
        data: { bankId: 'harbor', status: 'terminating', effectiveAt: '2026-06-22T12:00:00.000Z' },
      },
    ])
  })

  test('at effectiveAt the partnership ends: consents revoked by the bank, every call 403, other banks untouched', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const other = await firstCustomer(sandbox, 'meridian')
    const { token, tokens, consent } = await link(sandbox, 'harbor', customer.id, ['accounts:read'])
    await sandbox.request(
      '/sandbox/banks/harbor/partnership',
      postJson({ status: 'terminating', effectiveAt: '2026-06-22T12:00:00.000Z' }),
    )
    await advance(sandbox, 7 * DAY_MS)

    const data = await sandbox.request('/banks/harbor/v1/accounts', { headers: bearer(token) })
    expect(data.status).toBe(403)
    expect((await data.json()).code).toBe('partnership_terminated')
    // partnership_terminated wins over every other error: a bogus token, an unknown path, a bad client
    expect(
      (await (await sandbox.request('/banks/harbor/v1/accounts', { headers: bearer('nope') })).json()).code,
    ).toBe('partnership_terminated')
    expect((await (await sandbox.request('/banks/harbor/v1/nothing-here')).json()).code).toBe(
      'partnership_terminated',
    )
    const refresh = await sandbox.request(
      '/banks/harbor/oauth/token',
      postForm({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, basic(sandbox.deps)),
    )
    expect(refresh.status).toBe(403)

    expect(sandbox.deps.state.consents.get(consent.id)).toMatchObject({ revokedBy: 'bank' })
    const kept = await link(sandbox, 'meridian', other.id, ['accounts:read'])
    expect(
      (await sandbox.request('/banks/meridian/v1/accounts', { headers: bearer(kept.token) })).status,
    ).toBe(200)
    expect(queued(sandbox).map((e) => e.type)).toEqual(['partnership.terminating', 'partnership.terminated'])
    const health = await (await sandbox.request('/health')).json()
    expect(health.status).toBe('ok')
  })

  test('an unknown status is invalid_request', async () => {
    const sandbox = createTestSandbox()
    const res = await sandbox.request('/sandbox/banks/harbor/partnership', postJson({ status: 'paused' }))
    expect(res.status).toBe(400)
    expect((await res.json()).errors[0].path).toBe('status')
  })
})

describe('new transactions as the clock moves', () => {
  test('a consent that may read transactions hears transactions.available; one without the scope does not', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const reader = await link(sandbox, 'harbor', customer.id, ['transactions.all:read'])
    const balances = await link(sandbox, 'harbor', customer.id, ['balances:read'])
    await advance(sandbox, 3 * DAY_MS)
    const available = queued(sandbox).filter((e) => e.type === 'transactions.available')
    expect(available.length).toBeGreaterThan(0)
    expect(available.every((e) => e.payload.data.consentId === reader.consent.id)).toBe(true)
    expect(available.some((e) => e.payload.data.consentId === balances.consent.id)).toBe(false)
    expect(available[0]?.payload.data).toEqual({
      bankId: 'harbor',
      consentId: reader.consent.id,
      customerId: customer.id,
      accountId: expect.stringMatching(/^acc_/),
      count: expect.any(Number),
    })
  })
})
