import type { Deps } from '../../deps.ts'
import { Problem, problems } from '../../http/problem.ts'
import type { PushedRequestRecord } from '../../store/state.ts'
import { parseAuthorizeRequest } from '../authorize-request.ts'
import type { Bank } from '../policy.ts'
import { OAuthError } from '../tokens.ts'
import { PKCE_VALUE } from './pkce.ts'

// Pushed authorization requests (RFC 9126): the client posts the authorize parameters,
// PKCE included, to the bank and gets a request_uri; the link in chat carries only that
// and the client_id. A request_uri is used once, within 60 s of the simulation clock.

export const PAR_LIFETIME_MS = 60_000
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:'

/** The parameters a pushed request keeps: §4's authorize parameters, PKCE aside. */
const KEPT = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'purpose'] as const

/** Validates and keeps a pushed request; errors are RFC 6749 OAuthErrors (invalid_request). */
export async function pushRequest(
  deps: Deps,
  bank: Bank,
  issuer: string,
  clientId: string,
  form: Record<string, string>,
): Promise<{ request_uri: string; expires_in: number }> {
  const invalid = (description: string) => new OAuthError('invalid_request', description)
  if (form.request_uri !== undefined) throw invalid('A pushed request must not carry a request_uri.')
  if (form.request !== undefined) throw invalid('Request objects are not supported; push the parameters.')
  if (form.code_challenge_method !== 'S256') throw invalid('PKCE is required: code_challenge_method=S256.')
  if (!form.code_challenge || !PKCE_VALUE.test(form.code_challenge))
    throw invalid('PKCE is required: code_challenge, the base64url SHA-256 of the code_verifier.')
  const params: Record<string, string> = {}
  for (const name of KEPT) if (form[name] !== undefined) params[name] = form[name]
  try {
    await parseAuthorizeRequest(deps, bank, params)
  } catch (error) {
    if (error instanceof Problem) throw invalid(error.message)
    throw error
  }
  const requestUri = `${REQUEST_URI_PREFIX}${deps.ids.secret('par')}`
  deps.state.pushedRequests.set(requestUri, {
    bankId: bank.id,
    clientId,
    params,
    codeChallenge: form.code_challenge,
    issuer,
    expiresAtMs: deps.clock.now() + PAR_LIFETIME_MS,
  })
  return { request_uri: requestUri, expires_in: PAR_LIFETIME_MS / 1000 }
}

/**
 * The pushed request an authorize link names (`client_id` and `request_uri`), or an
 * invalid_request problem: shown to the user, never redirected. `consume` uses it up (the
 * answer on the consent page); showing the page does not.
 */
export function pushedRequest(
  deps: Deps,
  bank: Bank,
  query: Record<string, string>,
  consume: boolean,
): PushedRequestRecord {
  const requestUri = query.request_uri
  if (!requestUri)
    throw problems.invalidRequest(
      `${bank.name} takes pushed authorization requests only: POST the parameters to /banks/${bank.id}/oauth/par and link with its request_uri.`,
      [{ path: 'request_uri', message: 'Required' }],
    )
  const record = deps.state.pushedRequests.get(requestUri)
  if (!record || record.bankId !== bank.id || deps.clock.now() >= record.expiresAtMs)
    throw problems.invalidRequest('The request_uri is unknown, used or expired; push the request again.', [
      { path: 'request_uri', message: 'Unknown, used or expired' },
    ])
  if (query.client_id !== record.clientId)
    throw problems.invalidRequest('client_id must be the client that pushed the request.', [
      { path: 'client_id', message: 'Not the pushing client' },
    ])
  if (consume) deps.state.pushedRequests.delete(requestUri)
  return record
}
