import { describe, expect, test } from 'vitest'
import { DEFAULT_BANKS, type Scope, spendingVisibleTo, transactionsVisibleTo } from './policy.ts'

// The off-platform rule, which the transaction list, transactions.available and the
// dashboard's "what the integration may see" all apply.

const policyOf = (bankId: string): Scope[] =>
  DEFAULT_BANKS.find((bank) => bank.id === bankId)?.policy.scopes ?? []
const channels = ['platform', 'online', 'in_store'] as const
const seen = (scopes: readonly Scope[]) =>
  channels.filter((channel) => transactionsVisibleTo(scopes)({ channel }))

describe('the off-platform rule', () => {
  test('transactions.all:read sees spending wherever it happened', () => {
    expect(seen(policyOf('harbor'))).toEqual(['platform', 'online', 'in_store'])
    expect(spendingVisibleTo(['transactions.all:read'])).toEqual({ platform: true, offPlatform: true })
  })

  test('transactions:read alone sees platform spending only, as meridian’s policy grants', () => {
    expect(seen(policyOf('meridian'))).toEqual(['platform'])
    expect(spendingVisibleTo(['transactions:read'])).toEqual({ platform: true, offPlatform: false })
  })

  test('without a transactions scope no spending is visible, as pinecrest’s policy grants', () => {
    expect(seen(policyOf('pinecrest'))).toEqual([])
  })
})
