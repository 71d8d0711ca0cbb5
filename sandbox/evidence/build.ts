import { consentStatus } from '../bank/consent-status.ts'
import type { Deps } from '../deps.ts'
import type { JournalEntry } from '../store/journal.ts'
import type { ConsentRecord } from '../store/state.ts'
import { toIso } from '../time/clock.ts'
import { checkEvidence } from './checks.ts'
import { type End, endOf, isAfter } from './end.ts'
import type { ChannelCounts, Evidence, EvidenceCall } from './schema.ts'
import { shownAfterEnd } from './shown.ts'
import { answeredBy, DEFAULT_REACTION_MS, type Trigger, triggersFor } from './triggers.ts'

// One consent's evidence, read from the store's tables only: the consent, the call
// journal (which recorded what each answer served), the chats, the user-message and
// webhook deliveries. Nothing is counted from what a request asked for.

export function buildEvidence(
  deps: Deps,
  consent: ConsentRecord,
  reactionMs: number = DEFAULT_REACTION_MS,
): Evidence {
  const now = deps.clock.now()
  const bank = deps.bank(consent.bankId)
  const customer = deps.world.customer(consent.bankId, consent.customerId)
  const userId = customer?.person.platformUserId ?? null
  const end = endOf(consent, now)
  // Webhooks about any of this customer's consents at the bank, or about the partnership,
  // may prompt a call under this one.
  const orderKeys = new Set([`partnership:${consent.bankId}`])
  for (const other of deps.state.consents.values())
    if (other.bankId === consent.bankId && other.customerId === consent.customerId) orderKeys.add(other.id)
  const triggers = triggersFor(deps.state, { userId, orderKeys })
  // In the order they arrived: on a shared database the journal holds other instances'
  // calls in the order it took them in.
  const calls = deps.state.journal
    .ofConsent(consent.id)
    .sort((a, b) => Date.parse(a.wallAt) - Date.parse(b.wallAt))
    .map((entry) => evidenceCall(entry, triggers, reactionMs, end))
  const shown = end && userId !== null ? shownAfterEnd(deps, consent, end, userId) : []
  const bankView = {
    summary: bank?.policy.summary ?? '',
    withholdsOffPlatform: !(bank?.policy.scopes.includes('transactions.all:read') ?? false),
  }
  return {
    consent: {
      id: consent.id,
      bankId: consent.bankId,
      bankName: bank?.name ?? consent.bankId,
      customerId: consent.customerId,
      customerName: customer?.person.name ?? null,
      platformUserId: userId,
      clientId: consent.clientId,
      scopesAsked: consent.askedScopes ?? consent.scopes,
      scopesGranted: consent.scopes,
      purpose: consent.purpose,
      status: consentStatus(consent, now),
      grantedAt: toIso(consent.createdAtMs),
      expiresAt: toIso(consent.expiresAtMs),
      revokedAt: consent.revokedAtMs === null ? null : toIso(consent.revokedAtMs),
      revokedBy: consent.revokedBy,
    },
    bank: bankView,
    generatedAt: toIso(now),
    reactionMs,
    totals: totalsOf(calls),
    calls,
    end: end && endView(end, calls),
    shownAfterEnd: shown,
    webhooks: webhooksAbout(deps, consent.id),
    checks: checkEvidence({ bank: bankView, calls, shownAfterEnd: shown }),
  }
}

function evidenceCall(
  entry: JournalEntry,
  triggers: readonly Trigger[],
  reactionMs: number,
  end: End | null,
): EvidenceCall {
  const simMs = Date.parse(entry.at)
  const wallMs = Date.parse(entry.wallAt)
  return {
    id: entry.id,
    at: entry.at,
    wallAt: entry.wallAt,
    method: entry.method,
    route: entry.route,
    path: entry.path,
    status: entry.status,
    scope: entry.scope,
    records: entry.records,
    channels: entry.channels,
    afterEnd: end !== null && isAfter(end, { simMs, wallMs, refused: entry.status >= 300 }),
    answered: answeredBy(triggers, { wallMs, simMs }, reactionMs),
  }
}

function totalsOf(calls: readonly EvidenceCall[]): Evidence['totals'] {
  const channels: ChannelCounts = { platform: 0, inStore: 0, online: 0 }
  const answered = { userMessage: 0, webhook: 0, nothing: 0 }
  let records = 0
  for (const call of calls) {
    records += call.records
    channels.platform += call.channels?.platform ?? 0
    channels.inStore += call.channels?.inStore ?? 0
    channels.online += call.channels?.online ?? 0
    if (call.answered.kind === 'user_message') answered.userMessage++
    else if (call.answered.kind === 'webhook') answered.webhook++
    else answered.nothing++
  }
  const served = calls.filter((call) => call.status >= 200 && call.status < 300).length
  return { calls: calls.length, served, records, channels, answered }
}

function endView(end: End, calls: readonly EvidenceCall[]): NonNullable<Evidence['end']> {
  const after = calls.filter((call) => call.afterEnd)
  const refused = after.filter((call) => call.status >= 300)
  const first = refused[0]
  return {
    at: toIso(end.simMs),
    reason: end.reason,
    by: end.by,
    callsAfter: after.length,
    refusedAfter: refused.length,
    servedAfter: after.length - refused.length,
    firstRefused: first
      ? {
          callId: first.id,
          at: first.at,
          delayMs: Date.parse(first.at) - end.simMs,
          wallDelayMs: end.wallMs === null ? null : Date.parse(first.wallAt) - end.wallMs,
        }
      : null,
  }
}

/** The bank webhooks sent about this consent, oldest first. */
function webhooksAbout(deps: Deps, consentId: string): Evidence['webhooks'] {
  return [...deps.state.deliveries.values()]
    .filter((delivery) => delivery.orderKey === consentId)
    .map((delivery) => ({
      id: delivery.id,
      type: delivery.type,
      createdAt: delivery.createdAt,
      status: delivery.status,
      attempts: delivery.attempts.length,
      deliveredAt:
        delivery.attempts.find((a) => a.statusCode !== null && a.statusCode >= 200 && a.statusCode < 300)
          ?.at ?? null,
    }))
}
