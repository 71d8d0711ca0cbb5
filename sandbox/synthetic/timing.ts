// When things happen within a UTC day and when card charges settle.
import type { City } from './cities.ts'
import { cumulative, type Rng } from './rng.ts'
import { DAY_MS } from './types.ts'

const HOUR_MS = 3_600_000

// Relative activity per local hour: quiet nights, lunch and early-evening peaks.
const hourWeights = cumulative([
  0.2, 0.1, 0.05, 0.05, 0.05, 0.2, 0.6, 1.2, 1.8, 1.6, 1.5, 1.8, 2.6, 2.2, 1.6, 1.5, 1.8, 2.4, 2.6, 2.2, 1.6,
  1.1, 0.7, 0.4,
])

/** Milliseconds into the UTC day of a purchase at a plausible local hour in `city`. */
export function shoppingTime(rng: Rng, city: City): number {
  const localHour = rng.weighted(hourWeights)
  // Wrapping keeps the charge on the requested UTC day whatever the offset.
  const utcHour = (((localHour - city.utcOffset) % 24) + 24) % 24
  return utcHour * HOUR_MS + Math.floor(rng.next() * HOUR_MS)
}

/** Card charges settle in a morning batch 1–3 days after booking. */
export function settlement(rng: Rng, day: number): number {
  return (day + rng.int(1, 3)) * DAY_MS + 6 * HOUR_MS + Math.floor(rng.next() * 2 * HOUR_MS)
}

export const atHour = (day: number, hour: number): number => day * DAY_MS + hour * HOUR_MS
