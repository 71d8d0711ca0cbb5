import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { ALL_SCOPES, createTestSandbox, firstCustomer, link } from '../../../test/helpers.ts'
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
})
