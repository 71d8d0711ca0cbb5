import type { ConsentRecord } from '../store/state.ts'

// When a consent ended (revoked, or past its expiry), and whether something happened
// after that moment.

/** When the consent ended, and on which clocks that moment is known. */
export interface End {
  simMs: number
  /** The revocation's wall-clock moment; null for an expiry, which happens on the simulation clock only. */
  wallMs: number | null
  reason: 'revoked' | 'expired'
  by: ConsentRecord['revokedBy']
}

export function endOf(consent: ConsentRecord, nowMs: number): End | null {
  if (consent.revokedAtMs !== null)
    return {
      simMs: consent.revokedAtMs,
      wallMs: consent.revokedWallAtMs ?? null,
      reason: 'revoked',
      by: consent.revokedBy,
    }
  if (nowMs >= consent.expiresAtMs)
    return { simMs: consent.expiresAtMs, wallMs: null, reason: 'expired', by: null }
  return null
}

/**
 * Whether something that happened at these times came after the end. A frozen clock puts
 * a revocation and the calls on either side of it at one simulation instant: the wall
 * clock orders them. At the very same wall millisecond only a refusal counts as after.
 */
export function isAfter(
  end: End,
  at: { simMs: number; wallMs?: number | undefined; refused?: boolean },
): boolean {
  if (end.wallMs === null || at.wallMs === undefined) return at.simMs >= end.simMs
  return at.wallMs > end.wallMs || (at.wallMs === end.wallMs && at.refused !== false)
}
