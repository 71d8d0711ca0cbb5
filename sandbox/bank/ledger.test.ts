import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { bearer, createTestSandbox, firstCustomer, link } from '../../test/support/helpers.ts'
import { DAY_MS } from '../synthetic/types.ts'
import { createWorld } from '../synthetic/world.ts'
import { createBook } from './book.ts'
import { createLedger, MAX_SETTLE_DAYS } from './ledger.ts'

const BANKS = ['harbor', 'meridian', 'pinecrest'] as const

describe('ledger', () => {
  test('balance = opening balance + posted transactions, exactly, for any seed, account and clock time', () => {
    fc.assert(
      fc.property(
        fc.nat(2 ** 31 - 1),
        fc.nat(40),
        fc.integer({ min: 0, max: 200 * DAY_MS }),
        (seed, person, offsetMs) => {
          const startDay = 20_400
          const world = createWorld({ seed, customers: 50, bankIds: BANKS, startDay })
          const customer = world.customerOfPerson(BANKS[person % 3] ?? 'harbor', person)
          fc.pre(customer !== undefined)
          const nowMs = startDay * DAY_MS + offsetMs
          const ledger = createLedger(createBook(world))
          for (const account of customer?.accounts ?? []) {
            let posted = 0
            let pending = 0
            for (let day = startDay; day <= Math.floor(nowMs / DAY_MS); day++) {
              for (const txn of world.transactionsOnDay(account, day)) {
                if (txn.bookedAtMs > nowMs) continue
                if (txn.postedAtMs <= nowMs) posted += txn.amount
                else pending += txn.amount
              }
            }
            expect(ledger.balance(account, nowMs)).toEqual({
              current: account.openingBalance + posted,
              pending,
            })
            expect(Number.isInteger(posted)).toBe(true)
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  test('the memo agrees with a fresh ledger as the clock moves forward', () => {
    const world = createWorld({ seed: 7, customers: 20, bankIds: BANKS, startDay: 20_400 })
    const account = world.customerOfPerson('harbor', 0)?.accounts[0]
    if (!account) throw new Error('person 0 banks at harbor')
    const memo = createLedger(createBook(world))
    for (let day = 20_400; day < 20_700; day += 7) {
      const now = day * DAY_MS + 13 * 3_600_000
      expect(memo.balance(account, now)).toEqual(createLedger(createBook(world)).balance(account, now))
    }
  })

  test(`no transaction takes longer than ${MAX_SETTLE_DAYS} days to post (the memo relies on it)`, () => {
    const world = createWorld({ seed: 3, customers: 100, bankIds: BANKS, startDay: 20_400 })
    for (let person = 0; person < 100; person++) {
      const customer = world.customerOfPerson(BANKS[person % 3] ?? 'harbor', person)
      for (const account of customer?.accounts ?? []) {
        for (let day = 20_400; day < 20_460; day++) {
          for (const txn of world.transactionsOnDay(account, day)) {
            expect(txn.postedAtMs - txn.bookedAtMs).toBeLessThanOrEqual(MAX_SETTLE_DAYS * DAY_MS)
            expect(txn.postedAtMs).toBeGreaterThanOrEqual(txn.bookedAtMs)
          }
        }
      }
    }
  })

  test('over the API, the change in balance equals the transactions that posted in between', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const checking = customer.accounts.find((a) => a.type === 'checking')?.id ?? ''
    const scopes = ['balances:read', 'transactions.all:read'] as const
    const read = async () => {
      // A fresh token each time: access tokens last 15 simulated minutes.
      const { token } = await link(sandbox, 'harbor', customer.id, [...scopes])
      const balance = await (
        await sandbox.request(`/banks/harbor/v1/accounts/${checking}/balances`, { headers: bearer(token) })
      ).json()
      const txns = await (
        await sandbox.request(
          `/banks/harbor/v1/accounts/${checking}/transactions?from=2026-05-01&to=2026-07-15&limit=500`,
          {
            headers: bearer(token),
          },
        )
      ).json()
      const postedSum = (txns.data as { status: string; amount: { amount: number } }[])
        .filter((t) => t.status === 'posted')
        .reduce((sum, t) => sum + t.amount.amount, 0)
      return { current: balance.current.amount as number, postedSum, count: txns.data.length as number }
    }
    const before = await read()
    sandbox.deps.clock.advance(20 * DAY_MS)
    const after = await read()
    expect(after.count).toBeGreaterThan(before.count)
    expect(after.current - before.current).toBe(after.postedSum - before.postedSum)
  })
})
