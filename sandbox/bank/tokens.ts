import type { Deps } from '../deps.ts'
import { problems } from '../http/problem.ts'
import type { ConsentRecord, TokenRecord } from '../store/state.ts'
import { consentStatus } from './consent-status.ts'
import { codeChallengeOf } from './fapi/pkce.ts'
import { claimed } from './pending-consents.ts'

// OAuth 2.0 tokens bound to one consent: access tokens live 15 minutes on
// the simulation clock, refresh tokens as long as the consent and rotate on use.

export const ACCESS_TOKEN_LIFETIME_MS = 15 * 60_000

/** An error in RFC 6749 §5.2's shape, for the token and revoke endpoints only. */
export class OAuthError extends Error {
  constructor(
    readonly error:
      | 'invalid_request'
      | 'invalid_client'
      | 'invalid_grant'
      | 'unsupported_grant_type'
      | 'invalid_dpop_proof'
      | 'use_dpop_nonce',
    readonly description: string,
    readonly status: 400 | 401 = 400,
  ) {
    super(description)
  }
}

export interface TokenResponse {
  access_token: string
  /** DPoP at a FAPI bank: the token is bound to the proof key and sent as `Authorization: DPoP`. */
  token_type: 'Bearer' | 'DPoP'
  expires_in: number
  refresh_token: string
  scope: string
  consent_id: string
}

/** FAPI banks: what binds a token request, the DPoP key's thumbprint and (for a code) the PKCE verifier. */
export interface Binding {
  jkt: string
  codeVerifier?: string
}

function mintTokens(deps: Deps, consent: ConsentRecord, binding?: Binding): TokenResponse {
  const access = deps.ids.secret('at')
  const refresh = deps.ids.secret('rt')
  const now = deps.clock.now()
  const bound = binding ? { jkt: binding.jkt } : {}
  deps.state.tokens.set(access, {
    consentId: consent.id,
    kind: 'access',
    expiresAtMs: now + ACCESS_TOKEN_LIFETIME_MS,
    ...bound,
  })
  deps.state.tokens.set(refresh, { consentId: consent.id, kind: 'refresh', expiresAtMs: null, ...bound })
  return {
    access_token: access,
    token_type: binding ? 'DPoP' : 'Bearer',
    expires_in: ACCESS_TOKEN_LIFETIME_MS / 1000,
    refresh_token: refresh,
    scope: consent.scopes.join(' '),
    consent_id: consent.id,
  }
}

function usableConsent(deps: Deps, bankId: string, consentId: string): ConsentRecord {
  const consent = deps.state.consents.get(consentId)
  if (!consent || consent.bankId !== bankId || consentStatus(consent, deps.clock.now()) !== 'active') {
    throw new OAuthError('invalid_grant', 'The grant is no longer valid; link the bank again.')
  }
  return consent
}

export function exchangeCode(
  deps: Deps,
  bankId: string,
  code: string,
  redirectUri: string | undefined,
  binding?: Binding,
): TokenResponse {
  const entry = deps.state.codes.get(code)
  // Single use: the code is gone whether or not the exchange succeeds.
  deps.state.codes.delete(code)
  if (!entry || deps.clock.now() >= entry.expiresAtMs) {
    throw new OAuthError('invalid_grant', 'The authorization code is unknown, used or expired.')
  }
  if (entry.redirectUri !== null && entry.redirectUri !== redirectUri) {
    throw new OAuthError(
      'invalid_grant',
      'redirect_uri must repeat the one of the authorization request exactly.',
    )
  }
  // A FAPI bank's codes come only from a pushed request with PKCE, and need its verifier.
  if ((entry.codeChallenge === undefined) !== (binding === undefined))
    throw new OAuthError('invalid_grant', 'The authorization code was not issued for this kind of request.')
  if (
    entry.codeChallenge !== undefined &&
    codeChallengeOf(binding?.codeVerifier ?? '') !== entry.codeChallenge
  )
    throw new OAuthError('invalid_grant', 'The code_verifier does not match the code_challenge (S256).')
  return mintTokens(deps, claimed(deps, usableConsent(deps, bankId, entry.consentId)), binding)
}

export function refreshTokens(
  deps: Deps,
  bankId: string,
  refreshToken: string,
  binding?: Binding,
): TokenResponse {
  const entry = deps.state.tokens.get(refreshToken)
  if (entry?.kind !== 'refresh') {
    throw new OAuthError('invalid_grant', 'The refresh token is unknown or was already used.')
  }
  if (entry.jkt !== binding?.jkt)
    throw new OAuthError('invalid_grant', 'The refresh token is bound to another DPoP key.')
  const consent = usableConsent(deps, bankId, entry.consentId)
  deps.state.tokens.delete(refreshToken)
  return mintTokens(deps, consent, binding)
}

/**
 * The consent behind a Bearer token, or the problem that explains why there is none.
 * `seen` hears the token's consent before its status is checked, so a call refused for a
 * revoked or expired consent is still journaled under that consent.
 */
/** An access token's record and its consent at this bank, checked for nothing else. */
export function accessToken(deps: Deps, bankId: string, token: string) {
  const entry = deps.state.tokens.get(token)
  const consent = entry?.kind === 'access' ? deps.state.consents.get(entry.consentId) : undefined
  return entry && consent?.bankId === bankId ? { entry, consent } : undefined
}

const bearerToken = (authorization: string | undefined) =>
  authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : ''

/** The token of `Authorization: Bearer …` or `Authorization: DPoP …`, and its scheme. */
export function presentedToken(
  authorization: string | undefined,
): { scheme: 'Bearer' | 'DPoP'; token: string } | null {
  if (authorization?.startsWith('Bearer ')) return { scheme: 'Bearer', token: authorization.slice(7).trim() }
  if (authorization?.startsWith('DPoP ')) return { scheme: 'DPoP', token: authorization.slice(5).trim() }
  return null
}

/** The consent a request's access token names at this bank, valid or not: what the journal files the call under. */
export function consentNamedBy(
  deps: Deps,
  bankId: string,
  authorization: string | undefined,
): ConsentRecord | undefined {
  const token = presentedToken(authorization)?.token
  return token ? accessToken(deps, bankId, token)?.consent : undefined
}

export function authenticate(
  deps: Deps,
  bankId: string,
  authorization: string | undefined,
  seen: (consent: ConsentRecord) => void = () => {},
): ConsentRecord {
  const token = bearerToken(authorization)
  if (!token) throw problems.invalidToken('Send Authorization: Bearer <access token>.')
  const found = accessToken(deps, bankId, token)
  if (!found) throw problems.invalidToken('The access token is not known at this bank.')
  // A DPoP-bound token is worth nothing without its proof (fapi/api-auth.ts answers those).
  if (found.entry.jkt !== undefined)
    throw problems.invalidToken('This token is DPoP-bound: send it with its proof.')
  return usableAccess(deps, found, seen)
}

/** The token's consent once it is found: revoked, expired or a lapsed token answer their problem. */
export function usableAccess(
  deps: Deps,
  found: { entry: TokenRecord; consent: ConsentRecord },
  seen: (consent: ConsentRecord) => void,
): ConsentRecord {
  const { entry, consent } = found
  seen(consent)
  const status = consentStatus(consent, deps.clock.now())
  if (status === 'revoked') throw problems.consentRevoked()
  if (status === 'expired') throw problems.consentExpired()
  if (entry.expiresAtMs !== null && deps.clock.now() >= entry.expiresAtMs) {
    throw problems.invalidToken('The access token has expired; use the refresh token.')
  }
  return consent
}
