import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { testRanges } from './cards.ts'
import { findCardNumbers, isLuhnValid, luhnCheckDigit } from './luhn.ts'
import { createWorld } from './world.ts'

describe('luhn', () => {
  test('known test card numbers are valid and a changed digit is not', () => {
    for (const pan of [
      '4111111111111111',
      '4242424242424242',
      '5555555555554444',
      '378282246310005',
      '6011111111111117',
    ]) {
      expect(isLuhnValid(pan), pan).toBe(true)
    }
    expect(isLuhnValid('4111111111111112')).toBe(false)
    expect(isLuhnValid('41111111111111a1')).toBe(false)
  })

  test('appending the check digit always makes a valid number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,18}$/), (body) => {
        expect(isLuhnValid(body + luhnCheckDigit(body))).toBe(true)
      }),
    )
  })

  test('findCardNumbers finds Luhn-valid 13–19 digit runs only', () => {
    expect(findCardNumbers('pay 4111111111111111 now')).toEqual(['4111111111111111'])
    expect(findCardNumbers('4111111111111112 and 123456789012')).toEqual([])
  })
})

describe('cards', () => {
  test('every card number is Luhn-valid, from a test range, with matching last4 and a future expiry', () => {
    const world = createWorld({
      seed: 3,
      customers: 400,
      bankIds: ['harbor', 'meridian', 'pinecrest'],
      startDay: 20000,
    })
    const networks = new Set<string>()
    for (let index = 0; index < 400; index++) {
      for (const bankId of world.person(index)?.bankIds ?? []) {
        for (const card of world.customerOfPerson(bankId, index)?.cards ?? []) {
          const range = testRanges[card.network]
          networks.add(card.network)
          expect(isLuhnValid(card.pan), card.pan).toBe(true)
          expect(card.pan).toHaveLength(range.length)
          expect(range.prefixes.some((prefix) => card.pan.startsWith(prefix))).toBe(true)
          expect(card.last4).toBe(card.pan.slice(-4))
          expect(card.expiry).toMatch(/^(0[1-9]|1[0-2])\/(2[7-9]|3[01])$/)
          expect(card.id).not.toContain(card.pan)
        }
      }
    }
    expect([...networks].sort()).toEqual(['amex', 'discover', 'mastercard', 'visa'])
  })

  test('a debit card sits on checking and a credit card on the credit account', () => {
    const world = createWorld({ seed: 3, customers: 60, bankIds: ['harbor'], startDay: 20000 })
    for (let index = 0; index < 60; index++) {
      const customer = world.customerOfPerson('harbor', index)
      const byId = new Map(customer?.accounts.map((a) => [a.id, a]))
      for (const card of customer?.cards ?? []) {
        expect(byId.get(card.accountId)?.type).toBe(card.kind === 'debit' ? 'checking' : 'credit')
      }
      const hasCredit = customer?.accounts.some((a) => a.type === 'credit')
      expect(customer?.cards.length).toBe(hasCredit ? 2 : 1)
    }
  })
})
