import type { Account } from '../synthetic/types.ts'
import { DAY_MS } from '../synthetic/types.ts'
import type { Book } from './book.ts'

/** Card purchases post at most this many days after booking; older days are fully settled. */
export const MAX_SETTLE_DAYS = 4

export interface LedgerBalance {
  /** Opening balance + every posted transaction, exactly. */
  current: number
  /** Sum of transactions booked but not yet posted. */
  pending: number
}

export interface Ledger {
  balance(account: Account, nowMs: number): LedgerBalance
}

/**
 * Balance = opening balance + posted transactions. Settled days never change,
 * so their running sum is memoized per account and only the last few days are summed
 * per call: a balance read costs the same on day 1 and on day 400. Injected transactions
 * are booked at the clock's "now", inside the open window, so they never land in a
 * memoized day.
 */
export function createLedger(book: Book, maxCachedAccounts = 100_000): Ledger {
  const settled = new Map<string, { throughDay: number; sum: number }>()

  function settledSum(account: Account, throughDay: number): number {
    const start = book.startDay
    let entry = settled.get(account.id)
    if (!entry || entry.throughDay > throughDay) entry = { throughDay: start - 1, sum: 0 }
    for (let day = entry.throughDay + 1; day <= throughDay; day++) {
      for (const txn of book.transactionsOnDay(account, day)) entry.sum += txn.amount
    }
    entry.throughDay = throughDay
    if (settled.size >= maxCachedAccounts) settled.clear()
    settled.set(account.id, entry)
    return entry.sum
  }

  return {
    balance(account, nowMs) {
      const today = Math.floor(nowMs / DAY_MS)
      const firstOpenDay = Math.max(book.startDay, today - MAX_SETTLE_DAYS)
      let current = account.openingBalance + settledSum(account, firstOpenDay - 1)
      let pending = 0
      for (let day = firstOpenDay; day <= today; day++) {
        for (const txn of book.transactionsOnDay(account, day)) {
          if (txn.bookedAtMs > nowMs) break
          if (txn.postedAtMs <= nowMs) current += txn.amount
          else pending += txn.amount
        }
      }
      return { current, pending }
    },
  }
}

export interface AccountBalance {
  current: number
  available: number
}

/**
 * The one available-balance rule, for the bank API and the dashboard alike: pending
 * charges already hold funds, and a credit line adds room to spend.
 */
export function accountBalance(ledger: Ledger, account: Account, nowMs: number): AccountBalance {
  const { current, pending } = ledger.balance(account, nowMs)
  return { current, available: current + pending + (account.creditLimit ?? 0) }
}
