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

const internalTransfer = m.entry(m.transfer, 0)
const payment = m.entry(m.cardPayment, 0)
const interestPaid = m.entry(m.interest, 0)

/** Subscriptions are card-on-file charges: they carry the card and settle next morning. */
export function subscriptionCharges(profile: Profile, target: Target, cal: CalendarDay, out: Draft[]): void {
  const subs = profile.subscriptions
  for (let i = 0; i < subs.length; i++) {
    const sub = subs[i]
    if (sub?.dayOfMonth !== cal.dayOfMonth) continue
    const booked = atHour(cal.day, 8) + i * 7 * 60_000
    out.push(
      draft(target, -sub.amount, booked, atHour(cal.day + 1, 6), sub.entry, 'online', profile.home.name),
    )
  }
}

/** A non-card item: it posts the moment it is booked. */
function bankItem(
  out: Draft[],
  profile: Profile,
  type: AccountType,
  cal: CalendarDay,
  hour: number,
  amount: number,
  entry: m.MerchantEntry,
  description: string,
): void {
  const at = atHour(cal.day, hour)
  out.push(
    draft(profile.bankTargets[type], amount, at, at, entry, 'online', profile.home.name, null, description),
  )
}

/** Whether the credit card is paid on this day (both legs of the payment then need its statement). */
export function isPaymentDay(profile: Profile, type: AccountType, cal: CalendarDay): boolean {
  return profile.hasCredit && type !== 'savings' && cal.dayOfMonth === profile.paymentDayOfMonth
}

/**
 * Non-card items on one account and day. `owed` is the credit card statement paid
 * today (a positive number of cents; 0 on other days).
 */
export function bankItems(
  profile: Profile,
  type: AccountType,
  cal: CalendarDay,
  owed: number,
  out: Draft[],
): void {
  const dom = cal.dayOfMonth
  const transfer = profile.savingsTransfer
  if (type === 'checking') {
    const { income, housing } = profile
    if (payDays[income.kind].includes(dom)) {
      const label =
        income.kind === 'external'
          ? 'Transfer from external account'
          : `${incomeLabel[income.kind]} ${income.entry.merchant.name}`
      bankItem(out, profile, type, cal, 10, income.amount, income.entry, label)
    }
    if (housing && dom === 1) {
      const label = housing.entry.merchant.category === 'rent' ? 'Rent' : 'Mortgage'
      bankItem(
        out,
        profile,
        type,
        cal,
        12,
        -housing.amount,
        housing.entry,
        `${label} ${housing.entry.merchant.name}`,
      )
    }
    if (transfer && dom === transfer.dayOfMonth) {
      bankItem(out, profile, type, cal, 14, -transfer.amount, internalTransfer, 'Transfer to Savings')
    }
    if (owed > 0) bankItem(out, profile, type, cal, 15, -owed, payment, 'Payment to Credit Card')
  } else if (type === 'savings') {
    if (profile.savingsInterest > 0 && dom === 1) {
      bankItem(out, profile, type, cal, 4, profile.savingsInterest, interestPaid, 'Interest Paid')
    }
    if (transfer && dom === transfer.dayOfMonth) {
      bankItem(out, profile, type, cal, 14, transfer.amount, internalTransfer, 'Transfer from Checking')
    }
  } else if (owed > 0) {
    bankItem(out, profile, type, cal, 15, owed, payment, 'Payment Received - Thank You')
  }
}
