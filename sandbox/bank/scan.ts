import type { Deps } from '../deps.ts'
import type { Account, Customer, Transaction } from '../synthetic/types.ts'
import { DAY_MS } from '../synthetic/types.ts'
import { consentStatus } from './consent-status.ts'
import { transactionsAvailableEvent } from './events.ts'
import { consentsFor, notify } from './notify.ts'
import { transactionsVisibleTo } from './policy.ts'

// New transactions, as the clock moves or a scenario injects them, are shown to the
// bank's observers (the fraud engine) and announced to integrations that may read them.
// Only customers with a consent are scanned: a lazy world of millions stays lazy.

export type TransactionObserver = (
  deps: Deps,
  customer: Customer,
  account: Account,
  fresh: readonly Transaction[],
) => void

/** A customer by bank and id. */
export interface CustomerKey {
  bankId: string
  customerId: string
}

/**
 * Customers with a consent active at `atMs`, each once, in the order their consents were
 * made. Only named: a caller makes each customer when it gets to it.
 */
export function linkedCustomers(deps: Deps, atMs: number): CustomerKey[] {
  const linked = new Map<string, CustomerKey>()
  for (const consent of deps.state.consents.values()) {
    if (consentStatus(consent, atMs) !== 'active') continue
    const key = `${consent.bankId}/${consent.customerId}`
    if (!linked.has(key)) linked.set(key, { bankId: consent.bankId, customerId: consent.customerId })
  }
  return [...linked.values()]
}

/**
 * One account's transactions booked in (fromMs, toMs], shown to the observers in one call:
 * the smallest piece a clock move is cut into, so a move in pieces tells the same as one
 * in one go.
 */
export function scanAccount(
  deps: Deps,
  customer: Customer,
  account: Account,
  fromMs: number,
  toMs: number,
  observers: readonly TransactionObserver[],
): void {
  const fresh: Transaction[] = []
  for (let day = Math.floor(fromMs / DAY_MS); day <= Math.floor(toMs / DAY_MS); day++) {
    for (const txn of deps.book.transactionsOnDay(account, day)) {
      // Injected ones were judged by the instance that injected them, when it did.
      if (txn.bookedAtMs > fromMs && txn.bookedAtMs <= toMs && !isInjected(txn)) fresh.push(txn)
    }
  }
  if (fresh.length > 0) observeTransactions(deps, customer, account, fresh, observers)
}

/** Injected transactions carry their own id prefix (control/transactions.ts mints them). */
export const INJECTED_PREFIX = 'txn_inj'
const isInjected = (txn: Transaction) => txn.id.startsWith(INJECTED_PREFIX)

export function observeTransactions(
  deps: Deps,
  customer: Customer,
  account: Account,
  fresh: readonly Transaction[],
  observers: readonly TransactionObserver[],
): void {
  for (const observer of observers) observer(deps, customer, account, fresh)
}

/** Observer: one transactions.available per consent that can see any of the new ones. */
export const announceTransactions: TransactionObserver = (deps, customer, account, fresh) => {
  const now = deps.clock.now()
  for (const consent of consentsFor(deps, customer.bankId, customer.id)) {
    const visible = fresh.filter(transactionsVisibleTo(consent.scopes))
    if (visible.length > 0) {
      notify(
        deps,
        consent.bankId,
        consent.id,
        transactionsAvailableEvent(consent, account.id, visible.length, now),
      )
    }
  }
}
