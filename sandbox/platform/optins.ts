import { randomBytes } from 'node:crypto'
import type { Deps } from '../deps.ts'
import type { OptinRecord } from '../store/records.ts'
import { type OptinEvent, optinEnvelope } from './envelopes.ts'
import { queueDelivery } from './inbound.ts'
import { inBackground } from './records.ts'

// Opt-in notification messages (Messenger's "notification_messages"). The integration
// asks with a template; the simulated user taps "Allow" once the call has been answered,
// and the integration receives a `messaging_optins` event with a token. A message sent
// to that token passes outside the 24 h window, for 6 months or until the user stops it.

/** How long a token lasts: six calendar months. */
export function tokenExpiry(grantedAtMs: number): number {
  const at = new Date(grantedAtMs)
  at.setUTCMonth(at.getUTCMonth() + 6)
  return at.getTime()
}

/** The user allows the request, after the current call has been answered. */
export function allowLater(deps: Deps, userId: string, payload: string): void {
  inBackground(deps, async () => {
    await new Promise((resolve) => setImmediate(resolve))
    grant(deps, userId, payload)
  })
}

export function grant(deps: Deps, userId: string, payload: string): OptinRecord {
  const grantedAtMs = deps.clock.now()
  // Random, not from the id counter: whoever holds a token may write to the user.
  const record: OptinRecord = {
    token: `ntok_${randomBytes(24).toString('base64url')}`,
    userId,
    payload,
    grantedAtMs,
    expiresAtMs: tokenExpiry(grantedAtMs),
    stoppedAtMs: null,
  }
  deps.state.optins.set(record.token, record)
  tell(deps, record, {})
  return record
}

/** The user stops every token they granted; the integration is told for each. */
export function stopNotifications(deps: Deps, userId: string): OptinRecord[] {
  const stopped: OptinRecord[] = []
  for (const record of deps.state.optins.values()) {
    if (record.userId !== userId || record.stoppedAtMs !== null) continue
    const next = { ...record, stoppedAtMs: deps.clock.now() }
    deps.state.optins.set(next.token, next)
    tell(deps, next, { stopped: true })
    stopped.push(next)
  }
  return stopped
}

export function optinsOf(deps: Deps, userId: string): OptinRecord[] {
  return [...deps.state.optins.values()].filter((record) => record.userId === userId)
}

/** Whether a message may go to this token now. */
export function usable(deps: Deps, record: OptinRecord): boolean {
  return record.stoppedAtMs === null && deps.clock.now() < record.expiresAtMs
}

function tell(deps: Deps, record: OptinRecord, extra: Pick<OptinEvent, 'stopped'>): void {
  const body = optinEnvelope(deps, record.userId, deps.clock.now(), {
    payload: record.payload,
    token: record.token,
    expiresAtMs: record.expiresAtMs,
    ...extra,
  })
  queueDelivery(deps, record.userId, deps.ids.next('mid'), body, true)
}
