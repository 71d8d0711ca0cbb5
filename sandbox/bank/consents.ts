import type { Deps } from '../deps.ts'
import { problems } from '../http/problem.ts'
import type { ConsentRecord, RevokedBy } from '../store/state.ts'
import { DAY_MS } from '../synthetic/types.ts'
import { toIso } from '../time/clock.ts'
import { consentStatus } from './consent-status.ts'
import { consentEvent } from './events.ts'
import { notify } from './notify.ts'
import { type Bank, FORBIDDEN_PURPOSE, grantedScopes, PURPOSES, type Purpose, type Scope } from './policy.ts'
import type { Consent } from './schemas.ts'

export const CONSENT_LIFETIME_MS = 365 * DAY_MS
export const CODE_LIFETIME_MS = 60_000

export interface ConsentRequest {
  scopes: readonly Scope[]
  purpose: string
}

/** Checks the purpose before anything else: advertising has its own, stable refusal. */
export function checkPurpose(purpose: string): Purpose {
  if (purpose === FORBIDDEN_PURPOSE) throw problems.purposeNotPermitted()
  const known = PURPOSES.find((p) => p === purpose)
  if (!known) {
    throw problems.invalidRequest('Unknown purpose.', [
      { path: 'purpose', message: `Expected one of ${PURPOSES.join(', ')}` },
    ])
  }
  return known
}

/** The customer approves: a consent for the intersection of the asked scopes and the bank's policy. */
export function grantConsent(
  deps: Deps,
  bank: Bank,
  customerId: string,
  request: ConsentRequest,
): ConsentRecord {
  const purpose = checkPurpose(request.purpose)
  const scopes = grantedScopes(bank, request.scopes)
  const askedScopes = [...new Set(request.scopes)]
  if (scopes.length === 0) {
    throw problems.invalidRequest(`${bank.name} grants none of the requested scopes.`, [
      { path: 'scopes', message: `This bank grants only ${bank.policy.scopes.join(', ')}` },
    ])
  }
  const now = deps.clock.now()
  const record: ConsentRecord = {
    id: deps.ids.next('cns'),
    bankId: bank.id,
    customerId,
    clientId: deps.credentials.clientId,
    scopes,
    askedScopes,
    purpose,
    createdAtMs: now,
    expiresAtMs: now + CONSENT_LIFETIME_MS,
    revokedAtMs: null,
    revokedBy: null,
    notified: { expiring: false, expired: false },
  }
  deps.state.consents.set(record.id, record)
  return record
}

export function issueCode(
  deps: Deps,
  consentId: string,
  redirectUri: string | null,
  codeChallenge?: string,
): string {
  const code = deps.ids.secret('code')
  deps.state.codes.set(code, {
    consentId,
    redirectUri,
    expiresAtMs: deps.clock.now() + CODE_LIFETIME_MS,
    ...(codeChallenge === undefined ? {} : { codeChallenge }),
  })
  return code
}

/**
 * Revokes once; a second revocation keeps the first one's time and actor. Tokens are
 * kept on purpose: every call checks the consent, so they answer consent_revoked
 * (not a vaguer invalid_token) from the very next call on.
 */
export function revokeConsent(
  deps: Deps,
  record: ConsentRecord,
  by: RevokedBy,
  options = { notify: true },
): ConsentRecord {
  if (record.revokedAtMs !== null) return record
  const now = deps.clock.now()
  const revoked: ConsentRecord = {
    ...record,
    revokedAtMs: now,
    revokedWallAtMs: deps.clock.wallNow(),
    revokedBy: by,
  }
  deps.state.consents.set(revoked.id, revoked)
  deps.bus.publish('consent.revoked', toIso(now), {
    consentId: record.id,
    bankId: record.bankId,
    revokedBy: by,
  })
  if (options.notify) {
    notify(
      deps,
      revoked.bankId,
      revoked.id,
      consentEvent('consent.revoked', revoked, presentConsent(revoked, now), now),
    )
  }
  return revoked
}

export function presentConsent(record: ConsentRecord, nowMs: number): Consent {
  return {
    id: record.id,
    bankId: record.bankId,
    customerId: record.customerId,
    clientId: record.clientId,
    scopes: record.scopes,
    purpose: record.purpose,
    status: consentStatus(record, nowMs),
    createdAt: toIso(record.createdAtMs),
    expiresAt: toIso(record.expiresAtMs),
    revokedAt: record.revokedAtMs === null ? null : toIso(record.revokedAtMs),
    revokedBy: record.revokedBy,
  }
}
