import type { ConsentRecord } from '../store/state.ts'
import type { Consent } from './schemas.ts'

/** Where a consent stands at a moment: revoked first, then expired by its end. */
export function consentStatus(record: ConsentRecord, nowMs: number): Consent['status'] {
  if (record.revokedAtMs !== null) return 'revoked'
  return nowMs >= record.expiresAtMs ? 'expired' : 'active'
}
