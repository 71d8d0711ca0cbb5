import { createHash } from 'node:crypto'
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, type JWK, jwtVerify } from 'jose'
import type { Deps } from '../../deps.ts'
import { currentNonce } from './nonce.ts'
import { firstUse, PROOF_WINDOW_MS } from './proof-ids.ts'
import { proofTaken } from './taken-proof.ts'

// DPoP proofs (RFC 9449 §4.3), checked the same way at the token endpoint and the bank
// API: a signed dpop+jwt carrying its public key, for this method and URL, fresh, never
// seen before, with the bank's current nonce, and at the API the hash of the access token.
// A replayed jti is refused before the nonce is looked at: a replay answers
// invalid_dpop_proof whatever its nonce.

export const PROOF_ALGORITHMS = ['ES256', 'PS256']

export class DpopError extends Error {
  constructor(
    readonly code: 'invalid_dpop_proof' | 'use_dpop_nonce',
    readonly description: string,
  ) {
    super(description)
  }
}

export interface ProofRequest {
  bankId: string
  /** The DPoP header as sent (undefined when absent). */
  proof: string | undefined
  method: string
  url: string
  /** At the bank API: the access token the proof must name by its hash (ath). */
  accessToken?: string
}

/** The proof's key thumbprint (what a token is bound to, cnf.jkt), or a DpopError. */
export async function verifyProof(deps: Deps, request: ProofRequest): Promise<string> {
  const invalid = (description: string) => new DpopError('invalid_dpop_proof', description)
  const { proof } = request
  if (!proof) throw invalid('Send a DPoP proof in the DPoP header.')
  if (proof.includes(',')) throw invalid('Send exactly one DPoP proof.')
  let jwk: JWK
  try {
    const header = decodeProtectedHeader(proof)
    if (header.typ !== 'dpop+jwt') throw invalid('The proof’s typ must be dpop+jwt.')
    if (!PROOF_ALGORITHMS.includes(header.alg ?? '')) throw invalid('Sign the proof with ES256 or PS256.')
    if (!header.jwk || 'd' in header.jwk) throw invalid('The proof’s header must carry its public jwk.')
    jwk = header.jwk
  } catch (error) {
    throw error instanceof DpopError ? error : invalid('The DPoP header is not a JWT.')
  }
  let payload: Record<string, unknown>
  try {
    ;({ payload } = await jwtVerify(proof, EmbeddedJWK, {
      algorithms: PROOF_ALGORITHMS,
      currentDate: new Date(deps.clock.wallNow()),
    }))
  } catch {
    throw invalid('The proof’s signature does not verify with the key in its header.')
  }
  const { jti, htm, htu, iat, ath, nonce } = payload
  if (typeof jti !== 'string' || jti.length < 8 || jti.length > 200) throw invalid('The proof needs a jti.')
  // A proof taken on the path (the dpopProofTaken fault) was, for the bank, used before.
  const taken = request.accessToken !== undefined && proofTaken(deps, request.bankId)
  if (!firstUse(deps, request.bankId, 'dpop', jti) || taken)
    throw invalid('This proof was used before: make a fresh one (a new jti) for every request.')
  if (htm !== request.method) throw invalid(`The proof’s htm must be ${request.method}.`)
  if (typeof htu !== 'string' || !sameTarget(htu, request.url))
    throw invalid('The proof’s htu must be this request’s URL, without query or fragment.')
  if (typeof iat !== 'number' || Math.abs(iat * 1000 - deps.clock.wallNow()) > PROOF_WINDOW_MS)
    throw invalid(`The proof’s iat must be within ${PROOF_WINDOW_MS / 1000} s of now.`)
  if (request.accessToken !== undefined && ath !== tokenHash(request.accessToken))
    throw invalid('The proof’s ath must be the base64url SHA-256 of the access token.')
  if (nonce !== currentNonce(deps, request.bankId))
    throw new DpopError('use_dpop_nonce', 'Make the proof again with the nonce in the DPoP-Nonce header.')
  return calculateJwkThumbprint(jwk, 'sha256')
}

/** ath (RFC 9449 §4.2): base64url of the token's SHA-256. */
export function tokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url')
}

function sameTarget(htu: string, url: string): boolean {
  try {
    const a = new URL(htu)
    const b = new URL(url)
    return a.origin === b.origin && a.pathname === b.pathname
  } catch {
    return false
  }
}
