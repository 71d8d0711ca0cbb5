import type { CryptoKey } from 'jose'
import {
  CLIENT_ASSERTION_TYPE,
  clientAssertion,
  createDpopKey,
  type DpopKey,
  dpopProof,
  importClientKey,
  type ProofOptions,
  pkcePair,
} from '../../fixtures/reference/fapi.ts'
import { builtInClientKey } from '../../sandbox/bank/fapi/client-keys.ts'
import { firstCustomer, postForm, TEST_NOW, type TestSandbox } from './helpers.ts'

// A FAPI 2.0 client for in-process tests against summit, each step overridable so a test
// can break exactly one thing. The sandbox's wall clock is frozen at TEST_NOW.

export const ISSUER = 'http://localhost/banks/summit'
export const REDIRECT_URI = 'http://127.0.0.1:9999/oauth/callback/summit'
export const NOW_S = Math.floor(TEST_NOW / 1000)

export interface FapiClient {
  sandbox: TestSandbox
  clientId: string
  clientKey: CryptoKey
  dpop: DpopKey
  customerId: string
  accountId: string
  assertion(overrides?: { audience?: string; nowSeconds?: number }): Promise<string>
  proof(options: Omit<ProofOptions, 'nowSeconds'> & { nowSeconds?: number }, key?: DpopKey): Promise<string>
  /** POST /oauth/par with the standard fields, overridden or removed (undefined) as given. */
  par(overrides?: Record<string, string | undefined>): Promise<Response>
  /** PAR, then the customer approves: the redirect's query and the PKCE verifier. */
  authorize(): Promise<{ code: string; iss: string | null; state: string | null; verifier: string }>
  /** The token endpoint with a DPoP header (or none). */
  token(fields: Record<string, string>, dpop: string | undefined): Promise<Response>
  nonce(): Promise<string>
  /** Code to tokens, nonce challenge followed. */
  link(): Promise<{ access_token: string; refresh_token: string; token_type: string }>
}

export async function createFapiClient(sandbox: TestSandbox): Promise<FapiClient> {
  const clientId = sandbox.deps.credentials.clientId
  const clientKey = await importClientKey(builtInClientKey(sandbox.deps.credentials))
  const dpop = await createDpopKey()
  const customer = await firstCustomer(sandbox, 'summit')
  const accountId = customer.accounts[0]?.id ?? ''
  let pkce = pkcePair()
  const client: FapiClient = {
    sandbox,
    clientId,
    clientKey,
    dpop,
    customerId: customer.id,
    accountId,
    assertion: (overrides = {}) =>
      clientAssertion(clientKey, { clientId, audience: ISSUER, nowSeconds: NOW_S, ...overrides }),
    proof: (options, key = dpop) => dpopProof(key, { nowSeconds: NOW_S, ...options }),
    async par(overrides = {}) {
      pkce = pkcePair()
      const fields: Record<string, string | undefined> = {
        response_type: 'code',
        client_id: clientId,
        redirect_uri: REDIRECT_URI,
        scope: 'accounts:read balances:read',
        state: 'st-1',
        purpose: 'account_servicing',
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: await client.assertion(),
        ...overrides,
      }
      const form: Record<string, string> = {}
      for (const [name, value] of Object.entries(fields)) if (value !== undefined) form[name] = value
      return sandbox.request('/banks/summit/oauth/par', postForm(form))
    },
    async authorize() {
      const res = await client.par()
      if (res.status !== 201) throw new Error(`PAR failed: ${res.status} ${await res.text()}`)
      const { request_uri } = (await res.json()) as { request_uri: string }
      const answer = await sandbox.request(
        '/banks/summit/oauth/authorize',
        postForm({ client_id: clientId, request_uri, decision: 'approve', customer_id: customer.id }),
      )
      const location = new URL(answer.headers.get('Location') ?? 'http://invalid/')
      return {
        code: location.searchParams.get('code') ?? '',
        iss: location.searchParams.get('iss'),
        state: location.searchParams.get('state'),
        verifier: pkce.verifier,
      }
    },
    async token(fields, proof) {
      const form = {
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: await client.assertion(),
        ...fields,
      }
      return sandbox.request('/banks/summit/oauth/token', postForm(form, proof ? { DPoP: proof } : {}))
    },
    async nonce() {
      const res = await client.token({ grant_type: 'refresh_token', refresh_token: 'none' }, undefined)
      return res.headers.get('DPoP-Nonce') ?? ''
    },
    async link() {
      const { code, verifier } = await client.authorize()
      const nonce = await client.nonce()
      const proof = await client.proof({ htm: 'POST', htu: `${ISSUER}/oauth/token`, nonce })
      const res = await client.token(
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
        proof,
      )
      if (res.status !== 200) throw new Error(`token failed: ${res.status} ${await res.text()}`)
      return (await res.json()) as { access_token: string; refresh_token: string; token_type: string }
    },
  }
  return client
}

/** A bank API GET at summit with `Authorization: DPoP` and a proof made by `proof` (or none). */
export async function apiGet(
  client: FapiClient,
  path: string,
  authorization: string,
  proof: string | undefined,
): Promise<Response> {
  return client.sandbox.request(`/banks/summit${path}`, {
    headers: { Authorization: authorization, ...(proof ? { DPoP: proof } : {}) },
  })
}
