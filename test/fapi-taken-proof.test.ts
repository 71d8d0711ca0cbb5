import { describe, expect, test } from 'vitest'
import { apiGet, createFapiClient, ISSUER } from './support/fapi.ts'
import { createTestSandbox } from './support/helpers.ts'

// The dpopProofTaken fault (fapi-dpop-replay, fuzz's proof-taken): someone on the path sent
// the integration's next proof first, so summit refuses it as a replay. Used once: a fresh
// proof is served, and the token endpoint is never affected.

const ACCOUNTS_URL = `${ISSUER}/v1/accounts`

async function linkedWithFault() {
  const c = await createFapiClient(createTestSandbox())
  const { access_token: token } = await c.link()
  const put = await c.sandbox.request('/sandbox/banks/summit/faults', {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ dpopProofTaken: true }),
  })
  expect(put.status).toBe(200)
  const call = async () =>
    apiGet(
      c,
      '/v1/accounts',
      `DPoP ${token}`,
      await c.proof({ htm: 'GET', htu: ACCOUNTS_URL, nonce: await c.nonce(), accessToken: token }),
    )
  return { c, call }
}

describe('summit: a proof taken on the path', () => {
  test('the next good proof answers 401 invalid_dpop_proof, as a replay does', async () => {
    const { call } = await linkedWithFault()
    const res = await call()
    expect(res.status).toBe(401)
    expect(((await res.json()) as { code: string }).code).toBe('invalid_dpop_proof')
    expect(res.headers.get('WWW-Authenticate')).toContain('error="invalid_dpop_proof"')
    expect(res.headers.get('DPoP-Nonce')).toBeTruthy()
  })

  test('is used once: a fresh proof after the refusal is served, and no fault is left', async () => {
    const { c, call } = await linkedWithFault()
    expect((await call()).status).toBe(401)
    expect((await call()).status).toBe(200)
    expect((await call()).status).toBe(200)
    expect(c.sandbox.deps.state.faults.get('summit')).toBeUndefined()
  })

  test('other faults set with it stay in force once it is used', async () => {
    const c = await createFapiClient(createTestSandbox())
    await c.sandbox.request('/sandbox/banks/summit/faults', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ dpopProofTaken: true, latencyMs: 1 }),
    })
    const { access_token: token } = await c.link()
    const proof = await c.proof({ htm: 'GET', htu: ACCOUNTS_URL, nonce: await c.nonce(), accessToken: token })
    expect((await apiGet(c, '/v1/accounts', `DPoP ${token}`, proof)).status).toBe(401)
    expect(c.sandbox.deps.state.faults.get('summit')).toEqual({ latencyMs: 1 })
  })
})
