import type { Deps } from '../deps.ts'
import { problems } from '../http/problem.ts'
import type { AlertRecord } from '../store/state.ts'
import type * as internal from '../synthetic/types.ts'
import { toIso } from '../time/clock.ts'
import { setCardStatus } from './card-status.ts'
import { alertEvent } from './events.ts'
import { consentsFor, notify } from './notify.ts'
import { money } from './present.ts'
import { INJECTED_PREFIX } from './scan.ts'
import type { Alert } from './schemas.ts'

// Fraud alerts: one per card that grows while it is open, so a burst of fifty flagged
// charges is one alert the integration hears about once, then a few times as it grows.
// The customer resolves it through the integration: `fraud` freezes the card. However
// long a card's fraud goes on, an alert stays small: its payload names the newest
// ALERT_IDS_SHOWN transactions beside the count and total of all, and its record keeps the
// newest ALERT_IDS_KEPT, far more than any rule's window can flag again.

export const ALERT_IDS_SHOWN = 50
export const ALERT_IDS_KEPT = 5_000

export type Outcome = 'fraud' | 'legitimate'

export function presentAlert(record: AlertRecord): Alert {
  return {
    id: record.id,
    cardId: record.cardId,
    last4: record.last4,
    status: record.status,
    reason: record.reason,
    transactionIds: record.transactionIds.slice(-ALERT_IDS_SHOWN),
    transactionCount: countOf(record),
    total: money(record.total),
    createdAt: toIso(record.createdAtMs),
    updatedAt: toIso(record.updatedAtMs),
  }
}

const countOf = (record: AlertRecord) => record.transactionCount ?? record.transactionIds.length

/** A customer's alerts at one bank, newest first. */
export function alertsOf(deps: Deps, bankId: string, customerId: string): AlertRecord[] {
  return [...deps.state.alerts.values()]
    .filter((alert) => alert.bankId === bankId && alert.customerId === customerId)
    .sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? 1 : -1))
}

/** A cache: each alert record's transaction ids as a set, built once per record value. */
const flaggedIds = new WeakMap<AlertRecord, Set<string>>()

function idsOf(alert: AlertRecord): Set<string> {
  const known = flaggedIds.get(alert)
  if (known) return known
  const ids = new Set(alert.transactionIds)
  flaggedIds.set(alert, ids)
  return ids
}

function alertsOn(deps: Deps, cardId: string): AlertRecord[] {
  return [...deps.state.alerts.values()].filter((alert) => alert.cardId === cardId)
}

/**
 * Flags charges on a card: the open alert on that card grows (fraud.alert.updated), or
 * a new one opens (fraud.alert.created). A charge already on any alert of the card (open
 * or resolved) is not flagged again: the customer has judged it, or will.
 */
/**
 * Whether the card's owner was handed out to a scenario run. Such people hear of the fraud
 * their scenario injects, and of nothing the world's own history holds: an alert the
 * scenario never asked for would reach their chat and blur its verdict (a user "told once"
 * about a withdrawal, told of a card charge as well).
 */
function castInScenario(deps: Deps, card: internal.Card): boolean {
  if (deps.state.claimed.size === 0) return false
  const person = deps.world.customer(card.bankId, card.customerId)?.person
  return person !== undefined && deps.state.claimed.has(String(person.index))
}

const isInjected = (txn: internal.Transaction) => txn.id.startsWith(INJECTED_PREFIX)

export function raiseAlert(
  deps: Deps,
  card: internal.Card,
  reason: string,
  flagged: readonly internal.Transaction[],
): AlertRecord | null {
  const now = deps.clock.now()
  const onCard = alertsOn(deps, card.id)
  const open = onCard.find((alert) => alert.status === 'open')
  const added: internal.Transaction[] = []
  const fresh = new Set<string>()
  for (const txn of castInScenario(deps, card) ? flagged.filter(isInjected) : flagged) {
    if (fresh.has(txn.id) || onCard.some((alert) => idsOf(alert).has(txn.id))) continue
    fresh.add(txn.id)
    added.push(txn)
  }
  if (added.length === 0) return open ?? null
  const sum = added.reduce((total, txn) => total + txn.amount, 0)
  if (open) {
    const all = open.transactionIds.concat(added.map((txn) => txn.id))
    const kept = all.length > ALERT_IDS_KEPT ? all.slice(-ALERT_IDS_KEPT) : all
    const grown: AlertRecord = {
      ...open,
      transactionIds: kept,
      transactionCount: countOf(open) + added.length,
      total: open.total + sum,
      updatedAtMs: now,
    }
    // The grown alert takes over the open one's index: a burst costs what it adds. When
    // the oldest ids were let go, the index is built again from what is kept.
    const ids = idsOf(open)
    flaggedIds.delete(open)
    if (kept === all) {
      for (const id of fresh) ids.add(id)
      flaggedIds.set(grown, ids)
    }
    deps.state.alerts.set(grown.id, grown)
    announce(deps, grown, 'fraud.alert.updated')
    return grown
  }
  const record: AlertRecord = {
    id: deps.ids.next('alt'),
    bankId: card.bankId,
    customerId: card.customerId,
    cardId: card.id,
    last4: card.last4,
    status: 'open',
    reason,
    transactionIds: added.map((txn) => txn.id).slice(-ALERT_IDS_KEPT),
    transactionCount: added.length,
    total: sum,
    createdAtMs: now,
    updatedAtMs: now,
  }
  deps.state.alerts.set(record.id, record)
  announce(deps, record, 'fraud.alert.created')
  return record
}

/**
 * The customer's verdict. The same verdict twice is a no-op; a different one on a
 * resolved alert is refused. `fraud` freezes the card; `legitimate` lifts a freeze
 * unless another alert on the card was confirmed as fraud.
 */
export function resolveAlert(deps: Deps, record: AlertRecord, outcome: Outcome): AlertRecord {
  if (record.status === outcome) return record
  if (record.status !== 'open') {
    throw problems.invalidRequest('This alert is already resolved.', [
      { path: 'outcome', message: `Already resolved as ${record.status}` },
    ])
  }
  const resolved: AlertRecord = { ...record, status: outcome, updatedAtMs: deps.clock.now() }
  deps.state.alerts.set(resolved.id, resolved)
  announce(deps, resolved, 'fraud.alert.updated')
  const card = deps.world.card(resolved.cardId)
  if (!card) return resolved
  const current = deps.state.cardStatus.get(card.id) ?? 'active'
  if (outcome === 'fraud' && current === 'active') setCardStatus(deps, card, 'frozen')
  const confirmed = alertsOn(deps, card.id).some((alert) => alert.status === 'fraud')
  if (outcome === 'legitimate' && current === 'frozen' && !confirmed) setCardStatus(deps, card, 'active')
  return resolved
}

function announce(
  deps: Deps,
  record: AlertRecord,
  type: 'fraud.alert.created' | 'fraud.alert.updated',
): void {
  const now = deps.clock.now()
  const wire = presentAlert(record)
  for (const consent of consentsFor(deps, record.bankId, record.customerId, 'alerts')) {
    notify(deps, consent.bankId, consent.id, alertEvent(type, consent, wire, now))
  }
  deps.bus.publish('fraud.alert', toIso(now), {
    type,
    bankId: record.bankId,
    customerId: record.customerId,
    alert: wire,
  })
}
