import { describe, expect, test } from 'vitest'
import { createWorld } from '../synthetic/world.ts'
import { presentTransaction, transactionPageJson } from './present.ts'

describe('transactionPageJson', () => {
  test('is exactly the serialised wire transaction, and follows pending → posted', () => {
    const world = createWorld({ seed: 5, customers: 10, bankIds: ['harbor'], startDay: 20_400 })
    const account = world.customerOfPerson('harbor', 0)?.accounts[0]
    if (!account) throw new Error('person 0 banks at harbor')
    const txn = world.transactionsOnDay(account, 20_420).find((t) => t.postedAtMs > t.bookedAtMs)
    if (!txn) throw new Error('expected a card purchase that settles later')
    // The memo holds both forms: asking in turn must not serve the stale one.
    const shownAt = (now: number) => JSON.parse(transactionPageJson([txn], now, null).toString()).data[0]
    for (const now of [txn.bookedAtMs, txn.postedAtMs, txn.bookedAtMs]) {
      expect(shownAt(now)).toEqual(presentTransaction(txn, now))
    }
    expect(shownAt(txn.bookedAtMs).status).toBe('pending')
    expect(shownAt(txn.postedAtMs).status).toBe('posted')
  })

  test('a page is the serialised page object, byte for byte', () => {
    const world = createWorld({ seed: 5, customers: 10, bankIds: ['harbor'], startDay: 20_400 })
    const account = world.customerOfPerson('harbor', 0)?.accounts[0]
    if (!account) throw new Error('person 0 banks at harbor')
    const items = [20_421, 20_420].flatMap((day) => [...world.transactionsOnDay(account, day)])
    const now = 20_422 * 86_400_000
    for (const [page, cursor] of [
      [items, 'abc'],
      [items.slice(0, 1), null],
      [[], null],
    ] as const) {
      const expected = { data: page.map((txn) => presentTransaction(txn, now)), nextCursor: cursor }
      expect(transactionPageJson(page, now, cursor).toString()).toBe(JSON.stringify(expected))
    }
  })
})
