import type { Deps } from '../deps.ts'
import type { ConsentRecord } from '../store/state.ts'

// A consent approved on the consent page (by a person, a script or a simulated user) is
// of use only once the integration exchanges its code. Until then it is pending, and one
// that stays so is dropped, with its code, rather than kept for ever: the page is open to
// anyone, and a script could otherwise fill the sandbox with consents nobody will use.
//
// Ten minutes, on the wall clock: RFC 6749 §4.1.2 recommends at most ten minutes for an
// authorization code, so no integration that follows it exchanges one later (ours live
// 60 s of simulated time). The wall clock, because a frozen simulation clock would
// otherwise keep them for ever, and a clock moved ahead a year must not end a link that
// is being made right now.

export const PENDING_CONSENT_LIFETIME_MS = 10 * 60_000

/** The consent as the page makes it: pending until its code is exchanged. */
export function pending(deps: Deps, consent: ConsentRecord): ConsentRecord {
  const marked = { ...consent, pendingUntilWallMs: deps.clock.wallNow() + PENDING_CONSENT_LIFETIME_MS }
  deps.state.consents.set(marked.id, marked)
  return marked
}

/** The code was exchanged: the consent is in use, and kept for its whole life. */
export function claimed(deps: Deps, consent: ConsentRecord): ConsentRecord {
  if (consent.pendingUntilWallMs === undefined) return consent
  const { pendingUntilWallMs: _, ...kept } = consent
  deps.state.consents.set(kept.id, kept)
  return kept
}

/** Drops every consent still pending past its time, and the codes that would have claimed it. */
export function dropStalePending(deps: Deps): void {
  const now = deps.clock.wallNow()
  const stale = new Set<string>()
  for (const consent of deps.state.consents.values())
    if (consent.pendingUntilWallMs !== undefined && now >= consent.pendingUntilWallMs) stale.add(consent.id)
  if (stale.size === 0) return
  const codes = [...deps.state.codes].filter(([, code]) => stale.has(code.consentId))
  for (const [code] of codes) deps.state.codes.delete(code)
  for (const id of stale) deps.state.consents.delete(id)
}
