import { createLocalJWKSet, decodeJwt, type JSONWebKeySet, jwtVerify } from 'jose'
import type { Deps } from '../../deps.ts'
import { OAuthError } from '../tokens.ts'
import { clientKeys } from './client-keys.ts'
import { PROOF_ALGORITHMS } from './dpop.ts'
import { firstUse } from './proof-ids.ts'

// private_key_jwt client authentication (RFC 7523 §2.2, OpenID Connect Core §9), as FAPI
// 2.0 asks: a JWT signed with one of the client's registered keys, iss and sub its
// client_id, aud the bank's issuer, not expired, and its jti used once.

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/** The authenticated client's id, or an invalid_client OAuthError (401). */
export async function authenticateAssertion(
  deps: Deps,
  bankId: string,
  issuer: string,
  form: Record<string, string>,
): Promise<string> {
  const fail = (description: string) => new OAuthError('invalid_client', description, 401)
  const assertion = form.client_assertion
  if (form.client_assertion_type !== CLIENT_ASSERTION_TYPE || !assertion)
    throw fail(
      `Authenticate with private_key_jwt: client_assertion_type=${CLIENT_ASSERTION_TYPE} and a client_assertion.`,
    )
  let clientId: unknown
  try {
    clientId = decodeJwt(assertion).iss
  } catch {
    throw fail('The client_assertion is not a JWT.')
  }
  if (typeof clientId !== 'string' || clientId !== deps.credentials.clientId)
    throw fail('The client_assertion’s iss is not a registered client_id.')
  if (form.client_id !== undefined && form.client_id !== clientId)
    throw fail('client_id and the client_assertion’s iss differ.')
  const keys = clientKeys(deps, bankId, clientId) as JSONWebKeySet['keys']
  let jti: unknown
  try {
    const { payload } = await jwtVerify(assertion, createLocalJWKSet({ keys }), {
      issuer: clientId,
      subject: clientId,
      audience: issuer,
      algorithms: PROOF_ALGORITHMS,
      requiredClaims: ['exp', 'jti'],
      currentDate: new Date(deps.clock.wallNow()),
    })
    jti = payload.jti
  } catch {
    throw fail(
      `The client_assertion does not verify against the client’s registered keys (ES256 or PS256; iss and sub the client_id, aud ${issuer}, exp in the future).`,
    )
  }
  if (typeof jti !== 'string' || !firstUse(deps, bankId, 'client', jti))
    throw fail('This client_assertion was used before: make a fresh one (a new jti) for every request.')
  return clientId
}
