import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { decimal } from './decimal.ts'
import { createIsoFormatter } from './iso.ts'

describe('formatting', () => {
  test('decimal writes any integer exactly as String does', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.constantFrom(0, -1, 1000, -1000, 999_999)),
        (n) => {
          expect(decimal(n)).toBe(String(n))
        },
      ),
    )
  })

  test('the ISO formatter agrees with Date#toISOString', () => {
    const iso = createIsoFormatter()
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 3e14 }), (ms) => {
        expect(iso(ms)).toBe(new Date(ms).toISOString())
      }),
      { numRuns: 3000 },
    )
  })
})
