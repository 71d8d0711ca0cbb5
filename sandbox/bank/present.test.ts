import { describe, expect, test } from 'vitest'
import { createWorld } from '../world/world.ts'
import { presentTransaction, transactionJson } from './present.ts'

describe('transactionJson', () => {
  test('is exactly the serialised wire transaction, and follows pending → posted', () => {
    const world = createWorld({ seed: 5, customers: 10, bankIds: ['harbor'], startDay: 20_400 })
    const account = world.customerOfPerson('harbor', 0)?.accounts[0]
    if (!account) throw new Error('person 0 banks at harbor')
    const txn = world.transactionsOnDay(account, 20_420).find((t) => t.postedAtMs > t.bookedAtMs)
    if (!txn) throw new Error('expected a card purchase that settles later')
    for (const now of [txn.bookedAtMs, txn.postedAtMs, txn.bookedAtMs]) {
      expect(transactionJson(txn, now)).toBe(JSON.stringify(presentTransaction(txn, now)))
    }
    expect(JSON.parse(transactionJson(txn, txn.bookedAtMs)).status).toBe('pending')
    expect(JSON.parse(transactionJson(txn, txn.postedAtMs)).status).toBe('posted')
  })
})
