import { describe, expect, test } from 'vitest'
import type { Account, WorldConfig } from './types.ts'
import { DAY_MS } from './types.ts'
import { createWorld } from './world.ts'

const bankIds = ['harbor', 'meridian', 'pinecrest'] as const
const config = (overrides: Partial<WorldConfig> = {}): WorldConfig => ({
  seed: 42,
  customers: 500,
  bankIds,
  startDay: Math.floor(Date.parse('2026-01-01T00:00:00Z') / DAY_MS) - 90,
  ...overrides,
})

/** Everything observable about a few people, as one JSON string. */
function snapshot(seed: number, people: number[], days: number[]): string {
  const world = createWorld(config({ seed }))
  return JSON.stringify(
    people.map((index) => {
      const person = world.person(index)
      const customers = (person?.bankIds ?? []).map((bankId) => world.customerOfPerson(bankId, index))
      const transactions = customers.flatMap((c) =>
        (c?.accounts ?? []).map((a) => days.map((d) => world.transactionsOnDay(a, d))),
      )
      return { person, customers, transactions }
    }),
  )
}

describe('createWorld', () => {
  test('the same seed gives identical people, accounts, cards and transactions', () => {
    const days = [20400, 20401, 20402, 20410]
    expect(snapshot(42, [0, 1, 2, 77], days)).toBe(snapshot(42, [0, 1, 2, 77], days))
  })

  test('a different seed gives a different world', () => {
    expect(snapshot(42, [0, 1, 2], [20400])).not.toBe(snapshot(43, [0, 1, 2], [20400]))
  })

  test('person k computed alone equals person k computed after all the others', () => {
    const alone = createWorld(config())
    const after = createWorld(config())
    for (let i = 0; i < 40; i++) after.person(i)
    expect(alone.person(39)).toEqual(after.person(39))
    const account = after.customerOfPerson('harbor', 39)?.accounts[0]
    expect(account).toBeDefined()
    if (!account) return
    for (let d = 20300; d < 20400; d++) after.transactionsOnDay(account, d)
    expect(alone.transactionsOnDay(account, 20401)).toEqual(after.transactionsOnDay(account, 20401))
  })

  test('worlds anchored on different start days agree on a shared day', () => {
    const early = createWorld(config({ startDay: 20000 }))
    const late = createWorld(config({ startDay: 20400 }))
    for (let index = 0; index < 30; index++) {
      const bankId = bankIds[index % 3] ?? 'harbor'
      const a = early.customerOfPerson(bankId, index)
      const b = late.customerOfPerson(bankId, index)
      // Only what a credit card owes at the start depends on where the history starts.
      const stable = (c: typeof a) =>
        c && {
          ...c,
          accounts: c.accounts.map((x) => (x.type === 'credit' ? { ...x, openingBalance: 0 } : x)),
        }
      expect(stable(a)).toEqual(stable(b))
      for (const account of a?.accounts ?? []) {
        for (const day of [20410, 20415, 20431]) {
          expect(early.transactionsOnDay(account, day)).toEqual(late.transactionsOnDay(account, day))
        }
      }
    }
  })

  test('a credit card owes the same at a given moment whichever day the history starts', () => {
    const early = createWorld(config({ startDay: 20_380 }))
    const late = createWorld(config({ startDay: 20_425 }))
    const owedAt = (world: typeof early, accountId: string, endDay: number) => {
      const account = world.account(accountId) as Account
      let balance = account.openingBalance
      for (let day = world.config.startDay; day < endDay; day++) {
        for (const t of world.transactionsOnDay(account, day)) balance += t.amount
      }
      return balance
    }
    let cards = 0
    for (let index = 0; index < 60; index++) {
      const credit = early
        .customerOfPerson(bankIds[index % 3] ?? 'harbor', index)
        ?.accounts.find((a) => a.type === 'credit')
      if (!credit) continue
      cards++
      expect(owedAt(late, credit.id, 20_450)).toBe(owedAt(early, credit.id, 20_450))
    }
    expect(cards).toBeGreaterThan(20)
  })

  test('a ten-million-person world is created at once and answers for its last person', () => {
    const started = performance.now()
    const world = createWorld(config({ customers: 10_000_000 }))
    expect(performance.now() - started).toBeLessThan(50)
    const last = world.person(9_999_999)
    expect(last?.platformUserId).toBe('usr_5yc1r')
    expect(world.person(10_000_000)).toBeUndefined()
  })

  test('every person banks with bankIds[index % n] and about 35% bank with each other bank too', () => {
    const world = createWorld(config())
    let extra = 0
    for (let index = 0; index < 500; index++) {
      const person = world.person(index)
      expect(person?.bankIds).toContain(bankIds[index % 3])
      extra += (person?.bankIds.length ?? 1) - 1
    }
    expect(extra / (500 * 2)).toBeGreaterThan(0.28)
    expect(extra / (500 * 2)).toBeLessThan(0.42)
  })

  test('listCustomers pages through exactly the customers of a bank, in index order', () => {
    const world = createWorld(config({ customers: 100 }))
    const seen: number[] = []
    let from: number | null = 0
    while (from !== null) {
      const page = world.listCustomers('meridian', from, 7)
      expect(page.customers.length).toBeLessThanOrEqual(7)
      seen.push(...page.customers.map((c) => c.person.index))
      from = page.next
    }
    const expected = Array.from({ length: 100 }, (_, i) => i).filter((i) =>
      world.person(i)?.bankIds.includes('meridian'),
    )
    expect(seen).toEqual(expected)
    expect(world.listCustomers('nobank', 0, 10)).toEqual({ customers: [], next: null })
  })

  test('lookups by id return the same records as the customer', () => {
    const world = createWorld(config())
    const customer = world.customerOfPerson('pinecrest', 2)
    expect(customer).toBeDefined()
    if (!customer) return
    expect(world.customer('pinecrest', customer.id)).toBe(customer)
    for (const account of customer.accounts) expect(world.account(account.id)).toEqual(account)
    for (const card of customer.cards) expect(world.card(card.id)).toEqual(card)
  })

  test('ids that are malformed, out of range or for someone else return undefined', () => {
    const world = createWorld(config({ customers: 100 }))
    const notMember = Array.from({ length: 100 }, (_, i) => i).find(
      (i) => !world.person(i)?.bankIds.includes('harbor'),
    )
    const noCredit = Array.from({ length: 100 }, (_, i) => i).find(
      (i) => i % 3 === 0 && !world.customerOfPerson('harbor', i)?.accounts.some((a) => a.type === 'credit'),
    )
    expect(notMember).toBeDefined()
    expect(noCredit).toBeDefined()
    const p = (i: number | undefined) => (i ?? 0).toString(36).padStart(5, '0')
    for (const id of [
      '',
      'acc_',
      'acc_harbor_00000',
      'acc_harbor_00000_xyz',
      'acc_harbor_0000_chk',
      'acc_harbor_000000_chk',
      'acc_harbor_0000A_chk',
      'acc_harbor_0002s_chk',
      'acc_nobank_00000_chk',
      `acc_harbor_${p(notMember)}_chk`,
      `acc_harbor_${p(noCredit)}_crd`,
      'acc__00000_chk',
      'card_harbor_00000_chk',
    ]) {
      expect(world.account(id), id).toBeUndefined()
    }
    expect(world.card('card_harbor_00000_x')).toBeUndefined()
    expect(world.card(`card_harbor_${p(noCredit)}_c`)).toBeUndefined()
    expect(world.card(`card_harbor_${p(notMember)}_d`)).toBeUndefined()
    expect(world.customer('meridian', 'cus_harbor_00000')).toBeUndefined()
    expect(world.customer('harbor', 'cus_harbor_2s')).toBeUndefined()
    expect(world.person(-1)).toBeUndefined()
    expect(world.person(1.5)).toBeUndefined()
    const fake: Account = {
      ...(world.account('acc_harbor_00000_chk') as Account),
      id: 'acc_harbor_zzzzz_chk',
    }
    expect(world.transactionsOnDay(fake, 20400)).toEqual([])
  })

  test('records handed out are frozen, so no caller can corrupt the cache', () => {
    const world = createWorld(config())
    const customer = world.customerOfPerson('harbor', 0)
    expect(Object.isFrozen(customer)).toBe(true)
    expect(Object.isFrozen(customer?.person)).toBe(true)
    const account = customer?.accounts[0]
    if (!account) throw new Error('no account')
    const day = world.transactionsOnDay(account, 20400)
    expect(Object.isFrozen(day)).toBe(true)
    for (const t of day) expect(Object.isFrozen(t)).toBe(true)
  })
})
