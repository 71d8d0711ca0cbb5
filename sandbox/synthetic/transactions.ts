// A day of transactions on one account: card charges (purchases, subscriptions,
// injected fraud) plus recurring bank items, sorted by booking time and numbered.
// A pure function of (seed, bank, person, account type, day) — never of the
// world's start day — memoized through bounded caches because the API calls it hot.
import { type CalendarDay, calendarDay, previousMonth } from './calendar.ts'
import { DirectCache } from './direct-cache.ts'
import { type Draft, finalize } from './draft.ts'
import { fraudOn, injectFraud } from './fraud-patterns.ts'
import { accountCodes } from './ids.ts'
import type { Profile } from './profile.ts'
import { cardPurchases } from './purchases.ts'
import { bankItems, isPaymentDay, subscriptionCharges } from './recurring.ts'
import { hash, Kind, Rng } from './rng.ts'
import type { AccountType, Transaction } from './types.ts'

export interface TransactionSource {
  onDay(profile: Profile, type: AccountType, day: number): readonly Transaction[]
  /** Card charges booked before `day` that a payment on or after `day` will settle (cents, ≥ 0). */
  creditOwedBefore(profile: Profile, day: number): number
}

const byBookingTime = (a: Draft, b: Draft) => a.bookedAtMs - b.bookedAtMs
const noDrafts: readonly Draft[] = Object.freeze([])
const noTransactions: readonly Transaction[] = Object.freeze([])

/** `cacheSize` bounds the number of cached account-days (and card-days). */
export function createTransactionSource(seed: number, cacheSize = 4096): TransactionSource {
  const charges = new DirectCache<readonly Draft[]>(cacheSize)
  const statements = new DirectCache<number>(cacheSize / 8) // one entry per card-month
  const days = new DirectCache<readonly Transaction[]>(cacheSize)

  const rng = new Rng(0) // reseeded per card-day; never held across calls
  const calendar = new Map<number, CalendarDay>()

  function calendarOf(day: number): CalendarDay {
    let cal = calendar.get(day)
    if (cal === undefined) {
      if (calendar.size >= 4096) calendar.clear()
      cal = calendarDay(day)
      calendar.set(day, cal)
    }
    return cal
  }

  /** A card's charges on one day, sorted by booking time. */
  function cardCharges(profile: Profile, credit: boolean, cal: CalendarDay): readonly Draft[] {
    const target = credit ? profile.cards.credit : profile.cards.debit
    const key = target.cardId ?? ''
    const keyHash = credit ? profile.idHash.creditCard : profile.idHash.debitCard
    const known = charges.get(key, keyHash, cal.day)
    if (known) return known
    const out: Draft[] = []
    rng.reseed(hash(seed, Kind.purchases, profile.bankHash, profile.index, credit ? 2 : 1, cal.day))
    cardPurchases(rng, profile, target, credit, cal, out)
    // Subscriptions go on the credit card when there is one.
    if (credit === profile.hasCredit) subscriptionCharges(profile, target, cal, out)
    const fraud = fraudOn(seed, profile, credit, cal.day)
    if (fraud) injectFraud(fraud, profile, target, cal.day, out)
    if (out.length > 1) out.sort(byBookingTime) // stable: equal times keep generation order
    return charges.set(key, keyHash, cal.day, out.length === 0 ? noDrafts : out)
  }

  /** What the credit card owes for the calendar month before `cal`: its charges, in full. */
  function statement(profile: Profile, cal: CalendarDay): number {
    const { first, last } = previousMonth(cal)
    const key = profile.cards.credit.cardId ?? ''
    const known = statements.get(key, profile.idHash.creditCard, first)
    if (known !== undefined) return known
    let owed = 0
    for (let d = first; d <= last; d++)
      for (const c of cardCharges(profile, true, calendarOf(d))) owed -= c.amount
    return statements.set(key, profile.idHash.creditCard, first, owed)
  }

  function onDay(profile: Profile, type: AccountType, day: number): readonly Transaction[] {
    const key = profile.accountIds[type]
    const keyHash = profile.idHash.accounts[type]
    const known = days.get(key, keyHash, day)
    if (known) return known
    const cal = calendarOf(day)
    const items: Draft[] = []
    bankItems(profile, type, cal, isPaymentDay(profile, type, cal) ? statement(profile, cal) : 0, items)
    const cardItems = type === 'savings' ? noDrafts : cardCharges(profile, type === 'credit', cal)
    // Bank items are rare; when there are none the (sorted) card charges are the day.
    const out = items.length === 0 ? cardItems : cardItems.concat(items).sort(byBookingTime)
    // An empty day is remembered too: a page walking a quiet account's window asks again.
    if (out.length === 0) return days.set(key, keyHash, day, noTransactions)
    const prefix = `txn_${profile.bankId}_${profile.p36}_${accountCodes[type]}_${day.toString(36)}_`
    for (let n = 0; n < out.length; n++) finalize(out[n] as Draft, prefix + n.toString(36))
    return days.set(key, keyHash, day, Object.freeze(out))
  }

  function creditOwedBefore(profile: Profile, day: number): number {
    if (!profile.hasCredit) return 0
    const cal = calendarOf(day)
    // Until this month's payment day, last month's statement is still open too.
    const from =
      cal.dayOfMonth <= profile.paymentDayOfMonth ? previousMonth(cal).first : day - cal.dayOfMonth + 1
    let owed = 0
    for (let d = from; d < day; d++)
      for (const c of cardCharges(profile, true, calendarOf(d))) owed -= c.amount
    return owed
  }

  return { onDay, creditOwedBefore }
}
