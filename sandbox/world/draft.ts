// A transaction before its id is known: ids number a day's transactions in booking
// order, so they are assigned only once the whole day is assembled and sorted.
import type { MerchantEntry } from './merchants.ts'
import type { Channel, FraudPattern, Transaction } from './types.ts'

export type Draft = Omit<Transaction, 'id'>

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

export function finalize(d: Draft, id: string): Transaction {
  return {
    id,
    accountId: d.accountId,
    cardId: d.cardId,
    amount: d.amount,
    bookedAtMs: d.bookedAtMs,
    postedAtMs: d.postedAtMs,
    merchant: d.merchant,
    channel: d.channel,
    description: d.description,
    city: d.city,
    fraud: d.fraud,
  }
}
