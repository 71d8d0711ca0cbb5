// Recurring items as a pure function of the calendar day: pay, housing,
// subscriptions, the monthly savings transfer, the credit card payment and savings
// interest. Transfers have two legs with the same booking time, one per account.
import type { CalendarDay } from './calendar.ts'
import type { Draft, Target } from './draft.ts'
import { draft } from './draft.ts'
import * as m from './merchants.ts'
import type { Profile } from './profile.ts'
import { atHour } from './timing.ts'
import type { AccountType } from './types.ts'

const payDays: Record<Profile['income']['kind'], readonly number[]> = {
  semimonthly: [1, 15],
  monthly: [1],
  pension: [3],
  external: [5],
}

const incomeLabel: Record<Profile['income']['kind'], string> = {
  semimonthly: 'Payroll',
  monthly: 'Payroll',
  pension: 'Pension',
  external: 'Transfer from',
}

/** Subscriptions are card-on-file charges: they carry the card and settle next morning. */
export function subscriptionCharges(profile: Profile, target: Target, cal: CalendarDay, out: Draft[]): void {
  const city = profile.home.name
  profile.subscriptions.forEach((sub, i) => {
    if (sub.dayOfMonth !== cal.dayOfMonth) return
    const booked = atHour(cal.day, 8) + i * 7 * 60_000
    out.push(draft(target, -sub.amount, booked, atHour(cal.day + 1, 6), sub.entry, 'online', city))
  })
}

/**
 * Non-card items on one account and day. `statement` is the credit card balance to
 * pay (a positive number of cents), asked for only on the payment day.
 */
export function bankItems(
  profile: Profile,
  type: AccountType,
  target: Target,
  cal: CalendarDay,
  statement: () => number,
  out: Draft[],
): void {
  const city = profile.home.name
  const dom = cal.dayOfMonth
  function item(amount: number, hour: number, entry: m.MerchantEntry, description: string): void {
    const at = atHour(cal.day, hour)
    out.push(draft(target, amount, at, at, entry, 'online', city, null, description))
  }
  const transfer = profile.savingsTransfer
  const paysCard = profile.hasCredit && dom === profile.paymentDayOfMonth
  const owed = paysCard ? statement() : 0
  if (type === 'checking') {
    const { income, housing } = profile
    if (payDays[income.kind].includes(dom)) {
      const label = income.kind === 'external' ? 'Transfer from external account' : `${incomeLabel[income.kind]} ${income.entry.merchant.name}`
      item(income.amount, 10, income.entry, label)
    }
    if (housing && dom === 1) {
      const label = housing.entry.merchant.category === 'rent' ? 'Rent' : 'Mortgage'
      item(-housing.amount, 12, housing.entry, `${label} ${housing.entry.merchant.name}`)
    }
    if (transfer && dom === transfer.dayOfMonth) item(-transfer.amount, 14, m.entry(m.transfer, 0), 'Transfer to Savings')
    if (owed > 0) item(-owed, 15, m.entry(m.cardPayment, 0), 'Payment to Credit Card')
  } else if (type === 'savings') {
    if (profile.savingsInterest > 0 && dom === 1) item(profile.savingsInterest, 4, m.entry(m.interest, 0), 'Interest Paid')
    if (transfer && dom === transfer.dayOfMonth) item(transfer.amount, 14, m.entry(m.transfer, 0), 'Transfer from Checking')
  } else if (owed > 0) {
    item(owed, 15, m.entry(m.cardPayment, 0), 'Payment Received - Thank You')
  }
}

