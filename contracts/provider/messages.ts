import { presentAlert } from '../../sandbox/bank/alerts.ts'
import { presentConsent } from '../../sandbox/bank/consents.ts'
import { presentDispute } from '../../sandbox/bank/disputes.ts'
import {
  alertEvent,
  type BankEvent,
  cardStatusEvent,
  consentEvent,
  disputeEvent,
  EVENT_TYPES,
  type EventType,
  partnershipEvent,
  transactionsAvailableEvent,
} from '../../sandbox/bank/events.ts'
import { presentCard } from '../../sandbox/bank/present.ts'
import { STATES } from '../vocabulary.ts'
import type { VerificationSandbox } from './harness.ts'
import { need } from './states.ts'

// Message providers for bank webhooks. The payload comes from the sandbox's own
// builders (sandbox/bank/events.ts) over the records the provider states created, and
// the sandbox must really have queued a webhook of that type, so a pact verifies only
// what an integration would actually receive. partnership.restored has no state of its
// own: after a withdrawal state, the provider takes the withdrawal back through the
// control API (as every scenario run does before it starts), and the sandbox sends it.

/** The states each webhook needs, for error messages and contracts/STATES.md. */
export const WEBHOOK_NEEDS: Record<EventType, string[]> = {
  'fraud.alert.created': [STATES.linkedCustomer, STATES.alertOpen],
  'fraud.alert.updated': [STATES.linkedCustomer, STATES.alertOpen, STATES.alertResolved],
  'card.status.changed': [STATES.linkedCustomer, STATES.alertOpen, 'the fraud alert is resolved as fraud'],
  'consent.revoked': [STATES.linkedCustomer, STATES.consentRevoked],
  'consent.expiring': [STATES.linkedCustomer, STATES.consentExpiring],
  'consent.expired': [STATES.linkedCustomer, STATES.consentExpired],
  'partnership.terminating': [STATES.partnershipTerminating],
  'partnership.terminated': [STATES.partnershipTerminated],
  'partnership.restored': [STATES.partnershipTerminating],
  'transactions.available': [STATES.linkedCustomer, STATES.newTransactions],
  'dispute.updated': [STATES.linkedCustomer, STATES.disputeFiled, STATES.disputeCredited],
}

/** The webhook type a message description names ("a consent.revoked webhook"). */
export function webhookTypeOf(description: string): EventType | undefined {
  return [...EVENT_TYPES].sort((a, b) => b.length - a.length).find((type) => description.includes(type))
}

export async function produceMessage(sandbox: VerificationSandbox, description: string): Promise<BankEvent> {
  const type = webhookTypeOf(description)
  if (!type) {
    throw new Error(
      `The message "${description}" names no bank webhook type; say which, e.g. "a consent.revoked webhook" (types: ${EVENT_TYPES.join(', ')}).`,
    )
  }
  try {
    if (type === 'partnership.restored') await takeWithdrawalBack(sandbox)
    const event = build(sandbox, type)
    await expectQueued(sandbox, type)
    return event
  } catch (error) {
    const needs = WEBHOOK_NEEDS[type].map((state) => `"${state}"`).join(', then ')
    throw new Error(
      `${type}: ${error instanceof Error ? error.message : error} It needs the states ${needs}.`,
    )
  }
}

function build(sandbox: VerificationSandbox, type: EventType): BankEvent {
  const { deps } = sandbox
  const now = deps.clock.now()
  const consent = () => {
    const record = deps.state.consents.get(need(sandbox, 'consentId').consentId)
    if (!record) throw new Error('The consent is gone.')
    return record
  }
  switch (type) {
    case 'fraud.alert.created':
    case 'fraud.alert.updated': {
      const alert = deps.state.alerts.get(need(sandbox, 'alertId').alertId)
      if (!alert) throw new Error('The alert is gone.')
      return alertEvent(type, consent(), presentAlert(alert), now)
    }
    case 'card.status.changed': {
      const card = deps.world.card(need(sandbox, 'cardId').cardId)
      if (!card) throw new Error('The card is gone.')
      return cardStatusEvent(
        consent(),
        presentCard(card, deps.state.cardStatus.get(card.id) ?? 'active'),
        now,
      )
    }
    case 'dispute.updated': {
      const dispute = deps.state.disputes.get(need(sandbox, 'disputeId').disputeId)
      if (!dispute) throw new Error('The dispute is gone.')
      return disputeEvent(consent(), presentDispute(dispute), now)
    }
    case 'consent.revoked':
    case 'consent.expiring':
    case 'consent.expired': {
      const record = consent()
      return consentEvent(type, record, presentConsent(record, now), now)
    }
    case 'transactions.available': {
      const { accountId, transactionCount } = need(sandbox, 'accountId', 'transactionCount')
      return transactionsAvailableEvent(consent(), accountId, Number(transactionCount), now)
    }
    case 'partnership.terminating':
    case 'partnership.terminated': {
      const { bankId } = need(sandbox, 'bankId')
      const partnership = deps.state.partnerships.get(bankId)
      if (!partnership || partnership.effectiveAtMs === null) throw new Error(`${bankId} has not withdrawn.`)
      return partnershipEvent(
        type === 'partnership.terminated' ? 'terminated' : 'terminating',
        bankId,
        partnership.effectiveAtMs,
        now,
      )
    }
    case 'partnership.restored': {
      const { bankId } = need(sandbox, 'bankId')
      if (deps.state.partnerships.has(bankId)) throw new Error(`${bankId} has not taken its withdrawal back.`)
      return partnershipEvent('restored', bankId, now, now)
    }
  }
}

/** The bank of the interaction's withdrawal state takes it back, as a scenario run's clean start does. */
async function takeWithdrawalBack(sandbox: VerificationSandbox): Promise<void> {
  const { bankId } = need(sandbox, 'bankId')
  if (!sandbox.deps.state.partnerships.has(bankId)) throw new Error(`${bankId} has not withdrawn.`)
  await sandbox.control.call('POST', `/sandbox/banks/${bankId}/partnership`, { status: 'active' })
}

/** The sandbox queued this webhook for the interaction's consent (or bank), through its control API. */
async function expectQueued(sandbox: VerificationSandbox, type: EventType): Promise<void> {
  const { data } = await sandbox.control.call<{
    data: { bankId: string; payload: { data?: { consentId?: string } } }[]
  }>('GET', `/sandbox/webhooks?type=${type}`)
  const { consentId, bankId } = sandbox.context
  const sent = data.some((delivery) =>
    type.startsWith('partnership.')
      ? delivery.bankId === bankId
      : delivery.payload.data?.consentId === consentId,
  )
  if (!sent) throw new Error('The sandbox sent no such webhook in these states.')
}
