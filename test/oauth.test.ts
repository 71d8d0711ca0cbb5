import { describe, expect, test } from 'vitest'
import {
  basic,
  bearer,
  createTestSandbox,
  firstCustomer,
  link,
  postForm,
  postJson,
} from './support/helpers.ts'

describe('token endpoint', () => {
  test('a shortcut code exchanges once for tokens in RFC 6749 shape', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const grant = await sandbox.request(
      `/sandbox/banks/harbor/customers/${customer.id}/consents`,
      postJson({ scopes: ['accounts:read', 'balances:read'], purpose: 'account_servicing' }),
    )
    expect(grant.status).toBe(201)
    const { code, consent } = (await grant.json()) as { code: string; consent: { id: string } }
    expect(consent.id).toMatch(/^cns_/)

    const exchange = () =>
      sandbox.request(
        '/banks/harbor/oauth/token',
        postForm({ grant_type: 'authorization_code', code }, basic(sandbox.deps)),
      )
    const first = await exchange()
    expect(first.status).toBe(200)
    expect(first.headers.get('cache-control')).toBe('no-store')
    const tokens = await first.json()
    expect(tokens).toMatchObject({
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'accounts:read balances:read',
      consent_id: consent.id,
    })
    expect(typeof tokens.access_token).toBe('string')

    const second = await exchange()
    expect(second.status).toBe(400)
    expect(await second.json()).toMatchObject({ error: 'invalid_grant' })
  })

  test('a code expires after 60 seconds on the simulation clock', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const grant = await sandbox.request(
      `/sandbox/banks/harbor/customers/${customer.id}/consents`,
      postJson({ scopes: ['accounts:read'], purpose: 'account_servicing' }),
    )
    const { code } = (await grant.json()) as { code: string }
    sandbox.deps.clock.advance(60_000)
    const res = await sandbox.request(
      '/banks/harbor/oauth/token',
      postForm({ grant_type: 'authorization_code', code }, basic(sandbox.deps)),
    )
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' })
  })

  test('a wrong client secret answers 401 invalid_client without echoing it', async () => {
    const sandbox = createTestSandbox()
    const wrong = { Authorization: `Basic ${Buffer.from('platform-demo:hunter2-secret').toString('base64')}` }
    const res = await sandbox.request(
      '/banks/harbor/oauth/token',
      postForm({ grant_type: 'authorization_code', code: 'x' }, wrong),
    )
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('Basic')
    const text = await res.text()
    expect(JSON.parse(text)).toMatchObject({ error: 'invalid_client' })
    expect(text).not.toContain('hunter2')
  })

  test('client credentials with a broken %-escape answer 401 invalid_client, not a 500', async () => {
    const sandbox = createTestSandbox()
    const broken = { Authorization: `Basic ${Buffer.from('platform-demo:%zz').toString('base64')}` }
    const res = await sandbox.request(
      '/banks/harbor/oauth/token',
      postForm({ grant_type: 'authorization_code', code: 'x' }, broken),
    )
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: 'invalid_client' })
  })

  test('an unknown grant type is unsupported_grant_type; a JSON body is invalid_request', async () => {
    const sandbox = createTestSandbox()
    const res = await sandbox.request(
      '/banks/harbor/oauth/token',
      postForm({ grant_type: 'password' }, basic(sandbox.deps)),
    )
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type' })
    const json = await sandbox.request(
      '/banks/harbor/oauth/token',
      postJson({ grant_type: 'refresh_token' }, basic(sandbox.deps)),
    )
    expect(json.status).toBe(400)
    expect(await json.json()).toMatchObject({ error: 'invalid_request' })
  })

  test('refresh tokens rotate: the old one is refused after use', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const { tokens } = await link(sandbox, 'harbor', customer.id, ['accounts:read'])
    const refresh = (token: string) =>
      sandbox.request(
        '/banks/harbor/oauth/token',
        postForm({ grant_type: 'refresh_token', refresh_token: token }, basic(sandbox.deps)),
      )
    const first = await refresh(tokens.refresh_token)
    expect(first.status).toBe(200)
    const rotated = (await first.json()) as { refresh_token: string; access_token: string }
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token)
    expect((await refresh(tokens.refresh_token)).status).toBe(400)
    expect((await refresh(rotated.refresh_token)).status).toBe(200)
  })

  test('access tokens expire after 15 simulated minutes and refresh brings a working one', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const { token, tokens } = await link(sandbox, 'harbor', customer.id, ['accounts:read'])
    sandbox.deps.clock.advance(15 * 60_000)
    const stale = await sandbox.request('/banks/harbor/v1/accounts', { headers: bearer(token) })
    expect(stale.status).toBe(401)
    expect(await stale.json()).toMatchObject({ code: 'invalid_token' })
    const res = await sandbox.request(
      '/banks/harbor/oauth/token',
      postForm({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, basic(sandbox.deps)),
    )
    const fresh = (await res.json()) as { access_token: string }
    expect(
      (await sandbox.request('/banks/harbor/v1/accounts', { headers: bearer(fresh.access_token) })).status,
    ).toBe(200)
  })

  test('a token from one bank is unknown at another', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const { token } = await link(sandbox, 'harbor', customer.id, ['accounts:read'])
    const res = await sandbox.request('/banks/meridian/v1/accounts', { headers: bearer(token) })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ code: 'invalid_token' })
  })
})

describe('revocation endpoint (RFC 7009)', () => {
  test('revoking the refresh token ends the consent: the next data call is consent_revoked', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const { token, tokens } = await link(sandbox, 'harbor', customer.id, ['accounts:read'])
    const res = await sandbox.request(
      '/banks/harbor/oauth/revoke',
      postForm({ token: tokens.refresh_token }, basic(sandbox.deps)),
    )
    expect(res.status).toBe(200)
    const after = await sandbox.request('/banks/harbor/v1/accounts', { headers: bearer(token) })
    expect(after.status).toBe(401)
    expect(await after.json()).toMatchObject({ code: 'consent_revoked' })
  })

  test('revoking an unknown token still answers 200', async () => {
    const sandbox = createTestSandbox()
    const res = await sandbox.request(
      '/banks/harbor/oauth/revoke',
      postForm({ token: 'nope' }, basic(sandbox.deps)),
    )
    expect(res.status).toBe(200)
  })
})

describe('authorize endpoint', () => {
  const query = (overrides: Record<string, string> = {}) =>
    new URLSearchParams({
      response_type: 'code',
      client_id: 'platform-demo',
      redirect_uri: 'http://127.0.0.1:9999/oauth/callback/harbor',
      scope: 'accounts:read balances:read',
      state: 'st-123',
      purpose: 'account_servicing',
      ...overrides,
    }).toString()

  test('shows a consent page, and approving redirects with a code that exchanges with the same redirect_uri', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const page = await sandbox.request(`/banks/harbor/oauth/authorize?${query()}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Harbor Bank')

    const approve = await sandbox.request(`/banks/harbor/oauth/authorize?${query()}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `${query()}&decision=approve&customer_id=${customer.id}`,
    })
    expect(approve.status).toBe(302)
    const location = new URL(approve.headers.get('location') ?? '')
    expect(location.pathname).toBe('/oauth/callback/harbor')
    expect(location.searchParams.get('state')).toBe('st-123')
    const code = location.searchParams.get('code') ?? ''

    const wrongUri = await sandbox.request(
      '/banks/harbor/oauth/token',
      postForm(
        { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:9999/elsewhere' },
        basic(sandbox.deps),
      ),
    )
    expect(wrongUri.status).toBe(400)

    const approve2 = await sandbox.request(`/banks/harbor/oauth/authorize`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `${query()}&decision=approve&customer_id=${customer.id}`,
    })
    const code2 = new URL(approve2.headers.get('location') ?? '').searchParams.get('code') ?? ''
    const ok = await sandbox.request(
      '/banks/harbor/oauth/token',
      postForm(
        {
          grant_type: 'authorization_code',
          code: code2,
          redirect_uri: 'http://127.0.0.1:9999/oauth/callback/harbor',
        },
        basic(sandbox.deps),
      ),
    )
    expect(ok.status).toBe(200)
  })

  test('denying redirects with error=access_denied and the state', async () => {
    const sandbox = createTestSandbox()
    const res = await sandbox.request('/banks/harbor/oauth/authorize', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `${query()}&decision=deny`,
    })
    const location = new URL(res.headers.get('location') ?? '')
    expect(location.searchParams.get('error')).toBe('access_denied')
    expect(location.searchParams.get('state')).toBe('st-123')
    expect(location.searchParams.get('code')).toBeNull()
  })

  test('an advertising purpose is refused back to the client, never granted', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const res = await sandbox.request('/banks/harbor/oauth/authorize', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `${query({ purpose: 'advertising' })}&decision=approve&customer_id=${customer.id}`,
    })
    const location = new URL(res.headers.get('location') ?? '')
    expect(location.searchParams.get('error')).toBe('access_denied')
    expect(location.searchParams.get('code')).toBeNull()
    expect(sandbox.deps.state.consents.size).toBe(0)
  })

  test('a link-local redirect_uri or an unknown client is shown as a problem, not redirected', async () => {
    const sandbox = createTestSandbox()
    const metadata = await sandbox.request(
      `/banks/harbor/oauth/authorize?${query({ redirect_uri: 'http://169.254.169.254/cb' })}`,
    )
    expect(metadata.status).toBe(400)
    expect(metadata.headers.get('location')).toBeNull()
    expect(await metadata.json()).toMatchObject({
      code: 'invalid_request',
      errors: [{ path: 'redirect_uri' }],
    })
    const client = await sandbox.request(
      `/banks/harbor/oauth/authorize?${query({ client_id: 'someone-else' })}`,
    )
    expect(client.status).toBe(400)
  })

  test('with an integration attached, redirect_uri must lie under its URL', async () => {
    const sandbox = createTestSandbox()
    sandbox.deps.integrationUrl = 'http://127.0.0.1:9999'
    expect((await sandbox.request(`/banks/harbor/oauth/authorize?${query()}`)).status).toBe(200)
    const outside = await sandbox.request(
      `/banks/harbor/oauth/authorize?${query({ redirect_uri: 'http://127.0.0.1:8888/cb' })}`,
    )
    expect(outside.status).toBe(400)
  })
})
