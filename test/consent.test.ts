import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { ALL_SCOPES, bearer, createTestSandbox, firstCustomer, link, postJson } from './support/helpers.ts'

type Page<T> = { data: T[]; nextCursor: string | null }
type Txn = { id: string; channel: string; accountId: string }

async function allTransactions(
  sandbox: ReturnType<typeof createTestSandbox>,
  bankId: string,
  accountId: string,
  token: string,
) {
  const items: Txn[] = []
  let cursor: string | null = null
  do {
    const query: string = cursor ? `cursor=${cursor}` : 'from=2026-03-01&to=2026-06-15'
    const res = await sandbox.request(
      `/banks/${bankId}/v1/accounts/${accountId}/transactions?limit=500&${query}`,
      { headers: bearer(token) },
    )
    expect(res.status).toBe(200)
    const page = (await res.json()) as Page<Txn>
    items.push(...page.data)
    cursor = page.nextCursor
  } while (cursor)
  return items
}

describe('scopes', () => {
  test('a call outside the granted scopes answers 403 insufficient_scope', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const { token } = await link(sandbox, 'harbor', customer.id, ['accounts:read'])
    const checking = customer.accounts[0]?.id
    const res = await sandbox.request(`/banks/harbor/v1/accounts/${checking}/balances`, {
      headers: bearer(token),
    })
    expect(res.status).toBe(403)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(await res.json()).toMatchObject({ code: 'insufficient_scope', status: 403 })
  })

  test('transactions:read shows platform-channel spending only; transactions.all:read shows the rest at harbor', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const checking = customer.accounts.find((a) => a.type === 'checking')?.id ?? ''
    const narrow = await link(sandbox, 'harbor', customer.id, ['transactions:read'])
    const wide = await link(sandbox, 'harbor', customer.id, ['transactions.all:read'])
    const platformOnly = await allTransactions(sandbox, 'harbor', checking, narrow.token)
    const everything = await allTransactions(sandbox, 'harbor', checking, wide.token)
    expect(everything.some((t) => t.channel !== 'platform')).toBe(true)
    expect(platformOnly.every((t) => t.channel === 'platform')).toBe(true)
    expect(platformOnly.map((t) => t.id)).toEqual(
      everything.filter((t) => t.channel === 'platform').map((t) => t.id),
    )
  })

  test('meridian never grants transactions.all:read, so off-platform spending never shows', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'meridian')
    const { token, tokens, consent } = await link(sandbox, 'meridian', customer.id, ALL_SCOPES)
    expect(consent.scopes).not.toContain('transactions.all:read')
    expect(tokens.scope.split(' ')).not.toContain('transactions.all:read')
    const checking = customer.accounts.find((a) => a.type === 'checking')?.id ?? ''
    const seen = await allTransactions(sandbox, 'meridian', checking, token)
    expect(seen.every((t) => t.channel === 'platform')).toBe(true)
  })

  test('pinecrest grants no transaction scope at all', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'pinecrest')
    const { token, consent } = await link(sandbox, 'pinecrest', customer.id, ALL_SCOPES)
    expect(consent.scopes).toEqual(['accounts:read', 'balances:read', 'alerts'])
    const checking = customer.accounts[0]?.id
    const res = await sandbox.request(`/banks/pinecrest/v1/accounts/${checking}/transactions`, {
      headers: bearer(token),
    })
    expect(await res.json()).toMatchObject({ code: 'insufficient_scope' })
  })
})

describe('purpose', () => {
  test('advertising is refused with purpose_not_permitted and stores nothing', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const res = await sandbox.request(
      `/sandbox/banks/harbor/customers/${customer.id}/consents`,
      postJson({ scopes: ['accounts:read'], purpose: 'advertising' }),
    )
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ code: 'purpose_not_permitted' })
    expect(sandbox.deps.state.consents.size).toBe(0)
  })

  test('an unknown purpose is invalid_request with a field error', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const res = await sandbox.request(
      `/sandbox/banks/harbor/customers/${customer.id}/consents`,
      postJson({ scopes: ['accounts:read'], purpose: 'curiosity' }),
    )
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'invalid_request', errors: [{ path: 'purpose' }] })
  })
})

describe('revocation and expiry', () => {
  test('DELETE /v1/consent answers 204 and the very next call is 401 consent_revoked', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const { token } = await link(sandbox, 'harbor', customer.id, ['accounts:read'])
    expect((await sandbox.request('/banks/harbor/v1/accounts', { headers: bearer(token) })).status).toBe(200)
    expect(
      (await sandbox.request('/banks/harbor/v1/consent', { method: 'DELETE', headers: bearer(token) }))
        .status,
    ).toBe(204)
    const next = await sandbox.request('/banks/harbor/v1/accounts', { headers: bearer(token) })
    expect(next.status).toBe(401)
    expect(await next.json()).toMatchObject({ code: 'consent_revoked' })
    const stored = [...sandbox.deps.state.consents.values()][0]
    expect(stored?.revokedBy).toBe('platform')
  })

  test('GET /v1/consent shows the token’s own consent with its expiry a year out', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const { token, consent } = await link(
      sandbox,
      'harbor',
      customer.id,
      ['accounts:read'],
      'fraud_prevention',
    )
    const res = await sandbox.request('/banks/harbor/v1/consent', { headers: bearer(token) })
    expect(await res.json()).toEqual({
      id: consent.id,
      bankId: 'harbor',
      customerId: customer.id,
      clientId: 'platform-demo',
      scopes: ['accounts:read'],
      purpose: 'fraud_prevention',
      status: 'active',
      createdAt: '2026-06-15T12:00:00.000Z',
      expiresAt: '2027-06-15T12:00:00.000Z',
      revokedAt: null,
      revokedBy: null,
    })
  })

  test('a consent past 365 days answers consent_expired on the next call', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const { token } = await link(sandbox, 'harbor', customer.id, ['accounts:read'])
    sandbox.deps.clock.advance(365 * 86_400_000)
    const res = await sandbox.request('/banks/harbor/v1/accounts', { headers: bearer(token) })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ code: 'consent_expired' })
  })
})

describe('isolation between customers', () => {
  test('a token never reaches another customer’s account or card: 404 for any id not its own', async () => {
    const sandbox = createTestSandbox({ customers: 60 })
    const mine = await firstCustomer(sandbox, 'harbor')
    const { token } = await link(sandbox, 'harbor', mine.id, [
      'accounts:read',
      'balances:read',
      'transactions.all:read',
    ])
    const own = new Set([...mine.accounts.map((a) => a.id), ...mine.cards.map((c) => c.id)])
    const idArb = fc.oneof(
      fc
        .tuple(
          fc.constantFrom('harbor', 'meridian', 'pinecrest'),
          fc.nat(80),
          fc.constantFrom('chk', 'sav', 'crd'),
        )
        .map(([bank, n, kind]) => `acc_${bank}_${n.toString(36).padStart(5, '0')}_${kind}`),
      fc
        .tuple(fc.constantFrom('harbor', 'meridian'), fc.nat(80), fc.constantFrom('d', 'c'))
        .map(([bank, n, kind]) => `card_${bank}_${n.toString(36).padStart(5, '0')}_${kind}`),
      fc.string({ maxLength: 40 }).map(encodeURIComponent),
    )
    await fc.assert(
      fc.asyncProperty(idArb, fc.constantFrom('', '/balances', '/transactions'), async (id, suffix) => {
        fc.pre(!own.has(id))
        const path = id.startsWith('card_')
          ? `/banks/harbor/v1/cards/${id}`
          : `/banks/harbor/v1/accounts/${id}${suffix}`
        const res = await sandbox.request(path, { headers: bearer(token) })
        expect([404]).toContain(res.status)
        expect((await res.json()).code).toBe('not_found')
      }),
      { numRuns: 300 },
    )
  })
})
