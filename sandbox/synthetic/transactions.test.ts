import { describe, expect, test } from 'vitest'
import { calendarDay } from './calendar.ts'
import { cities, distanceKm } from './cities.ts'
import { allMerchants, entry, transfer } from './merchants.ts'
import type { Account, Customer, Transaction } from './types.ts'
import { DAY_MS } from './types.ts'
import { createWorld } from './world.ts'

const bankIds = ['harbor', 'meridian', 'pinecrest']
const START = Math.floor(Date.parse('2025-10-01T00:00:00Z') / DAY_MS)
const world = createWorld({ seed: 42, customers: 200, bankIds, startDay: START })

function customers(count = 200): Customer[] {
  return Array.from({ length: count }, (_, index) =>
    (world.person(index)?.bankIds ?? []).flatMap((bankId) => world.customerOfPerson(bankId, index) ?? []),
  ).flat()
}

function history(account: Account, days = 90): Transaction[] {
  return Array.from({ length: days }, (_, i) => world.transactionsOnDay(account, START + i)).flat()
}

const sample = customers()
const all = sample.flatMap((c) => c.accounts.flatMap((a) => history(a)))
const byDescription = (text: string) => all.filter((t) => t.description === text)

describe('transactionsOnDay', () => {
  test('a day lists transactions booked that UTC day, oldest first, numbered from 0', () => {
    for (const customer of sample.slice(0, 40)) {
      for (const account of customer.accounts) {
        for (let day = START; day < START + 30; day++) {
          const list = world.transactionsOnDay(account, day)
          list.forEach((t, n) => {
            expect(Math.floor(t.bookedAtMs / DAY_MS)).toBe(day)
            expect(t.id).toBe(`${account.id.replace('acc_', 'txn_')}_${day.toString(36)}_${n.toString(36)}`)
            expect(t.accountId).toBe(account.id)
            if (n > 0) expect(t.bookedAtMs).toBeGreaterThanOrEqual(list[n - 1]?.bookedAtMs ?? 0)
          })
        }
      }
    }
  })

  test('amounts are whole cents and card purchases are charges that settle 1–3 days later', () => {
    const settleDays = (t: Transaction) =>
      Math.floor(t.postedAtMs / DAY_MS) - Math.floor(t.bookedAtMs / DAY_MS)
    const wrong = all.filter(
      (t) =>
        !Number.isSafeInteger(t.amount) ||
        t.amount === 0 ||
        (t.cardId === null
          ? t.postedAtMs !== t.bookedAtMs
          : t.amount >= 0 || settleDays(t) < 1 || settleDays(t) > 3),
    )
    expect(wrong).toEqual([])
  })

  test('card purchases carry the card of their account; transfers, pay and rent carry none', () => {
    const cards = new Map(sample.flatMap((c) => c.cards.map((card) => [card.id, card])))
    const wrong = all.filter((t) =>
      t.cardId === null
        ? false
        : cards.get(t.cardId)?.accountId !== t.accountId ||
          /^(Payroll|Pension|Rent|Mortgage|Transfer|Payment|Interest)/.test(t.description),
    )
    expect(wrong).toEqual([])
    expect(all.filter((t) => t.description.startsWith('Payroll')).length).toBeGreaterThan(100)
  })

  test('every merchant comes from the table with a four-digit MCC', () => {
    const known = new Set(allMerchants)
    expect(all.filter((t) => !known.has(t.merchant) || !/^\d{4}$/.test(t.merchant.mcc))).toEqual([])
    for (const merchant of allMerchants) expect(merchant.mcc).toMatch(/^\d{4}$/)
    expect(new Set(all.map((t) => t.merchant.category)).size).toBeGreaterThan(20)
  })

  test('pay arrives on the 1st and 15th, monthly, or as a pension on the 3rd', () => {
    for (const t of all.filter((x) => /^(Payroll|Pension)/.test(x.description))) {
      expect(t.amount).toBeGreaterThan(0)
      expect([1, 3, 15]).toContain(calendarDay(Math.floor(t.bookedAtMs / DAY_MS)).dayOfMonth)
    }
    expect(byDescription('Interest Paid').every((t) => new Date(t.bookedAtMs).getUTCDate() === 1)).toBe(true)
  })

  test('transfers and card payments have two legs that cancel out at the same moment', () => {
    const legs = (out: string, into: string, from: string, to: string) => {
      const outs = byDescription(out)
      const ins = byDescription(into)
      expect(outs.length).toBeGreaterThan(20)
      expect(ins.length).toBe(outs.length)
      const key = (t: Transaction, acc: string) =>
        `${t.accountId.replace(acc, '')}|${t.bookedAtMs}|${Math.abs(t.amount)}`
      expect(new Set(ins.map((t) => key(t, to)))).toEqual(new Set(outs.map((t) => key(t, from))))
      for (const t of outs) expect(t.amount).toBeLessThan(0)
    }
    legs('Transfer to Savings', 'Transfer from Checking', '_chk', '_sav')
    legs('Payment to Credit Card', 'Payment Received - Thank You', '_chk', '_crd')
    expect(byDescription('Transfer to Savings')[0]?.merchant).toBe(entry(transfer, 0).merchant)
  })

  test('a card payment settles the previous calendar month of card charges', () => {
    const payment = byDescription('Payment Received - Thank You')[0]
    expect(payment).toBeDefined()
    if (!payment) return
    const account = world.account(payment.accountId) as Account
    const cal = calendarDay(Math.floor(payment.bookedAtMs / DAY_MS))
    const first = Math.floor(Date.UTC(cal.year, cal.month - 2, 1) / DAY_MS)
    let charges = 0
    for (let d = first; d < cal.day - cal.dayOfMonth + 1; d++) {
      for (const t of world.transactionsOnDay(account, d)) if (t.cardId) charges -= t.amount
    }
    expect(payment.amount).toBe(charges)
  })

  test('income outruns spending: checking balances grow over a year for most people', () => {
    let growing = 0
    let checking = 0
    for (const customer of sample.slice(0, 120)) {
      const account = customer.accounts.find((a) => a.type === 'checking') as Account
      const year = history(account, 365)
      const net = year.reduce((sum, t) => sum + t.amount, 0)
      checking++
      if (net > 0) growing++
    }
    expect(growing / checking).toBeGreaterThan(0.85)
  })

  test('credit balances stay owed (≤ 0) and savings stay quiet', () => {
    for (const customer of sample) {
      for (const account of customer.accounts) {
        const list = history(account)
        if (account.type === 'credit') {
          expect(account.openingBalance).toBeLessThanOrEqual(0)
          expect(account.creditLimit).toBeGreaterThan(0)
          const balance = account.openingBalance + list.reduce((sum, t) => sum + t.amount, 0)
          expect(balance).toBeLessThanOrEqual(0)
        } else {
          expect(account.creditLimit).toBeNull()
        }
        if (account.type === 'savings') expect(list.length).toBeLessThanOrEqual(3 * 4)
      }
    }
  })

  test('channels run roughly 60/30/10 and platform sales happen only at platform merchants', () => {
    const purchases = all.filter((t) => t.cardId !== null && t.fraud === null)
    const share = (channel: string) =>
      purchases.filter((t) => t.channel === channel).length / purchases.length
    expect(share('in_store')).toBeGreaterThan(0.5)
    expect(share('in_store')).toBeLessThan(0.7)
    expect(share('online')).toBeGreaterThan(0.2)
    expect(share('platform')).toBeGreaterThan(0.06)
    const platformMerchants = new Set(all.filter((t) => t.channel === 'platform').map((t) => t.merchant.name))
    expect(platformMerchants.size).toBeGreaterThan(3)
    expect(platformMerchants.has('FRESHWAY MARKET')).toBe(false)
  })

  test('in-store purchases happen mostly in the home city', () => {
    const home = new Map(sample.map((c) => [c.id, c.person.address.city]))
    const inStore = all.filter((t) => t.channel === 'in_store' && t.fraud === null && t.cardId)
    const atHome = inStore.filter(
      (t) => home.get(t.accountId.replace(/^acc_(.*)_(chk|crd)$/, 'cus_$1')) === t.city,
    )
    expect(atHome.length / inStore.length).toBeGreaterThan(0.85)
  })
})

describe('fraud patterns', () => {
  const fraud = all.filter((t) => t.fraud !== null)

  test('fraudulent transactions are 0.1–1.2% of all over 200 customers and 90 days', () => {
    const rate = fraud.length / all.length
    expect(rate).toBeGreaterThan(0.001)
    expect(rate).toBeLessThan(0.012)
    expect(new Set(fraud.map((t) => t.fraud))).toEqual(
      new Set(['card_testing', 'account_takeover', 'amount_anomaly', 'impossible_travel']),
    )
    for (const t of fraud) expect(t.cardId).not.toBeNull()
  })

  test('card testing is a burst of 5–20 tiny online charges within minutes', () => {
    const bursts = new Map<string, Transaction[]>()
    for (const t of fraud.filter((x) => x.fraud === 'card_testing')) {
      const key = `${t.cardId}|${Math.floor(t.bookedAtMs / DAY_MS)}`
      bursts.set(key, [...(bursts.get(key) ?? []), t])
    }
    expect(bursts.size).toBeGreaterThan(0)
    for (const burst of bursts.values()) {
      expect(burst.length).toBeGreaterThanOrEqual(5)
      expect(burst.length).toBeLessThanOrEqual(20)
      const times = burst.map((t) => t.bookedAtMs)
      expect(Math.max(...times) - Math.min(...times)).toBeLessThan(15 * 60_000)
      for (const t of burst) {
        expect(-t.amount).toBeGreaterThanOrEqual(50)
        expect(-t.amount).toBeLessThanOrEqual(199)
        expect(t.channel).toBe('online')
      }
    }
  })

  test('impossible travel puts an in-store charge 1,500+ km from another within an hour', () => {
    const far = fraud.filter((t) => t.fraud === 'impossible_travel')
    expect(far.length).toBeGreaterThan(0)
    const city = (name: string) => cities.find((c) => c.name === name)
    for (const t of far) {
      const day = world.transactionsOnDay(
        world.account(t.accountId) as Account,
        Math.floor(t.bookedAtMs / DAY_MS),
      )
      const partner = day.find(
        (o) =>
          o.cardId === t.cardId &&
          o.channel === 'in_store' &&
          o.fraud === null &&
          Math.abs(o.bookedAtMs - t.bookedAtMs) <= 3_600_000,
      )
      expect(partner).toBeDefined()
      const [a, b] = [city(t.city), city(partner?.city ?? '')]
      expect(a && b && distanceKm(a, b)).toBeGreaterThanOrEqual(1500)
      expect(t.channel).toBe('in_store')
    }
  })

  test('amount anomalies are far above the person’s usual charge; takeovers are large online buys', () => {
    for (const t of fraud.filter((x) => x.fraud === 'amount_anomaly'))
      expect(-t.amount).toBeGreaterThan(10_000)
    for (const t of fraud.filter((x) => x.fraud === 'account_takeover')) {
      expect(-t.amount).toBeGreaterThanOrEqual(25_000)
      expect(t.channel).toBe('online')
      expect(['electronics', 'gift_cards']).toContain(t.merchant.category)
    }
  })
})
