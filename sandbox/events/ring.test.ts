import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { createEventRing } from './ring.ts'

// The ring against the plainest model: every frame ever pushed, by id. Whatever it keeps
// must be the newest frames, contiguous, byte for byte; it keeps at least the newest
// half-buffer of them, and never more than its bounds.

const MAX_EVENTS = 12
const MAX_BYTES = 120

type Step =
  | { kind: 'push'; frame: string }
  | { kind: 'read'; from: number; limit: number }
  | { kind: 'clear' }

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    // Up to a quarter of the buffer, never empty, some in any characters (UTF-8 lengths differ from string lengths).
    arbitrary: fc.record({
      kind: fc.constant('push' as const),
      frame: fc.oneof(
        fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 7 }),
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      from: fc.integer({ min: -2, max: 80 }),
      limit: fc.integer({ min: 0, max: 150 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
)

const utf8 = (text: string) => Buffer.from(text)

describe('event ring', () => {
  test('keeps the newest frames, contiguous and exact, within its bounds', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200, size: 'max' }), (steps) => {
        const ring = createEventRing(MAX_EVENTS, MAX_BYTES)
        const pushed = new Map<number, string>()
        let lastId = 0
        for (const s of steps) {
          if (s.kind === 'push') {
            ring.push(s.frame)
            pushed.set(++lastId, s.frame)
          } else if (s.kind === 'clear') {
            ring.clearWithGap()
            lastId++
          } else {
            const read = ring.read(s.from, s.limit)
            const start = Math.max(s.from, ring.firstId())
            if (start > ring.lastId()) {
              expect(read).toBeNull()
              continue
            }
            const ids = Array.from({ length: (read?.lastId ?? 0) - start + 1 }, (_, i) => start + i)
            expect(ids.length).toBeGreaterThan(0)
            const expected = Buffer.concat(ids.map((id) => utf8(pushed.get(id) ?? '')))
            expect(Buffer.from(read?.bytes ?? []).equals(expected)).toBe(true)
            // At least one frame; past that, no more than the limit asked for, give or take the last frame.
            const beforeLast = expected.length - utf8(pushed.get(read?.lastId ?? 0) ?? '').length
            expect(ids.length === 1 || beforeLast < s.limit).toBe(true)
            if ((read?.lastId ?? 0) < ring.lastId()) expect(expected.length).toBeGreaterThanOrEqual(s.limit)
          }
          expect(ring.lastId()).toBe(lastId)
          const kept = Array.from({ length: ring.size() }, (_, i) => ring.firstId() + i)
          // Everything kept, read at once, is exactly those frames.
          const all = ring.read(ring.firstId(), Number.POSITIVE_INFINITY)
          const keptBytes = Buffer.concat(kept.map((id) => utf8(pushed.get(id) ?? '')))
          expect(Buffer.from(all?.bytes ?? []).equals(keptBytes)).toBe(true)
          expect(ring.size()).toBeLessThanOrEqual(MAX_EVENTS)
          expect(kept.every((id) => pushed.has(id))).toBe(true)
          expect(kept.reduce((sum, id) => sum + utf8(pushed.get(id) ?? '').length, 0)).toBeLessThanOrEqual(
            MAX_BYTES,
          )
          // The newest frames up to half the buffer (and the event bound) are always kept.
          let bytes = 0
          for (let id = lastId; id >= 1 && pushed.has(id) && lastId - id < MAX_EVENTS; id--) {
            bytes += utf8(pushed.get(id) ?? '').length
            if (bytes > MAX_BYTES / 2) break
            expect(id).toBeGreaterThanOrEqual(ring.firstId())
          }
        }
      }),
      { numRuns: 200 },
    )
  })

  test('frames left in the unused end of the buffer go before it wraps: newer ones at its start stay whole', () => {
    const ring = createEventRing(100, 120)
    const frames = [
      ...Array.from({ length: 12 }, (_, i) => `${'a'.repeat(9)}${i % 10}`), // 0–110, 10 bytes each
      ...Array.from({ length: 5 }, (_, i) => `${'b'.repeat(19)}${i}`), // 0–80 again, 20 bytes each
      'c'.repeat(25), // does not fit after 100: wraps
    ]
    for (const frame of frames) ring.push(frame)
    const kept = frames.slice(frames.length - ring.size())
    expect(Buffer.from(ring.read(ring.firstId(), 1000)?.bytes ?? []).toString()).toBe(kept.join(''))
    expect(kept.at(-1)).toBe('c'.repeat(25))
  })

  test('bytes pushed so far are counted through each frame read', () => {
    const ring = createEventRing(4, 64)
    ring.push('aaaa')
    ring.push('bb')
    expect(ring.read(2, 100)).toMatchObject({ lastId: 2, end: 6 })
    expect(ring.totalBytes()).toBe(6)
  })
})
