import type { Deps } from '../deps.ts'
import type { ConsentRecord } from '../store/state.ts'
import { DAY_MS } from '../synthetic/types.ts'
import { consentStatus } from './consent-status.ts'
import { presentConsent, revokeConsent } from './consents.ts'
import { consentEvent, partnershipEvent } from './events.ts'
import { notify } from './notify.ts'

// Time-driven changes, run whenever the clock may have moved: consents nearing or
// reaching their end, and partnerships whose notice period ran out.

export const EXPIRY_NOTICE_MS = 7 * DAY_MS
export const DEFAULT_NOTICE_MS = 30 * DAY_MS

/** Whatever one consent's end brings now: consent.expiring, consent.expired, or nothing. */
export function consentLifecycle(deps: Deps, consent: ConsentRecord): void {
  if (consent.revokedAtMs !== null || consent.notified.expired) return
  const now = deps.clock.now()
  const status = consentStatus(consent, now)
  const tell = (type: 'consent.expiring' | 'consent.expired', notified: ConsentRecord['notified']) => {
    const told = { ...consent, notified }
    deps.state.consents.set(told.id, told)
    notify(deps, told.bankId, told.id, consentEvent(type, told, presentConsent(told, now), now))
  }
  if (status === 'expired') {
    // An expired consent skips straight past "expiring" if the clock jumped over the notice.
    tell('consent.expired', { expiring: true, expired: true })
  } else if (!consent.notified.expiring && now >= consent.expiresAtMs - EXPIRY_NOTICE_MS) {
    tell('consent.expiring', { expiring: true, expired: false })
  }
}

/** The bank withdraws: `terminating` refuses new links now; `terminated` ends everything. */
export function withdraw(
  deps: Deps,
  bankId: string,
  status: 'terminating' | 'terminated',
  effectiveAtMs: number,
): void {
  const now = deps.clock.now()
  if (status === 'terminated' || effectiveAtMs <= now) {
    terminate(deps, bankId, Math.min(effectiveAtMs, now))
    return
  }
  deps.state.partnerships.set(bankId, { status: 'terminating', effectiveAtMs })
  deps.bus.publish('partnership.changed', new Date(now).toISOString(), { bankId, status, effectiveAtMs })
  notify(deps, bankId, `partnership:${bankId}`, partnershipEvent('terminating', bankId, effectiveAtMs, now))
}

export function runPartnerships(deps: Deps): void {
  const now = deps.clock.now()
  for (const [bankId, partnership] of deps.state.partnerships) {
    if (
      partnership.status === 'terminating' &&
      partnership.effectiveAtMs !== null &&
      now >= partnership.effectiveAtMs
    ) {
      terminate(deps, bankId, partnership.effectiveAtMs)
    }
  }
}

function terminate(deps: Deps, bankId: string, effectiveAtMs: number): void {
  if (deps.state.partnerships.get(bankId)?.status === 'terminated') return
  const now = deps.clock.now()
  deps.state.partnerships.set(bankId, { status: 'terminated', effectiveAtMs })
  // Every consent ends with the partnership; one partnership.terminated tells the integration.
  for (const consent of deps.state.consents.values()) {
    if (consent.bankId === bankId) revokeConsent(deps, consent, 'bank', { notify: false })
  }
  deps.bus.publish('partnership.changed', new Date(now).toISOString(), {
    bankId,
    status: 'terminated',
    effectiveAtMs,
  })
  notify(deps, bankId, `partnership:${bankId}`, partnershipEvent('terminated', bankId, effectiveAtMs, now))
}

/**
 * The bank takes the partnership back up, as before any withdrawal: new links work again.
 * Consents the termination ended stay revoked. partnership.restored goes out even when the
 * bank had not withdrawn: an integration that outlived a sandbox restart may still think it
 * had. Scenario runs start here (a clean bank state).
 */
export function restorePartnership(deps: Deps, bankId: string): void {
  const now = deps.clock.now()
  deps.state.partnerships.delete(bankId)
  deps.bus.publish('partnership.changed', new Date(now).toISOString(), {
    bankId,
    status: 'active',
    effectiveAtMs: now,
  })
  notify(deps, bankId, `partnership:${bankId}`, partnershipEvent('restored', bankId, now, now))
}
