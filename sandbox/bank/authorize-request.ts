import { z } from 'zod'
import type { Deps } from '../deps.ts'
import { outboundRules } from '../deps.ts'
import { problems } from '../http/problem.ts'
import { checkTargetUrl, LOCAL_TARGETS, refuseTargetUrl } from '../http/url-guard.ts'
import { fieldErrors } from '../http/validate.ts'
import { type Bank, SCOPES, type Scope } from './policy.ts'

// The OAuth 2.0 authorization request's parameters (RFC 6749 §4.1.1), checked: the same
// checks for a plain bank's authorize link and a FAPI bank's pushed request.

export const AuthorizeQuery = z.object({
  response_type: z.literal('code'),
  client_id: z.string().max(200),
  redirect_uri: z.string().max(2000),
  scope: z.string().max(500),
  state: z.string().max(500).optional(),
  purpose: z.string().max(100),
})
export type AuthorizeQuery = z.infer<typeof AuthorizeQuery>

export interface AuthorizeRequest {
  bank: Bank
  redirectUri: string
  state: string | undefined
  scopes: Scope[]
  purpose: string
  /** FAPI banks: the pushed request's PKCE challenge and the issuer its response names (RFC 9207). */
  fapi?: { codeChallenge: string; issuer: string }
}

/**
 * Validates the client and redirect_uri; throws a problem when the user must not be sent
 * back. In shared mode the redirect_uri's host is resolved, as the integration URL's is.
 */
export async function parseAuthorizeRequest(
  deps: Deps,
  bank: Bank,
  raw: Record<string, string>,
): Promise<AuthorizeRequest> {
  const parsed = AuthorizeQuery.safeParse(raw)
  if (!parsed.success)
    throw problems.invalidRequest('The authorization request is not valid.', fieldErrors(parsed.error))
  const query = parsed.data
  if (query.client_id !== deps.credentials.clientId) {
    throw problems.invalidRequest('Unknown client_id.', [
      { path: 'client_id', message: 'Not a registered client' },
    ])
  }
  const rules = outboundRules(deps, query.redirect_uri) ?? LOCAL_TARGETS
  const refusal =
    refuseTargetUrl(query.redirect_uri, rules) ??
    outsideIntegration(deps, query.redirect_uri) ??
    (await checkTargetUrl(query.redirect_uri, rules))
  if (refusal)
    throw problems.invalidRequest(`redirect_uri is not allowed. ${refusal}`, [
      { path: 'redirect_uri', message: refusal },
    ])
  const scopes = query.scope.split(' ').filter((s): s is Scope => (SCOPES as readonly string[]).includes(s))
  return { bank, redirectUri: query.redirect_uri, state: query.state, scopes, purpose: query.purpose }
}

function outsideIntegration(deps: Deps, redirectUri: string): string | null {
  const base = deps.integrationUrl
  if (base === null) return null
  return redirectUri.startsWith(base.endsWith('/') ? base : `${base}/`)
    ? null
    : 'Must lie under the integration URL'
}
