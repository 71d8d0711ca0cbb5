import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  ALL_SCOPES,
  createTestSandbox,
  firstCustomer,
  link,
  postJson,
} from '../../../test/support/helpers.ts'
import { money, moneyJson } from '../present.ts'
import { Balance } from '../schemas.ts'
import { balanceJson } from './account-reads.ts'

// The balance is written out as text rather than stringified: it must be the very text
// JSON.stringify would make of the documented object.

describe('balance text', () => {
  test('an amount is written as JSON.stringify writes money()', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), (amount) => {
        expect(moneyJson(amount)).toBe(JSON.stringify(money(amount)))
      }),
    )
    expect(moneyJson(-0)).toBe(JSON.stringify(money(-0)))
  })

  test('every account’s balance is the stringified Balance object', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const { consent } = await link(sandbox, 'harbor', customer.id, ALL_SCOPES)
    const kept = sandbox.deps.state.consents.get(consent.id)
    if (!kept) throw new Error('the consent was not kept')
    for (const account of customer.accounts) {
      const text = balanceJson(sandbox.deps, kept, account.id)
      const parsed = Balance.parse(JSON.parse(text))
      expect(text).toBe(JSON.stringify(parsed))
      expect(parsed.accountId).toBe(account.id)
    }
  })

  test('a charge at the very same instant is in the next balance, though the clock has not moved', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const { consent } = await link(sandbox, 'harbor', customer.id, ALL_SCOPES)
    const kept = sandbox.deps.state.consents.get(consent.id)
    const card = customer.cards[0]
    if (!kept || !card) throw new Error('no consent or card')
    const balances = () => customer.accounts.map((account) => balanceJson(sandbox.deps, kept, account.id))
    const before = balances()
    expect(balances()).toEqual(before)
    const res = await sandbox.request(
      `/sandbox/banks/harbor/cards/${card.id}/transactions`,
      postJson({ amount: { amount: -4_200, currency: 'USD' }, count: 1 }),
    )
    expect(res.status).toBe(201)
    const after = balances()
    expect(after).not.toEqual(before)
    expect(after.map((text) => JSON.parse(text).asOf)).toEqual(before.map((text) => JSON.parse(text).asOf))
  })
})
