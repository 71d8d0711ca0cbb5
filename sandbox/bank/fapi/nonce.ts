import type { Deps } from '../../deps.ts'

// The DPoP nonce a FAPI bank hands out (RFC 9449 §8): one at a time per bank, kept in the
// store, and drawn afresh once the simulation clock has moved NONCE_LIFETIME_MS past it
// (or back before it), so a scenario that advances the clock makes every proof's nonce stale.

export const NONCE_LIFETIME_MS = 5 * 60_000

export function currentNonce(deps: Deps, bankId: string): string {
  const now = deps.clock.now()
  const kept = deps.state.dpopNonces.get(bankId)
  if (kept && now >= kept.issuedAtMs && now < kept.issuedAtMs + NONCE_LIFETIME_MS) return kept.nonce
  const fresh = { nonce: deps.ids.secret('dn'), issuedAtMs: now }
  deps.state.dpopNonces.set(bankId, fresh)
  return fresh.nonce
}
