import { z } from 'zod'
import type { Deps } from '../deps.ts'
import { outboundRules } from '../deps.ts'
import { Problem, problems } from '../http/problem.ts'
import { checkTargetUrl, LOCAL_TARGETS, refuseTargetUrl } from '../http/url-guard.ts'
import { fieldErrors } from '../http/validate.ts'
import { grantConsent, issueCode } from './consents.ts'
import { pending } from './pending-consents.ts'
import { type Bank, grantedScopes, SCOPES, type Scope } from './policy.ts'

// The OAuth 2.0 authorization-code request (RFC 6749 §4.1). Errors about the client or
// the redirect_uri are shown to the user (never redirected: the target is not trusted);
// every later error goes back to the redirect_uri, as the RFC says.

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
}

/**
 * Validates the client and redirect_uri; throws a problem when the user must not be sent
 * back. In shared mode the redirect_uri's host is resolved, as the integration URL's is.
 */
export async function parseAuthorize(
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

/**
 * The customer's answer: approve as `customerId`, or deny (null). Returns where to send
 * the user agent: the redirect_uri with `code` and `state`, or with an `error`.
 */
export function decide(deps: Deps, request: AuthorizeRequest, customerId: string | null): string {
  const target = new URL(request.redirectUri)
  if (request.state !== undefined) target.searchParams.set('state', request.state)
  const fail = (error: string, description: string) => {
    target.searchParams.set('error', error)
    target.searchParams.set('error_description', description)
    return target.toString()
  }
  if (customerId === null) return fail('access_denied', 'The customer declined.')
  if (!deps.world.customer(request.bank.id, customerId))
    return fail('access_denied', 'No such customer at this bank.')
  if (grantedScopes(request.bank, request.scopes).length === 0) {
    return fail('invalid_scope', `${request.bank.name} grants none of the requested scopes.`)
  }
  try {
    const consent = pending(
      deps,
      grantConsent(deps, request.bank, customerId, { scopes: request.scopes, purpose: request.purpose }),
    )
    target.searchParams.set('code', issueCode(deps, consent.id, request.redirectUri))
    return target.toString()
  } catch (error) {
    // grantConsent refuses only for the purpose here: advertising, or an unknown one.
    if (!(error instanceof Problem)) throw error
    return fail(error.code === 'purpose_not_permitted' ? 'access_denied' : 'invalid_request', error.message)
  }
}
