import { describe, expect, test } from 'vitest'
import type { Transaction } from '../synthetic/types.ts'
import { MAX_CATEGORIES, spendingByCategory, total } from './spending.ts'

const charge = (
  id: string,
  category: string,
  amount: number,
  channel: Transaction['channel'] = 'in_store',
): Transaction => ({
  id,
  accountId: 'acc_1',
  cardId: 'card_1',
  amount,
  bookedAtMs: 0,
  postedAtMs: 0,
  merchant: { name: category.toUpperCase(), mcc: '5999', category },
  channel,
  description: category,
  city: 'Springfield',
  fraud: null,
})

describe('spendingByCategory', () => {
  test('sums card charges by category, split by channel, ignoring credits and non-card items', () => {
    const spend = spendingByCategory(
      [
        charge('t1', 'grocery', -1000),
        charge('t2', 'grocery', -500, 'platform'),
        charge('t3', 'grocery', 300),
        { ...charge('t4', 'rent', -150_000), cardId: null },
      ],
      new Set(),
    )
    expect(spend).toEqual([{ category: 'grocery', platform: 500, offPlatform: 1000, count: 2, flagged: 0 }])
  })

  test('folds small categories into "other" but never a flagged one', () => {
    const many = Array.from({ length: 15 }, (_, i) =>
      charge(`t${i}`, `cat${String(i).padStart(2, '0')}`, -10_000 - i),
    )
    const tiny = charge('fraud', 'digital_goods', -137)
    const spend = spendingByCategory([...many, tiny], new Set(['fraud']))
    expect(spend).toHaveLength(MAX_CATEGORIES)
    expect(spend.find((s) => s.category === 'digital_goods')?.flagged).toBe(1)
    expect(spend.at(-1)?.category).toBe('other')
    expect(spend.reduce((sum, s) => sum + total(s), 0)).toBe(15 * 10_000 + 105 + 137)
  })
})
