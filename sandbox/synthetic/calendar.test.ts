import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { calendarDay, previousMonth } from './calendar.ts'
import { DirectCache } from './direct-cache.ts'
import { cached, Memo } from './memo.ts'
import { hash, Rng } from './rng.ts'
import { DAY_MS } from './types.ts'

describe('calendar', () => {
  test('calendarDay agrees with Date for any day from 1900 to 2400', () => {
    fc.assert(
      fc.property(fc.integer({ min: -25_567, max: 157_000 }), (day) => {
        const date = new Date(day * DAY_MS)
        expect(calendarDay(day)).toEqual({
          day,
          year: date.getUTCFullYear(),
          month: date.getUTCMonth() + 1,
          dayOfMonth: date.getUTCDate(),
          weekday: date.getUTCDay(),
        })
      }),
      { numRuns: 2000 },
    )
  })

  test('previousMonth spans the whole calendar month before', () => {
    const march = calendarDay(Date.UTC(2024, 2, 10) / DAY_MS)
    expect(previousMonth(march)).toEqual({
      first: Date.UTC(2024, 1, 1) / DAY_MS,
      last: Date.UTC(2024, 1, 29) / DAY_MS,
    })
    const january = calendarDay(Date.UTC(2026, 0, 1) / DAY_MS)
    expect(previousMonth(january)).toEqual({
      first: Date.UTC(2025, 11, 1) / DAY_MS,
      last: Date.UTC(2025, 11, 31) / DAY_MS,
    })
  })
})

describe('rng', () => {
  test('the same coordinates give the same stream and neighbours differ', () => {
    const draw = (seed: number) =>
      Array.from(
        { length: 5 },
        (
          (rng) => () =>
            rng.uint32()
        )(new Rng(seed)),
      )
    expect(draw(hash(1, 2, 3))).toEqual(draw(hash(1, 2, 3)))
    expect(draw(hash(1, 2, 3))).not.toEqual(draw(hash(1, 2, 4)))
    expect(hash(1, 2)).not.toBe(hash(2, 1))
    expect(hash(2 ** 40)).not.toBe(hash(0))
  })

  test('draws stay in range and are roughly uniform', () => {
    const rng = new Rng(hash(9))
    const buckets = [0, 0, 0, 0]
    for (let i = 0; i < 40_000; i++) {
      const x = rng.int(0, 3)
      buckets[x] = (buckets[x] ?? 0) + 1
    }
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500)
    const mean = Array.from({ length: 20_000 }, () => rng.poisson(2.5)).reduce((a, b) => a + b, 0) / 20_000
    expect(Math.abs(mean - 2.5)).toBeLessThan(0.1)
  })
})

describe('caches', () => {
  test('a Memo remembers what it made, within its few slots', () => {
    const memo = new Memo<string, number>(4)
    let made = 0
    const make = () => ++made
    expect(cached(memo, 'a', make)).toBe(1)
    expect(cached(memo, 'a', make)).toBe(1)
    for (let i = 0; i < 100; i++) cached(memo, `k${i}`, make)
    const slots = ['a', ...Array.from({ length: 100 }, (_, i) => `k${i}`)].filter(
      (k) => memo.get(k) !== undefined,
    )
    expect(slots.length).toBeLessThanOrEqual(4)
    const one = new Memo<number, string>(1)
    one.set(1, 'x')
    one.set(2, 'y')
    expect([one.get(1), one.get(2)]).toEqual([undefined, 'y'])
  })

  test('a DirectCache answers only for the exact group and day, and overwrites on collision', () => {
    const cache = new DirectCache<string>(8)
    cache.set('acc_a', 3, 10, 'a10')
    cache.set('acc_a', 3, 11, 'a11')
    expect([cache.get('acc_a', 3, 10), cache.get('acc_a', 3, 11)]).toEqual(['a10', 'a11'])
    expect(cache.get('acc_b', 3, 10)).toBeUndefined()
    expect(cache.get('acc_a', 3, 18)).toBeUndefined() // same slot, other day
    cache.set('acc_b', 5, 8, 'b8') // (5 + 8) & 7 === (3 + 10) & 7
    expect(cache.get('acc_a', 3, 10)).toBeUndefined()
    expect(cache.get('acc_b', 5, 8)).toBe('b8')
  })
})
