import type { Deps } from '../../deps.ts'

// Every DPoP proof and client assertion is accepted once (RFC 9449 §11.1, RFC 7523 §3):
// its jti is kept until the proof would be too old anyway, then forgotten.

/** How far a proof's iat may lie from the bank's wall clock, either way. */
export const PROOF_WINDOW_MS = 60_000
const KEEP_MS = 2 * PROOF_WINDOW_MS + 60_000
const PRUNE_ABOVE = 2_000

/** Notes the jti; false when it was seen before (a replay). */
export function firstUse(deps: Deps, bankId: string, kind: 'dpop' | 'client', jti: string): boolean {
  const key = `${bankId}/${kind}/${jti}`
  const now = deps.clock.wallNow()
  const seen = deps.state.proofIds.get(key)
  if (seen && now < seen.expiresAtWallMs) return false
  if (deps.state.proofIds.size > PRUNE_ABOVE) prune(deps, now)
  deps.state.proofIds.set(key, { expiresAtWallMs: now + KEEP_MS })
  return true
}

function prune(deps: Deps, now: number): void {
  const stale = [...deps.state.proofIds].filter(([, record]) => now >= record.expiresAtWallMs)
  for (const [key] of stale) deps.state.proofIds.delete(key)
}
