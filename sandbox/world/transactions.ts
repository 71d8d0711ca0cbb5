// A day of transactions on one account: card charges (purchases, subscriptions,
// injected fraud) plus recurring bank items, sorted by booking time and numbered.
// A pure function of (seed, bank, person, account type, day) — never of the
// world's start day — memoized through bounded caches because the API calls it hot.
import { accountCodes, accountId, cardId } from './ids.ts'
import { calendarDay, previousMonth, type CalendarDay } from './calendar.ts'
import { type Draft, finalize } from './draft.ts'
import { fraudOn, injectFraud } from './fraud-patterns.ts'
import { Lru, cached } from './lru.ts'
import type { Profile } from './profile.ts'
import { cardPurchases } from './purchases.ts'
import { bankItems, subscriptionCharges } from './recurring.ts'
import { hash, Kind, Rng } from './rng.ts'
import type { AccountType, Transaction } from './types.ts'

export interface TransactionSource {
  onDay(profile: Profile, type: AccountType, day: number): readonly Transaction[]
}

const byBookingTime = (a: Draft, b: Draft) => a.bookedAtMs - b.bookedAtMs

export function createTransactionSource(seed: number, cacheSize = 4096): TransactionSource {
  const charges = new Lru<string, readonly Draft[]>(cacheSize)
  const statements = new Lru<string, number>(cacheSize)
  const days = new Lru<string, readonly Transaction[]>(cacheSize)

  function cardCharges(profile: Profile, credit: boolean, day: number): readonly Draft[] {
    return cached(charges, `${profile.customerId}:${credit ? 'c' : 'd'}:${day}`, () => {
      const target = {
        accountId: accountId(profile.bankId, profile.index, credit ? 'credit' : 'checking'),
        cardId: cardId(profile.bankId, profile.index, credit ? 'c' : 'd'),
      }
      const out: Draft[] = []
      const rng = new Rng(hash(seed, Kind.purchases, profile.bankHash, profile.index, credit ? 2 : 1, day))
      cardPurchases(rng, profile, target, credit, day, out)
      // Subscriptions go on the credit card when there is one.
      if (credit === profile.hasCredit) subscriptionCharges(profile, target, calendarDay(day), out)
      const fraud = fraudOn(seed, profile, credit, day)
      if (fraud) injectFraud(fraud, profile, target, day, out)
      return out
    })
  }

  /** What the credit card owes for the calendar month before `cal`: its charges, in full. */
  function statement(profile: Profile, cal: CalendarDay): number {
    const { first, last } = previousMonth(cal)
    return cached(statements, `${profile.customerId}:${first}`, () => {
      let owed = 0
      for (let d = first; d <= last; d++) for (const c of cardCharges(profile, true, d)) owed -= c.amount
      return owed
    })
  }

  function onDay(profile: Profile, type: AccountType, day: number): readonly Transaction[] {
    const id = accountId(profile.bankId, profile.index, type)
    return cached(days, `${id}:${day}`, () => {
      const cal = calendarDay(day)
      const out: Draft[] = type === 'savings' ? [] : [...cardCharges(profile, type === 'credit', day)]
      bankItems(profile, type, { accountId: id, cardId: null }, cal, () => statement(profile, cal), out)
      out.sort(byBookingTime) // stable, so equal times keep generation order
      const prefix = `txn_${profile.bankId}_${profile.p36}_${accountCodes[type]}_${day.toString(36)}_`
      return Object.freeze(out.map((d, n) => Object.freeze(finalize(d, prefix + n.toString(36)))))
    })
  }

  return { onDay }
}
