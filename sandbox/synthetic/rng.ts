// A small, fast, seedable PRNG (sfc32) and a hash that turns (seed, kind, ...indices)
// into its 32-bit seed. Everything random in the world goes through here, so an entity
// depends only on its own coordinates, never on what was generated before it.

/** Kind codes keep the streams of different entity kinds apart. */
export const Kind = {
  traits: 1,
  person: 2,
  membership: 3,
  profile: 4,
  account: 5,
  card: 6,
  purchases: 7,
  fraud: 8,
  recurring: 9,
} as const

const TWO_32 = 4_294_967_296

function mix(h: number, value: number): number {
  // Numbers beyond 32 bits (large seeds) contribute both halves.
  const lo = value >>> 0
  const hi = Math.floor(value / TWO_32) >>> 0
  h = Math.imul(h ^ lo, 0x85ebca6b)
  h = (h << 13) | (h >>> 19)
  h = Math.imul(h ^ hi, 0xc2b2ae35)
  return (h << 11) | (h >>> 21)
}

/** Avalanching hash of numeric coordinates to an unsigned 32-bit integer. */
export function hash(...parts: number[]): number {
  let h = 0x9e3779b9 ^ parts.length
  for (const part of parts) h = mix(h, part)
  h ^= h >>> 16
  h = Math.imul(h, 0x7feb352d)
  h ^= h >>> 15
  h = Math.imul(h, 0x846ca68b)
  h ^= h >>> 16
  return h >>> 0
}

/** FNV-1a of a string, so string ids (bank ids) can be hash coordinates. */
export function hashString(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** A uniform float in [0, 1) straight from a hash, for one-off decisions. */
export function unit(h: number): number {
  return h / TWO_32
}

export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number) {
    this.a = this.b = this.c = this.d = 0
    this.reseed(seed)
  }

  /** Restart from a new seed: hot loops reuse one generator instead of allocating. */
  reseed(seed: number): this {
    // The seed is already a hash; spread it over the state and warm up briefly.
    this.a = seed | 0
    this.b = Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) | 0
    this.c = Math.imul(seed ^ 0x27d4eb2f, 0x85ebca77) | 0
    this.d = 1
    for (let i = 0; i < 6; i++) this.uint32()
    return this
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / TWO_32
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** Uniform float in [min, max). */
  range(min: number, max: number): number {
    return min + this.next() * (max - min)
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list')
    return items[Math.floor(this.next() * items.length)] as T
  }

  /** Index into a table of cumulative weights (ascending, last = total). */
  weighted(cumulative: readonly number[]): number {
    const total = cumulative[cumulative.length - 1] ?? 0
    const x = this.next() * total
    let i = 0
    while (i < cumulative.length - 1 && (cumulative[i] ?? 0) <= x) i++
    return i
  }

  normal(): number {
    // Box–Muller; 1 - next() keeps log() away from zero.
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next())
  }

  /** exp(N(mu, sigma)): the median is e^mu. */
  logNormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal())
  }

  /** Knuth's method: fine for the small means of daily counts. */
  poisson(mean: number): number {
    const limit = Math.exp(-mean)
    let k = 0
    let p = this.next()
    while (p > limit) {
      k++
      p *= this.next()
    }
    return k
  }
}

/** Cumulative sums of weights, the form `Rng.weighted` expects. */
export function cumulative(weights: readonly number[]): number[] {
  let sum = 0
  return weights.map((w) => {
    sum += w
    return sum
  })
}
