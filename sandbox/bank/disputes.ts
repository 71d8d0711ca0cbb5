import type { Deps } from '../deps.ts'
import { problems } from '../http/problem.ts'
import type { ConsentRecord, DisputeReason, DisputeRecord } from '../store/state.ts'
import { accountCodes } from '../synthetic/ids.ts'
import type * as internal from '../synthetic/types.ts'
import { DAY_MS } from '../synthetic/types.ts'
import { toIso } from '../time/clock.ts'
import { addBusinessDays, addCalendarDays, bankDateOf, startOfBankDate } from './business-days.ts'
import type { Dispute } from './dispute-schemas.ts'
import { disputeEvent } from './events.ts'
import { consentsFor, notify } from './notify.ts'
import { INJECTED_PREFIX } from './scan.ts'

// Disputes of card charges, with Regulation E / Z deadlines on the simulation clock. Debit
// (Reg E): a provisional credit by the 10th business day, a decision by the 45th calendar
// day (90th for in_store charges). Credit cards (Reg Z, simplified): no provisional credit,
// a decision by the 90th day. The bank acts when its due date begins in New York: the
// clock's catch-up calls `advanceDisputes`, so moving the clock past a date makes it happen.
// The decision is deterministic: the customer wins, except a `duplicate` claim with no
// earlier charge of the same amount at the same merchant in the three days before.

export const MAX_DISPUTE_AGE_MS = 120 * DAY_MS
const REG_E_CREDIT_BUSINESS_DAYS = 10
const REG_E_DECISION_DAYS = 45
const LONG_DECISION_DAYS = 90

export function presentDispute(record: DisputeRecord): Dispute {
  return {
    id: record.id,
    transactionId: record.transactionId,
    reason: record.reason,
    status: record.status,
    outcome: record.outcome,
    provisionalCreditDueOn: record.provisionalCreditDueOn,
    decisionDueOn: record.decisionDueOn,
    createdAt: toIso(record.createdAtMs),
  }
}

/** A customer's disputes at one bank, newest first. */
export function disputesOf(deps: Deps, bankId: string, customerId: string): DisputeRecord[] {
  return [...deps.state.disputes.values()]
    .filter((d) => d.bankId === bankId && d.customerId === customerId)
    .sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? 1 : -1))
}

/** One of the customer's booked transactions, generated or injected, by id. */
export function findTransaction(
  deps: Deps,
  customer: internal.Customer,
  transactionId: string,
): { account: internal.Account; txn: internal.Transaction } | undefined {
  const now = deps.clock.now()
  if (transactionId.startsWith(INJECTED_PREFIX)) {
    const kept = deps.state.injected.get(transactionId)
    const account = kept && customer.accounts.find((a) => a.id === kept.accountId)
    return account && kept && kept.transaction.bookedAtMs <= now
      ? { account, txn: kept.transaction }
      : undefined
  }
  for (const account of customer.accounts) {
    const prefix = `txn_${account.bankId}_${customer.id.split('_').at(-1)}_${accountCodes[account.type]}_`
    if (!transactionId.startsWith(prefix)) continue
    const day = Number.parseInt(transactionId.slice(prefix.length).split('_')[0] ?? '', 36)
    if (!Number.isSafeInteger(day)) return undefined
    const txn = deps.book.transactionsOnDay(account, day).find((t) => t.id === transactionId)
    return txn && txn.bookedAtMs <= now ? { account, txn } : undefined
  }
  return undefined
}

export function fileDispute(
  deps: Deps,
  consent: ConsentRecord,
  customer: internal.Customer,
  body: { transactionId: string; reason: DisputeReason },
): DisputeRecord {
  const found = findTransaction(deps, customer, body.transactionId)
  if (!found) throw problems.notFound('No such transaction under this consent.')
  const { account, txn } = found
  const now = deps.clock.now()
  if (txn.amount >= 0) throw problems.disputeNotAllowed('Only a charge can be disputed.')
  if ([...deps.state.disputes.values()].some((d) => d.transactionId === txn.id))
    throw problems.disputeNotAllowed('This transaction is already disputed.')
  if (now - txn.bookedAtMs > MAX_DISPUTE_AGE_MS)
    throw problems.disputeNotAllowed('A charge booked more than 120 days ago can no longer be disputed.')
  const filedOn = bankDateOf(now)
  const regZ = account.type === 'credit'
  const record: DisputeRecord = {
    id: deps.ids.next('dsp'),
    bankId: consent.bankId,
    customerId: consent.customerId,
    accountId: account.id,
    transactionId: txn.id,
    reason: body.reason,
    rule: regZ ? 'reg_z' : 'reg_e',
    amount: txn.amount,
    merchantName: txn.merchant.name,
    status: 'submitted',
    outcome: null,
    provisionalCreditDueOn: regZ ? null : addBusinessDays(filedOn, REG_E_CREDIT_BUSINESS_DAYS),
    decisionDueOn: addCalendarDays(
      filedOn,
      regZ || txn.channel === 'in_store' ? LONG_DECISION_DAYS : REG_E_DECISION_DAYS,
    ),
    creditTransactionId: null,
    settlementTransactionId: null,
    createdAtMs: now,
    updatedAtMs: now,
  }
  deps.state.disputes.set(record.id, record)
  // Only the dashboard hears of a filing: the integration has the 201.
  deps.bus.publish('dispute.updated', toIso(now), {
    bankId: record.bankId,
    customerId: record.customerId,
    dispute: presentDispute(record),
  })
  return record
}

/** What fell due on the clock: provisional credits, then decisions, each told as dispute.updated. */
export function advanceDisputes(deps: Deps): void {
  const now = deps.clock.now()
  for (const record of [...deps.state.disputes.values()]) {
    if (record.status === 'resolved') continue
    let current = record
    const creditDue = current.provisionalCreditDueOn
    if (current.status === 'submitted' && creditDue !== null && now >= startOfBankDate(creditDue)) {
      const credit = book(deps, current, -current.amount, 'Provisional credit')
      current = change(deps, current, { status: 'provisional_credit', creditTransactionId: credit })
    }
    if (now >= startOfBankDate(current.decisionDueOn)) change(deps, current, decide(deps, current))
  }
}

/** The decision, and the money it moves: a reversal of the provisional credit, or a refund. */
function decide(deps: Deps, record: DisputeRecord): Partial<DisputeRecord> {
  const outcome = outcomeOf(deps, record)
  let settlement: string | null = null
  if (outcome === 'merchant' && record.creditTransactionId !== null)
    settlement = book(deps, record, record.amount, 'Provisional credit reversed')
  if (outcome === 'customer' && record.creditTransactionId === null)
    settlement = book(deps, record, -record.amount, 'Dispute refund')
  return { status: 'resolved', outcome, settlementTransactionId: settlement }
}

function outcomeOf(deps: Deps, record: DisputeRecord): 'customer' | 'merchant' {
  if (record.reason !== 'duplicate') return 'customer'
  const account = deps.world.account(record.accountId)
  const disputed = account && findOnAccount(deps, account, record.transactionId)
  if (!account || !disputed) return 'customer'
  const day = Math.floor(disputed.bookedAtMs / DAY_MS)
  for (let d = day - 3; d <= day; d++) {
    const twin = deps.book
      .transactionsOnDay(account, d)
      .some(
        (t) =>
          t.id !== disputed.id &&
          t.amount === disputed.amount &&
          t.merchant.name === disputed.merchant.name &&
          t.bookedAtMs <= disputed.bookedAtMs &&
          disputed.bookedAtMs - t.bookedAtMs <= 3 * DAY_MS,
      )
    if (twin) return 'customer'
  }
  return 'merchant'
}

function findOnAccount(deps: Deps, account: internal.Account, id: string): internal.Transaction | undefined {
  const customer = deps.world.customer(account.bankId, account.customerId)
  return customer && findTransaction(deps, customer, id)?.txn
}

/** Posts a transaction on the dispute's account at the clock's now; returns its id. */
function book(deps: Deps, record: DisputeRecord, amount: number, what: string): string {
  const account = deps.world.account(record.accountId)
  const disputed = account && findOnAccount(deps, account, record.transactionId)
  const now = deps.clock.now()
  const id = deps.ids.next(INJECTED_PREFIX)
  if (!account) return id
  deps.book.inject(account, [
    {
      id,
      accountId: account.id,
      cardId: disputed?.cardId ?? null,
      amount,
      bookedAtMs: now,
      postedAtMs: now,
      merchant: disputed?.merchant ?? { name: record.merchantName, mcc: '5999', category: 'other' },
      // The same channel as the charge: whoever could see the charge sees what undid it.
      channel: disputed?.channel ?? 'online',
      description: `${what}: ${record.merchantName}`,
      city: disputed?.city ?? '',
      fraud: null,
    },
  ])
  return id
}

function change(deps: Deps, record: DisputeRecord, changes: Partial<DisputeRecord>): DisputeRecord {
  const now = deps.clock.now()
  const next: DisputeRecord = { ...record, ...changes, updatedAtMs: now }
  deps.state.disputes.set(next.id, next)
  const wire = presentDispute(next)
  for (const consent of consentsFor(deps, next.bankId, next.customerId, 'disputes:write'))
    notify(deps, consent.bankId, consent.id, disputeEvent(consent, wire, now))
  deps.bus.publish('dispute.updated', toIso(now), {
    bankId: next.bankId,
    customerId: next.customerId,
    dispute: wire,
  })
  return next
}
