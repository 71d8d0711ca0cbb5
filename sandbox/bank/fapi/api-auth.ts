import type { Deps } from '../../deps.ts'
import { problems } from '../../http/problem.ts'
import type { ConsentRecord } from '../../store/state.ts'
import { accessToken, presentedToken, usableAccess } from '../tokens.ts'
import { DpopError, verifyProof } from './dpop.ts'
import { currentNonce } from './nonce.ts'

// A FAPI bank's data call: `Authorization: DPoP <token>` with a DPoP proof for this call
// made with the key the token is bound to (RFC 9449 §7). Refusals are 401 problems with
// RFC 9449's `WWW-Authenticate: DPoP error="…"` and the current nonce.

export interface DataCall {
  bankId: string
  authorization: string | undefined
  proof: string | undefined
  method: string
  url: string
}

export async function authenticateDpop(
  deps: Deps,
  call: DataCall,
  seen: (consent: ConsentRecord) => void,
): Promise<ConsentRecord> {
  const refuse = (code: 'invalid_dpop_proof' | 'use_dpop_nonce' | 'invalid_token', detail: string) =>
    problems.dpop(code, detail, currentNonce(deps, call.bankId))
  const presented = presentedToken(call.authorization)
  if (presented?.scheme === 'Bearer')
    return Promise.reject(
      refuse(
        'invalid_token',
        'This bank takes DPoP-bound tokens only: send Authorization: DPoP <token> with a DPoP proof.',
      ),
    )
  if (!presented?.token)
    return Promise.reject(
      refuse('invalid_token', 'Send Authorization: DPoP <access token> and a DPoP proof.'),
    )
  const found = accessToken(deps, call.bankId, presented.token)
  if (!found?.entry.jkt)
    return Promise.reject(refuse('invalid_token', 'The access token is not known at this bank.'))
  seen(found.consent)
  let jkt: string
  try {
    jkt = await verifyProof(deps, { ...call, accessToken: presented.token })
  } catch (error) {
    if (error instanceof DpopError) throw refuse(error.code, error.description)
    throw error
  }
  if (jkt !== found.entry.jkt)
    throw refuse(
      'invalid_dpop_proof',
      'The proof is signed with another key than the one the token is bound to.',
    )
  return usableAccess(deps, found, seen)
}
