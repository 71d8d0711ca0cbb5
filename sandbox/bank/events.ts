import type { ConsentRecord } from '../store/state.ts'
import { toIso } from '../time/clock.ts'
import type { Dispute } from './dispute-schemas.ts'
import type { Alert, Card, Consent } from './schemas.ts'

// Payload builders for every bank webhook: `{type, timestamp, data}`,
// the timestamp on the simulation clock. Contract tests call these same builders.

export const EVENT_TYPES = [
  'fraud.alert.created',
  'fraud.alert.updated',
  'consent.revoked',
  'consent.expiring',
  'consent.expired',
  'partnership.terminating',
  'partnership.terminated',
  'partnership.restored',
  'transactions.available',
  'card.status.changed',
  'dispute.updated',
] as const
export type EventType = (typeof EVENT_TYPES)[number]

export interface BankEvent<T extends EventType = EventType, D = unknown> {
  type: T
  timestamp: string
  data: D
}

interface ConsentScoped {
  bankId: string
  consentId: string
  customerId: string
}

const scoped = (consent: ConsentRecord): ConsentScoped => ({
  bankId: consent.bankId,
  consentId: consent.id,
  customerId: consent.customerId,
})

export function consentEvent(
  type: 'consent.revoked' | 'consent.expiring' | 'consent.expired',
  consent: ConsentRecord,
  wire: Consent,
  nowMs: number,
): BankEvent {
  return { type, timestamp: toIso(nowMs), data: { ...scoped(consent), consent: wire } }
}

export function alertEvent(
  type: 'fraud.alert.created' | 'fraud.alert.updated',
  consent: ConsentRecord,
  alert: Alert,
  nowMs: number,
): BankEvent {
  return { type, timestamp: toIso(nowMs), data: { ...scoped(consent), alert } }
}

export function cardStatusEvent(consent: ConsentRecord, card: Card, nowMs: number): BankEvent {
  return { type: 'card.status.changed', timestamp: toIso(nowMs), data: { ...scoped(consent), card } }
}

export function disputeEvent(consent: ConsentRecord, dispute: Dispute, nowMs: number): BankEvent {
  return { type: 'dispute.updated', timestamp: toIso(nowMs), data: { ...scoped(consent), dispute } }
}

export function transactionsAvailableEvent(
  consent: ConsentRecord,
  accountId: string,
  count: number,
  nowMs: number,
): BankEvent {
  return {
    type: 'transactions.available',
    timestamp: toIso(nowMs),
    data: { ...scoped(consent), accountId, count },
  }
}

export function partnershipEvent(
  status: 'terminating' | 'terminated' | 'restored',
  bankId: string,
  effectiveAtMs: number,
  nowMs: number,
): BankEvent {
  return {
    type: `partnership.${status}`,
    timestamp: toIso(nowMs),
    data: { bankId, status: status === 'restored' ? 'active' : status, effectiveAt: toIso(effectiveAtMs) },
  }
}
