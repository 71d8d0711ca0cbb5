import { createHash } from 'node:crypto'

// PKCE (RFC 7636) with S256 only, as FAPI 2.0 asks.

/** A code_challenge or code_verifier: 43 to 128 characters of [A-Za-z0-9-._~]. */
export const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/

export function codeChallengeOf(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}
