// A transaction before its id is known: ids number a day's transactions in booking
// order, so they are assigned only once the whole day is assembled and sorted.
// The draft object itself becomes the transaction (one allocation per transaction on
// the hot path); it is frozen once it has its id.
import type { MerchantEntry } from './merchants.ts'
import type { Channel, FraudPattern, Transaction } from './types.ts'

export type Draft = Transaction

export interface Target {
  accountId: string
  cardId: string | null
}

export function draft(
  target: Target,
  amount: number,
  bookedAtMs: number,
  postedAtMs: number,
  entry: MerchantEntry,
  channel: Channel,
  city: string,
  fraud: FraudPattern | null = null,
  description: string = entry.descriptor,
): Draft {
  return {
    id: '',
    accountId: target.accountId,
    cardId: target.cardId,
    amount,
    bookedAtMs,
    postedAtMs,
    merchant: entry.merchant,
    channel,
    description,
    city,
    fraud,
  }
}

/**
 * Gives a draft its id and freezes it. A cached card charge can come through here
 * again when its day is rebuilt; it then already holds the same id, because a day's
 * order is itself a pure function of the day.
 */
export function finalize(d: Draft, id: string): Transaction {
  if (Object.isFrozen(d)) return d
  d.id = id
  return Object.freeze(d)
}
