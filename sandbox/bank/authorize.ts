import type { Deps } from '../deps.ts'
import { Problem } from '../http/problem.ts'
import { type AuthorizeRequest, parseAuthorizeRequest } from './authorize-request.ts'
import { grantConsent, issueCode } from './consents.ts'
import { pushedRequest } from './fapi/par.ts'
import { pending } from './pending-consents.ts'
import { type Bank, grantedScopes } from './policy.ts'

// The OAuth 2.0 authorization-code request (RFC 6749 §4.1). Errors about the client or
// the redirect_uri are shown to the user (never redirected: the target is not trusted);
// every later error goes back to the redirect_uri, as the RFC says. A FAPI bank's link
// names a pushed request (fapi/par.ts) instead of carrying the parameters.

export type { AuthorizeRequest }

/**
 * The request an authorize link (or the consent page's form) makes. At a FAPI bank it is
 * the pushed request its request_uri names, used up when `consume` (the answer), not when
 * the page is only shown.
 */
export async function parseAuthorize(
  deps: Deps,
  bank: Bank,
  raw: Record<string, string>,
  consume = true,
): Promise<AuthorizeRequest> {
  if (bank.profile !== 'fapi2') return parseAuthorizeRequest(deps, bank, raw)
  const pushed = pushedRequest(deps, bank, raw, consume)
  const request = await parseAuthorizeRequest(deps, bank, pushed.params)
  return { ...request, fapi: { codeChallenge: pushed.codeChallenge, issuer: pushed.issuer } }
}

/**
 * The customer's answer: approve as `customerId`, or deny (null). Returns where to send
 * the user agent: the redirect_uri with `code` and `state`, or with an `error`.
 */
export function decide(deps: Deps, request: AuthorizeRequest, customerId: string | null): string {
  const target = new URL(request.redirectUri)
  if (request.state !== undefined) target.searchParams.set('state', request.state)
  // RFC 9207: a FAPI bank names itself in every authorization response, so the client can
  // tell which bank's response this is (mix-up attacks).
  if (request.fapi) target.searchParams.set('iss', request.fapi.issuer)
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
    target.searchParams.set(
      'code',
      issueCode(deps, consent.id, request.redirectUri, request.fapi?.codeChallenge),
    )
    return target.toString()
  } catch (error) {
    // grantConsent refuses only for the purpose here: advertising, or an unknown one.
    if (!(error instanceof Problem)) throw error
    return fail(error.code === 'purpose_not_permitted' ? 'access_denied' : 'invalid_request', error.message)
  }
}
