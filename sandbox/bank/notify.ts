import type { Deps } from '../deps.ts'
import type { ConsentRecord } from '../store/state.ts'
import { callBeingAnswered } from './call-cause.ts'
import { consentStatus } from './consent-status.ts'
import type { BankEvent } from './events.ts'
import type { Scope } from './policy.ts'

/**
 * Queues a bank webhook for the integration. Events about one consent share an order
 * key, so they arrive in order; bank-wide events are ordered per bank.
 */
export function notify(deps: Deps, bankId: string, orderKey: string, event: BankEvent): void {
  const delivery = deps.outbox.enqueue({
    id: deps.ids.next('evt'),
    bankId,
    type: event.type,
    orderKey,
    body: JSON.stringify(event),
    causedByCallAtMs: callBeingAnswered(),
  })
  deps.bus.publish('webhook.queued', event.timestamp, { id: delivery.id, bankId, type: event.type })
}

/** Active consents of one customer at a bank that hold any of the scopes: who may hear about it. */
export function consentsFor(
  deps: Deps,
  bankId: string,
  customerId: string,
  ...anyOf: Scope[]
): ConsentRecord[] {
  const now = deps.clock.now()
  return [...deps.state.consents.values()].filter(
    (consent) =>
      consent.bankId === bankId &&
      consent.customerId === customerId &&
      consentStatus(consent, now) === 'active' &&
      (anyOf.length === 0 || anyOf.some((scope) => consent.scopes.includes(scope))),
  )
}
