import type * as internal from '../synthetic/types.ts'
import { toIso } from '../time/clock.ts'
import type { Account, Card, Money, Transaction } from './schemas.ts'

// Internal records → wire shapes. This is the one place that decides what leaves the
// bank: no full card number, no fraud ground truth, no location.

export function money(amount: number): Money {
  return { amount, currency: 'USD' }
}

/** `JSON.stringify(money(amount))` for an integer amount, without the object. */
export function moneyJson(amount: number): string {
  return `{"amount":${amount},"currency":"USD"}`
}

export function presentAccount(account: internal.Account): Account {
  return {
    id: account.id,
    type: account.type,
    name: account.name,
    mask: account.mask,
    currency: account.currency,
  }
}

export function presentCard(card: internal.Card, status: Card['status']): Card {
  return {
    id: card.id,
    accountId: card.accountId,
    kind: card.kind,
    network: card.network,
    last4: card.last4,
    expiry: card.expiry,
    status,
  }
}

export function presentTransaction(txn: internal.Transaction, nowMs: number): Transaction {
  return {
    id: txn.id,
    accountId: txn.accountId,
    cardId: txn.cardId,
    amount: money(txn.amount),
    status: txn.postedAtMs > nowMs ? 'pending' : 'posted',
    bookedAt: toIso(txn.bookedAtMs),
    merchant: { name: txn.merchant.name, mcc: txn.merchant.mcc, category: txn.merchant.category },
    channel: txn.channel,
    description: txn.description,
  }
}

// A cache of serialised transactions, per transaction object and status: a transaction never changes
// once booked except from pending to posted, and serialising a 50-item page is most of
// that route's cost. Kept as UTF-8 bytes with a leading comma, so a page is one copy of
// half as many parts rather than a string the server must encode again. Keyed weakly, so
// the cache lives exactly as long as the world's own memo of the day holds the transaction.
const serialised = new WeakMap<internal.Transaction, { pending?: Buffer; posted?: Buffer }>()

/** `,` and the UTF-8 JSON of presentTransaction(txn, nowMs), memoised. */
function listedTransactionJson(txn: internal.Transaction, nowMs: number): Buffer {
  const status = txn.postedAtMs > nowMs ? 'pending' : 'posted'
  let entry = serialised.get(txn)
  if (!entry) {
    entry = {}
    serialised.set(txn, entry)
  }
  entry[status] ??= Buffer.from(`,${JSON.stringify(presentTransaction(txn, nowMs))}`)
  return entry[status]
}

const PAGE_START = Buffer.from('{"data":[')

/** The JSON of a transaction page, `{"data":[…],"nextCursor":…}`, from the memoised parts. */
export function transactionPageJson(
  items: readonly internal.Transaction[],
  nowMs: number,
  nextCursor: string | null,
): Buffer {
  const parts: Buffer[] = [PAGE_START]
  for (const txn of items) parts.push(listedTransactionJson(txn, nowMs))
  if (items.length > 0) parts[1] = (parts[1] as Buffer).subarray(1)
  parts.push(Buffer.from(`],"nextCursor":${JSON.stringify(nextCursor)}}`))
  return Buffer.concat(parts)
}
