import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { calendarDay, previousMonth } from './calendar.ts'
import { GroupedLru, Lru } from './lru.ts'
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
  test('an Lru never holds more than its capacity and keeps what was read recently', () => {
    const lru = new Lru<number, number>(3)
    for (const n of [1, 2, 3]) lru.set(n, n)
    lru.get(1)
    lru.set(4, 4)
    expect(lru.get(2)).toBeUndefined()
    expect([1, 3, 4].map((n) => lru.get(n))).toEqual([1, 3, 4])
  })

  test('a GroupedLru is bounded by its total number of entries', () => {
    const cache = new GroupedLru<number>(10)
    for (let group = 0; group < 20; group++)
      for (let day = 0; day < 4; day++) cache.set(`g${group}`, day, day)
    expect(cache.size).toBeLessThanOrEqual(10)
    expect(cache.get('g19', 3)).toBe(3)
    expect(cache.get('g0', 0)).toBeUndefined()
    for (let day = 0; day < 25; day++) cache.set('big', day, day)
    expect(cache.size).toBeLessThanOrEqual(10)
  })
})
