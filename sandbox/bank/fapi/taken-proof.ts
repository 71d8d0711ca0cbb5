import type { Deps } from '../../deps.ts'

// The `dpopProofTaken` fault: someone on the path used the integration's next DPoP proof at
// the bank API before it arrived, so the bank has seen its jti and refuses it as a replay.
// A correct client recovers with a fresh proof; one that sends the same proof again cannot.
// Used once, like `revokeInFlight`.

/** True (and the fault used up) when this call's proof counts as taken by someone else. */
export function proofTaken(deps: Deps, bankId: string): boolean {
  const faults = deps.state.faults.get(bankId)
  if (!faults?.dpopProofTaken) return false
  const { dpopProofTaken: _taken, ...rest } = faults
  // Nothing left injected is no faults at all: the bank's reads go back to the fast path.
  if (Object.keys(rest).length === 0) deps.state.faults.delete(bankId)
  else deps.state.faults.set(bankId, rest)
  return true
}
