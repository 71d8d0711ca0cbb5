import { SignJWT } from 'jose'
import { describe, expect, test } from 'vitest'
import { clientAssertion, createDpopKey, pkcePair } from '../fixtures/reference/fapi.ts'
import { builtInClientKey } from '../sandbox/bank/fapi/client-keys.ts'
import { apiGet, createFapiClient, type FapiClient, ISSUER, NOW_S, REDIRECT_URI } from './support/fapi.ts'
import { basic, createTestSandbox, firstCustomer, postForm, postJson } from './support/helpers.ts'

// Summit, the FAPI 2.0 bank (§15): every error path answers the code its RFC names. The
// token endpoint and PAR answer RFC 6749 JSON errors; the bank API 401 problem+json with
// RFC 9449's WWW-Authenticate: DPoP challenge.

const TOKEN_URL = `${ISSUER}/oauth/token`
const ACCOUNTS_URL = `${ISSUER}/v1/accounts`

async function client(): Promise<FapiClient> {
  return createFapiClient(createTestSandbox())
}

async function oauthError(res: Response) {
  const body = (await res.json()) as { error: string; error_description: string }
  return { status: res.status, error: body.error }
}

async function problemOf(res: Response) {
  const body = (await res.json()) as { code: string }
  return {
    status: res.status,
    code: body.code,
    type: res.headers.get('Content-Type'),
    challenge: res.headers.get('WWW-Authenticate'),
  }
}

const advance = (c: FapiClient, ms: number) =>
  c.sandbox.request('/sandbox/clock', postJson({ advanceMs: ms }))

describe('summit: the happy path', () => {
  test('the metadata (RFC 8414) names PAR, PKCE S256, private_key_jwt, DPoP and iss', async () => {
    const { sandbox } = await client()
    const res = await sandbox.request('/.well-known/oauth-authorization-server/banks/summit')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      issuer: ISSUER,
      pushed_authorization_request_endpoint: `${ISSUER}/oauth/par`,
      require_pushed_authorization_requests: true,
      token_endpoint: TOKEN_URL,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      dpop_signing_alg_values_supported: ['ES256', 'PS256'],
      authorization_response_iss_parameter_supported: true,
    })
    expect((await sandbox.request('/.well-known/oauth-authorization-server/banks/harbor')).status).toBe(404)
  })

  test('PAR, approval with iss, a nonce challenge, DPoP-bound tokens and a balance', async () => {
    const c = await client()
    const pushed = await c.par()
    expect(pushed.status).toBe(201)
    const { request_uri, expires_in } = (await pushed.json()) as { request_uri: string; expires_in: number }
    expect(request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:/)
    expect(expires_in).toBe(60)
    const page = await c.sandbox.request(
      `/banks/summit/oauth/authorize?${new URLSearchParams({ client_id: c.clientId, request_uri })}`,
    )
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('FAPI 2.0')
    const { code, iss, state, verifier } = await c.authorize()
    expect(iss).toBe(ISSUER)
    expect(state).toBe('st-1')
    const first = await c.token(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
      await c.proof({ htm: 'POST', htu: TOKEN_URL }),
    )
    expect(await oauthError(first)).toEqual({ status: 400, error: 'use_dpop_nonce' })
    const nonce = first.headers.get('DPoP-Nonce') ?? ''
    expect(nonce).not.toBe('')
    const second = await c.token(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
      await c.proof({ htm: 'POST', htu: TOKEN_URL, nonce }),
    )
    expect(second.status).toBe(200)
    const tokens = (await second.json()) as {
      access_token: string
      token_type: string
      refresh_token: string
    }
    expect(tokens.token_type).toBe('DPoP')
    const proof = await c.proof({
      htm: 'GET',
      htu: `${ISSUER}/v1/accounts/${c.accountId}/balances`,
      nonce,
      accessToken: tokens.access_token,
    })
    const balance = await apiGet(
      c,
      `/v1/accounts/${c.accountId}/balances`,
      `DPoP ${tokens.access_token}`,
      proof,
    )
    expect(balance.status).toBe(200)
    const refreshed = await c.token(
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
      await c.proof({ htm: 'POST', htu: TOKEN_URL, nonce }),
    )
    expect(refreshed.status).toBe(200)
  })

  test('the other banks are untouched: Basic auth, Bearer tokens, no PAR', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const grant = await sandbox.request(
      `/sandbox/banks/harbor/customers/${customer.id}/consents`,
      postJson({ scopes: ['accounts:read'], purpose: 'account_servicing' }),
    )
    const { code } = (await grant.json()) as { code: string }
    const res = await sandbox.request(
      '/banks/harbor/oauth/token',
      postForm({ grant_type: 'authorization_code', code }, basic(sandbox.deps)),
    )
    expect(((await res.json()) as { token_type: string }).token_type).toBe('Bearer')
    expect((await sandbox.request('/banks/harbor/oauth/par', postForm({}))).status).toBe(404)
  })
})

describe('summit: PAR errors (RFC 9126, RFC 6749 §5.2)', () => {
  const cases: [string, (c: FapiClient) => Promise<Record<string, string | undefined>>, number, string][] = [
    ['no PKCE challenge', async () => ({ code_challenge: undefined }), 400, 'invalid_request'],
    ['PKCE plain instead of S256', async () => ({ code_challenge_method: 'plain' }), 400, 'invalid_request'],
    ['a request_uri in the pushed request', async () => ({ request_uri: 'urn:x' }), 400, 'invalid_request'],
    ['no purpose', async () => ({ purpose: undefined }), 400, 'invalid_request'],
    ['no client_id', async () => ({ client_id: undefined }), 400, 'invalid_request'],
    [
      'a link-local redirect_uri',
      async () => ({ redirect_uri: 'http://169.254.169.254/cb' }),
      400,
      'invalid_request',
    ],
    ['no client assertion', async () => ({ client_assertion: undefined }), 401, 'invalid_client'],
    [
      'an assertion for another audience',
      async (c) => ({ client_assertion: await c.assertion({ audience: 'http://localhost/banks/harbor' }) }),
      401,
      'invalid_client',
    ],
    [
      'an expired assertion',
      async (c) => ({ client_assertion: await c.assertion({ nowSeconds: NOW_S - 600 }) }),
      401,
      'invalid_client',
    ],
    [
      'an assertion signed with an unregistered key',
      async (c) => ({
        client_assertion: await clientAssertion((await createDpopKey()).privateKey, {
          clientId: c.clientId,
          audience: ISSUER,
          nowSeconds: NOW_S,
        }),
      }),
      401,
      'invalid_client',
    ],
    [
      'a client_id other than the assertion’s',
      async () => ({ client_id: 'someone-else' }),
      401,
      'invalid_client',
    ],
  ]
  test.each(cases)('%s answers %i %s', async (_, overrides, status, error) => {
    const c = await client()
    expect(await oauthError(await c.par(await overrides(c)))).toEqual({ status, error })
  })

  test('a replayed client assertion answers 401 invalid_client', async () => {
    const c = await client()
    const assertion = await c.assertion()
    expect((await c.par({ client_assertion: assertion })).status).toBe(201)
    expect(await oauthError(await c.par({ client_assertion: assertion }))).toEqual({
      status: 401,
      error: 'invalid_client',
    })
  })
})

describe('summit: authorize errors (a problem shown, never redirected)', () => {
  async function pushed(c: FapiClient) {
    return ((await (await c.par()).json()) as { request_uri: string }).request_uri
  }
  const answer = (c: FapiClient, fields: Record<string, string>) =>
    c.sandbox.request(
      '/banks/summit/oauth/authorize',
      postForm({ decision: 'approve', customer_id: c.customerId, ...fields }),
    )
  const cases: [string, (c: FapiClient) => Response | Promise<Response>][] = [
    [
      'the plain authorize parameters without PAR',
      (c) =>
        c.sandbox.request(
          `/banks/summit/oauth/authorize?${new URLSearchParams({
            response_type: 'code',
            client_id: c.clientId,
            redirect_uri: REDIRECT_URI,
            scope: 'accounts:read',
            purpose: 'account_servicing',
          })}`,
        ),
    ],
    [
      'an unknown request_uri',
      (c) => answer(c, { client_id: c.clientId, request_uri: 'urn:ietf:params:oauth:request_uri:nope' }),
    ],
    [
      'a request_uri used before',
      async (c) => {
        const request_uri = await pushed(c)
        await answer(c, { client_id: c.clientId, request_uri })
        return answer(c, { client_id: c.clientId, request_uri })
      },
    ],
    [
      'a request_uri older than 60 s',
      async (c) => {
        const request_uri = await pushed(c)
        await advance(c, 61_000)
        return answer(c, { client_id: c.clientId, request_uri })
      },
    ],
    [
      'another client_id than the pushing client',
      async (c) => answer(c, { client_id: 'other', request_uri: await pushed(c) }),
    ],
  ]
  test.each(cases)('%s answers 400 invalid_request', async (_, call) => {
    const c = await client()
    const res = await call(c)
    expect(res.headers.get('Location')).toBeNull()
    expect(await problemOf(res)).toMatchObject({ status: 400, code: 'invalid_request' })
  })

  test('a browser is shown the refusal as a page, and sent nowhere', async () => {
    const c = await client()
    const res = await c.sandbox.request(
      `/banks/summit/oauth/authorize?client_id=${c.clientId}&request_uri=urn%3Aunknown`,
      { headers: { Accept: 'text/html' } },
    )
    expect(res.status).toBe(400)
    expect(res.headers.get('Content-Type')).toContain('text/html')
    expect(res.headers.get('Location')).toBeNull()
    expect(await res.text()).toContain('unknown, used or expired')
  })

  test('the control shortcut refuses summit, naming PAR', async () => {
    const c = await client()
    const res = await c.sandbox.request(
      `/sandbox/banks/summit/customers/${c.customerId}/consents`,
      postJson({ scopes: ['accounts:read'], purpose: 'account_servicing' }),
    )
    expect(res.status).toBe(400)
    expect(((await res.json()) as { detail: string }).detail).toContain('/oauth/par')
  })
})

describe('summit: token endpoint errors (RFC 6749 §5.2, RFC 9449 §5)', () => {
  type Setup = { c: FapiClient; code: string; verifier: string; nonce: string }
  async function ready(): Promise<Setup> {
    const c = await client()
    const { code, verifier } = await c.authorize()
    return { c, code, verifier, nonce: await c.nonce() }
  }
  const exchange = (s: Setup, extra: Record<string, string> = {}) => ({
    grant_type: 'authorization_code',
    code: s.code,
    redirect_uri: REDIRECT_URI,
    code_verifier: s.verifier,
    ...extra,
  })
  const good = (s: Setup) => s.c.proof({ htm: 'POST', htu: TOKEN_URL, nonce: s.nonce })
  const cases: [string, (s: Setup) => Promise<Response>, number, string][] = [
    [
      'HTTP Basic instead of private_key_jwt',
      async (s) =>
        s.c.sandbox.request(
          '/banks/summit/oauth/token',
          postForm(exchange(s), { ...basic(s.c.sandbox.deps), DPoP: await good(s) }),
        ),
      401,
      'invalid_client',
    ],
    ['no DPoP proof', async (s) => s.c.token(exchange(s), undefined), 400, 'invalid_dpop_proof'],
    [
      'a proof without the nonce',
      async (s) => s.c.token(exchange(s), await s.c.proof({ htm: 'POST', htu: TOKEN_URL })),
      400,
      'use_dpop_nonce',
    ],
    [
      'a proof with a stale nonce',
      async (s) => s.c.token(exchange(s), await s.c.proof({ htm: 'POST', htu: TOKEN_URL, nonce: 'old' })),
      400,
      'use_dpop_nonce',
    ],
    [
      'a proof for GET',
      async (s) => s.c.token(exchange(s), await s.c.proof({ htm: 'GET', htu: TOKEN_URL, nonce: s.nonce })),
      400,
      'invalid_dpop_proof',
    ],
    [
      'a proof for another URL',
      async (s) =>
        s.c.token(exchange(s), await s.c.proof({ htm: 'POST', htu: `${ISSUER}/oauth/par`, nonce: s.nonce })),
      400,
      'invalid_dpop_proof',
    ],
    [
      'a proof made 5 minutes ago',
      async (s) =>
        s.c.token(
          exchange(s),
          await s.c.proof({ htm: 'POST', htu: TOKEN_URL, nonce: s.nonce, nowSeconds: NOW_S - 300 }),
        ),
      400,
      'invalid_dpop_proof',
    ],
    [
      'a proof that is not a dpop+jwt',
      async (s) => {
        const proof = await new SignJWT({
          jti: 'not-a-dpop-proof',
          htm: 'POST',
          htu: TOKEN_URL,
          iat: NOW_S,
          nonce: s.nonce,
        })
          .setProtectedHeader({ alg: 'ES256', typ: 'JWT', jwk: s.c.dpop.publicJwk })
          .sign(s.c.dpop.privateKey)
        return s.c.token(exchange(s), proof)
      },
      400,
      'invalid_dpop_proof',
    ],
    [
      'a proof signed by another key than its jwk',
      async (s) => {
        const other = await createDpopKey()
        const proof = await new SignJWT({
          jti: 'mismatched-key-1',
          htm: 'POST',
          htu: TOKEN_URL,
          iat: NOW_S,
          nonce: s.nonce,
        })
          .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: s.c.dpop.publicJwk })
          .sign(other.privateKey)
        return s.c.token(exchange(s), proof)
      },
      400,
      'invalid_dpop_proof',
    ],
    [
      'a replayed proof, even with the current nonce',
      async (s) => {
        const proof = await good(s)
        await s.c.token(exchange(s), proof)
        return s.c.token(exchange(s), proof)
      },
      400,
      'invalid_dpop_proof',
    ],
    [
      'no code_verifier',
      async (s) => s.c.token(exchange(s, { code_verifier: '' }), await good(s)),
      400,
      'invalid_request',
    ],
    [
      'a wrong code_verifier',
      async (s) => s.c.token(exchange(s, { code_verifier: pkcePair().verifier }), await good(s)),
      400,
      'invalid_grant',
    ],
    [
      'another redirect_uri',
      async (s) => s.c.token(exchange(s, { redirect_uri: 'http://127.0.0.1:9999/elsewhere' }), await good(s)),
      400,
      'invalid_grant',
    ],
    [
      'a code used before',
      async (s) => {
        await s.c.token(exchange(s), await good(s))
        return s.c.token(exchange(s), await good(s))
      },
      400,
      'invalid_grant',
    ],
    [
      'a code older than 60 s',
      async (s) => {
        await advance(s.c, 61_000)
        const nonce = await s.c.nonce()
        return s.c.token(exchange(s), await s.c.proof({ htm: 'POST', htu: TOKEN_URL, nonce }))
      },
      400,
      'invalid_grant',
    ],
    [
      'a refresh with another DPoP key',
      async (s) => {
        const tokens = await s.c.link()
        const other = await createDpopKey()
        const nonce = await s.c.nonce()
        return s.c.token(
          { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
          await s.c.proof({ htm: 'POST', htu: TOKEN_URL, nonce }, other),
        )
      },
      400,
      'invalid_grant',
    ],
    [
      'an unknown grant_type',
      async (s) => s.c.token({ grant_type: 'password' }, await good(s)),
      400,
      'unsupported_grant_type',
    ],
  ]
  test.each(cases)('%s answers %i %s', async (_, call, status, error) => {
    const s = await ready()
    const res = await call(s)
    expect(await oauthError(res)).toEqual({ status, error })
    if (error === 'use_dpop_nonce') expect(res.headers.get('DPoP-Nonce')).toBe(s.nonce)
  })
})

describe('summit: bank API errors (RFC 9449 §7, 401 problem+json)', () => {
  type Setup = { c: FapiClient; token: string; nonce: string }
  async function linked(): Promise<Setup> {
    const c = await client()
    const { access_token } = await c.link()
    return { c, token: access_token, nonce: await c.nonce() }
  }
  const proofFor = (s: Setup, extra: Record<string, unknown> = {}) =>
    s.c.proof({ htm: 'GET', htu: ACCOUNTS_URL, nonce: s.nonce, accessToken: s.token, ...extra })
  const cases: [string, (s: Setup) => Promise<Response>, string][] = [
    [
      'the token as Bearer',
      async (s) => apiGet(s.c, '/v1/accounts', `Bearer ${s.token}`, await proofFor(s)),
      'invalid_token',
    ],
    [
      'an unknown token',
      async (s) => apiGet(s.c, '/v1/accounts', 'DPoP at_unknown', await proofFor(s)),
      'invalid_token',
    ],
    [
      'no proof',
      async (s) => apiGet(s.c, '/v1/accounts', `DPoP ${s.token}`, undefined),
      'invalid_dpop_proof',
    ],
    [
      'a proof for another token (wrong ath)',
      async (s) =>
        apiGet(s.c, '/v1/accounts', `DPoP ${s.token}`, await proofFor(s, { accessToken: 'other' })),
      'invalid_dpop_proof',
    ],
    [
      'a proof without ath',
      async (s) =>
        apiGet(s.c, '/v1/accounts', `DPoP ${s.token}`, await proofFor(s, { accessToken: undefined })),
      'invalid_dpop_proof',
    ],
    [
      'a replayed proof',
      async (s) => {
        const proof = await proofFor(s)
        await apiGet(s.c, '/v1/accounts', `DPoP ${s.token}`, proof)
        return apiGet(s.c, '/v1/accounts', `DPoP ${s.token}`, proof)
      },
      'invalid_dpop_proof',
    ],
    [
      'a proof for POST',
      async (s) => apiGet(s.c, '/v1/accounts', `DPoP ${s.token}`, await proofFor(s, { htm: 'POST' })),
      'invalid_dpop_proof',
    ],
    [
      'a proof for another URL',
      async (s) =>
        apiGet(s.c, '/v1/accounts', `DPoP ${s.token}`, await proofFor(s, { htu: `${ISSUER}/v1/cards` })),
      'invalid_dpop_proof',
    ],
    [
      'a proof made 5 minutes ago',
      async (s) =>
        apiGet(s.c, '/v1/accounts', `DPoP ${s.token}`, await proofFor(s, { nowSeconds: NOW_S - 300 })),
      'invalid_dpop_proof',
    ],
    [
      'a proof made a minute and more ahead',
      async (s) =>
        apiGet(s.c, '/v1/accounts', `DPoP ${s.token}`, await proofFor(s, { nowSeconds: NOW_S + 120 })),
      'invalid_dpop_proof',
    ],
    [
      'a proof with another key than the token’s',
      async (s) => {
        const other = await createDpopKey()
        return apiGet(
          s.c,
          '/v1/accounts',
          `DPoP ${s.token}`,
          await s.c.proof({ htm: 'GET', htu: ACCOUNTS_URL, nonce: s.nonce, accessToken: s.token }, other),
        )
      },
      'invalid_dpop_proof',
    ],
    [
      'a proof without the nonce',
      async (s) => apiGet(s.c, '/v1/accounts', `DPoP ${s.token}`, await proofFor(s, { nonce: undefined })),
      'use_dpop_nonce',
    ],
    [
      'a proof with the nonce of before the clock moved on',
      async (s) => {
        await advance(s.c, 6 * 60_000)
        return apiGet(s.c, '/v1/accounts', `DPoP ${s.token}`, await proofFor(s))
      },
      'use_dpop_nonce',
    ],
  ]
  test.each(cases)('%s answers 401 %s with a DPoP challenge', async (_, call, code) => {
    const s = await linked()
    const res = await call(s)
    expect(await problemOf(res)).toEqual({
      status: 401,
      code,
      type: 'application/problem+json',
      challenge: `DPoP error="${code}", algs="ES256 PS256"`,
    })
    expect(res.headers.get('DPoP-Nonce')).toBeTruthy()
  })

  test('a good proof with the current nonce is served', async () => {
    const s = await linked()
    expect((await apiGet(s.c, '/v1/accounts', `DPoP ${s.token}`, await proofFor(s))).status).toBe(200)
  })
})

describe('summit: client keys', () => {
  test('a registered JWK Set replaces the built-in key', async () => {
    const c = await client()
    const own = await createDpopKey()
    const put = await c.sandbox.request(`/sandbox/banks/summit/clients/${c.clientId}/jwks`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ keys: [{ ...own.publicJwk, kid: 'k1' }] }),
    })
    expect(put.status).toBe(200)
    expect(await oauthError(await c.par())).toEqual({ status: 401, error: 'invalid_client' })
    const mine = await clientAssertion(own.privateKey, {
      clientId: c.clientId,
      audience: ISSUER,
      kid: 'k1',
      nowSeconds: NOW_S,
    })
    expect((await c.par({ client_assertion: mine })).status).toBe(201)
  })

  const refusals: [string, string, unknown, number][] = [
    ['a private key', 'summit', { keys: [builtInClientKey(createTestSandbox().deps.credentials)] }, 400],
    ['a key that is no key', 'summit', { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }] }, 400],
    ['an empty set', 'summit', { keys: [] }, 400],
    ['keys at a plain bank', 'harbor', { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }] }, 400],
  ]
  test.each(refusals)('registering %s answers %i', async (_, bankId, body, status) => {
    const c = await client()
    const res = await c.sandbox.request(`/sandbox/banks/${bankId}/clients/${c.clientId}/jwks`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect(await problemOf(res)).toMatchObject({ status, code: 'invalid_request' })
  })
})
