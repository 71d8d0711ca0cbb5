import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { accountId, cardId, customerId, p36, parseAccountId, parseP36 } from './ids.ts'
import { createWorld } from './world.ts'

const world = () =>
  createWorld({ seed: 7, customers: 2000, bankIds: ['harbor', 'meridian', 'pinecrest'], startDay: 20000 })
const longDigitRun = /\d{13,}/

const idLike = fc.oneof(
  fc.string(),
  fc
    .tuple(
      fc.constantFrom('acc', 'card', 'cus', 'txn', 'acc_', ''),
      fc.constantFrom('harbor', 'meridian', 'pinecrest', 'nobank', '', 'harbor_x'),
      fc.oneof(fc.nat(3000).map(p36), fc.string({ maxLength: 7 })),
      fc.constantFrom('chk', 'sav', 'crd', 'd', 'c', '', 'x'),
    )
    .map(([prefix, bank, index, suffix]) => `${prefix}_${bank}_${index}_${suffix}`),
)

describe('ids', () => {
  test('no id ever contains a run of 13 or more digits', () => {
    fc.assert(
      fc.property(fc.nat(2 ** 40), (index) => {
        for (const id of [
          p36(index),
          customerId('harbor', index),
          accountId('harbor', index, 'checking'),
          cardId('harbor', index, 'c'),
        ]) {
          expect(id).not.toMatch(longDigitRun)
        }
      }),
    )
  })

  test('p36 and parseP36 round-trip, and only the canonical spelling parses', () => {
    fc.assert(
      fc.property(fc.nat(2 ** 40), (index) => {
        expect(parseP36(p36(index))).toBe(index)
      }),
    )
    expect(parseP36('0000a')).toBe(10)
    expect(parseP36('00000a')).toBeUndefined()
    expect(parseP36('0000A')).toBeUndefined()
    expect(parseP36('-0001')).toBeUndefined()
  })

  test('parseAccountId keeps bank ids that contain underscores intact', () => {
    expect(parseAccountId('acc_my_bank_0000a_sav')).toEqual({
      bankId: 'my_bank',
      index: 10,
      suffix: 'sav',
      type: 'savings',
    })
  })

  test('random ids never throw: lookups answer undefined or the record with that very id', () => {
    const w = world()
    fc.assert(
      fc.property(idLike, (id) => {
        const account = w.account(id)
        const card = w.card(id)
        expect(account === undefined || account.id === id).toBe(true)
        expect(card === undefined || card.id === id).toBe(true)
        for (const bankId of ['harbor', 'meridian']) {
          const customer = w.customer(bankId, id)
          expect(customer === undefined || customer.id === id).toBe(true)
        }
      }),
      { numRuns: 2000 },
    )
  })
})
