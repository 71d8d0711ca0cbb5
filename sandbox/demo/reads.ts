import { presentConsent } from '../bank/consents.ts'
import type { Consent } from '../bank/schemas.ts'
import type { Deps } from '../deps.ts'
import { buildEvidence } from '../evidence/build.ts'
import type { Evidence } from '../evidence/schema.ts'
import type { LinkTap } from '../platform/records.ts'
import type { JournalEntry } from '../store/journal.ts'
import type { ChatMessage, Faults } from '../store/state.ts'
import { toIso } from '../time/clock.ts'
import type { Delivery } from '../webhooks/outbox.ts'

// Read-only views of sandbox state the control API does not slice the way the dashboard
// needs: one customer's consents, every bank's partnership, the newest of the timelines.

export const TIMELINE_SIZE = 40

/** What the integration took under each of the customer's consents at one bank, newest first. */
export function evidenceOf(deps: Deps, bankId: string, customerId: string): Evidence[] {
  return [...deps.state.consents.values()]
    .filter((consent) => consent.bankId === bankId && consent.customerId === customerId)
    .sort((a, b) => b.createdAtMs - a.createdAtMs)
    .map((consent) => buildEvidence(deps, consent))
}

/** The customer's consents at one bank, newest first. */
export function consentsOf(deps: Deps, bankId: string, customerId: string): Consent[] {
  const now = deps.clock.now()
  return [...deps.state.consents.values()]
    .filter((consent) => consent.bankId === bankId && consent.customerId === customerId)
    .sort((a, b) => b.createdAtMs - a.createdAtMs)
    .map((consent) => presentConsent(consent, now))
}

export interface PartnershipView {
  bankId: string
  status: 'active' | 'terminating' | 'terminated'
  effectiveAt: string | null
  faults: Faults | null
}

export function partnershipOf(deps: Deps, bankId: string): PartnershipView {
  const partnership = deps.state.partnerships.get(bankId)
  return {
    bankId,
    status: partnership?.status ?? 'active',
    effectiveAt: partnership?.effectiveAtMs == null ? null : toIso(partnership.effectiveAtMs),
    faults: deps.state.faults.get(bankId) ?? null,
  }
}

export interface ChatView {
  lines: readonly ChatMessage[]
  /** mid → how the user's message reached the integration. */
  delivery: ReadonlyMap<string, string>
  links: readonly LinkTap[]
}

export function chatOf(deps: Deps, userId: string): ChatView {
  const delivery = new Map<string, string>()
  for (const record of deps.state.inbound.values())
    if (record.userId === userId) delivery.set(record.mid, record.status)
  return { lines: deps.state.chats.get(userId) ?? [], delivery, links: deps.state.taps.get(userId) ?? [] }
}

/** Newest first. */
export function recentDeliveries(deps: Deps, size = TIMELINE_SIZE): Delivery[] {
  return deps.outbox.list().slice(-size).reverse()
}

/** Newest first. */
export function recentCalls(deps: Deps, size = TIMELINE_SIZE): JournalEntry[] {
  return deps.state.journal.newest(size)
}
