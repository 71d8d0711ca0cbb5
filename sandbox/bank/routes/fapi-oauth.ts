import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { Deps } from '../../deps.ts'
import { requestHeader } from '../../http/header.ts'
import { problems } from '../../http/problem.ts'
import { revokeConsent } from '../consents.ts'
import { authenticateAssertion } from '../fapi/client-assertion.ts'
import { DpopError, PROOF_ALGORITHMS, verifyProof } from '../fapi/dpop.ts'
import { currentNonce } from '../fapi/nonce.ts'
import { pushRequest } from '../fapi/par.ts'
import { PKCE_VALUE } from '../fapi/pkce.ts'
import type { Bank } from '../policy.ts'
import { exchangeCode, OAuthError, refreshTokens } from '../tokens.ts'
import type { BankGate } from './bank-guards.ts'
import type { BankEnv } from './env.ts'
import { registerFapiDocs } from './fapi-docs.ts'
import { formBody } from './oauth-client.ts'

// A FAPI 2.0 bank's OAuth endpoints (§15): the pushed authorization request, the token
// and revoke endpoints with private_key_jwt and DPoP, and the RFC 8414 metadata. Their
// errors take RFC 6749's JSON shape; a nonce challenge carries the DPoP-Nonce header.

/** The bank's issuer identifier: this sandbox's base URL and the bank's path. */
export function issuerOf(c: Context, bankId: string): string {
  return `${new URL(c.req.url).origin}/banks/${bankId}`
}

export function fapiRoutes(deps: Deps, gate: BankGate) {
  const app = new OpenAPIHono<BankEnv>()
  registerFapiDocs(app.openAPIRegistry)

  app.post(
    '/banks/:bankId/oauth/par',
    gate.open(async (c) => {
      const bank = fapiBank(deps, c)
      return fapiCall(deps, c, bank, async (form, issuer) => {
        const clientId = await authenticateAssertion(deps, bank.id, issuer, form)
        return c.json(await pushRequest(deps, bank, issuer, clientId, form), 201)
      })
    }),
  )

  app.get('/.well-known/oauth-authorization-server/banks/:bankId', (c) => {
    const bank = fapiBank(deps, c)
    return c.json(metadata(bank, issuerOf(c, bank.id)), 200)
  })

  return app
}

/** The bank named in the path, if it is a FAPI bank; any other answers 404. */
function fapiBank(deps: Deps, c: Context): Bank {
  const bank = deps.requireBank(c.req.param('bankId') ?? '')
  if (bank.profile !== 'fapi2') throw problems.notFound(`${bank.name} does not speak FAPI 2.0.`)
  return bank
}

/** Runs a form call, answering OAuthErrors and DPoP errors in RFC 6749's JSON shape. */
async function fapiCall(
  deps: Deps,
  c: Context,
  bank: Bank,
  work: (form: Record<string, string>, issuer: string) => Promise<Response>,
): Promise<Response> {
  c.header('Cache-Control', 'no-store')
  try {
    return await work(await formBody(c), issuerOf(c, bank.id))
  } catch (error) {
    const refusal = error instanceof DpopError ? new OAuthError(error.code, error.description) : error
    if (!(refusal instanceof OAuthError)) throw error
    if (refusal.error === 'use_dpop_nonce' || refusal.error === 'invalid_dpop_proof')
      c.header('DPoP-Nonce', currentNonce(deps, bank.id))
    return c.json({ error: refusal.error, error_description: refusal.description }, refusal.status)
  }
}

/** The token endpoint at a FAPI bank: private_key_jwt, then the DPoP proof, then the grant. */
export function fapiToken(deps: Deps, c: Context, bank: Bank): Promise<Response> {
  return fapiCall(deps, c, bank, async (form, issuer) => {
    await authenticateAssertion(deps, bank.id, issuer, form)
    const jkt = await verifyProof(deps, {
      bankId: bank.id,
      proof: requestHeader(c, 'dpop'),
      method: 'POST',
      url: c.req.url,
    })
    const tokens = grant(deps, bank.id, form, jkt)
    c.header('DPoP-Nonce', currentNonce(deps, bank.id))
    return c.json(tokens, 200)
  })
}

function grant(deps: Deps, bankId: string, form: Record<string, string>, jkt: string) {
  switch (form.grant_type) {
    case 'authorization_code':
      if (!form.code) throw new OAuthError('invalid_request', 'The code parameter is required.')
      if (!form.code_verifier || !PKCE_VALUE.test(form.code_verifier))
        throw new OAuthError('invalid_request', 'PKCE is required: send the code_verifier.')
      return exchangeCode(deps, bankId, form.code, form.redirect_uri, {
        jkt,
        codeVerifier: form.code_verifier,
      })
    case 'refresh_token':
      if (!form.refresh_token)
        throw new OAuthError('invalid_request', 'The refresh_token parameter is required.')
      return refreshTokens(deps, bankId, form.refresh_token, { jkt })
    case undefined:
      throw new OAuthError('invalid_request', 'The grant_type parameter is required.')
    default:
      throw new OAuthError('unsupported_grant_type', 'Use authorization_code or refresh_token.')
  }
}

/** RFC 7009 at a FAPI bank: private_key_jwt; unknown tokens still answer 200. */
export function fapiRevoke(deps: Deps, c: Context, bank: Bank): Promise<Response> {
  return fapiCall(deps, c, bank, async (form, issuer) => {
    await authenticateAssertion(deps, bank.id, issuer, form)
    if (!form.token) throw new OAuthError('invalid_request', 'The token parameter is required.')
    const entry = deps.state.tokens.get(form.token)
    const consent = entry && deps.state.consents.get(entry.consentId)
    if (entry && consent?.bankId === bank.id) {
      deps.state.tokens.delete(form.token)
      if (entry.kind === 'refresh') revokeConsent(deps, consent, 'platform')
    }
    return c.body(null, 200)
  })
}

/** RFC 8414 authorization server metadata, with the FAPI 2.0 and DPoP members. */
export function metadata(bank: Bank, issuer: string) {
  return {
    issuer,
    pushed_authorization_request_endpoint: `${issuer}/oauth/par`,
    require_pushed_authorization_requests: true,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: PROOF_ALGORITHMS,
    revocation_endpoint_auth_methods_supported: ['private_key_jwt'],
    dpop_signing_alg_values_supported: PROOF_ALGORITHMS,
    authorization_response_iss_parameter_supported: true,
    scopes_supported: bank.policy.scopes,
  }
}
