// A bounded memo for entity records (people, customers, profiles), direct-mapped:
// each key hashes to one slot and a newcomer overwrites the slot's old occupant. No
// Map underneath, so nothing rehashes or allocates per call, and a discarded entry
// is really gone (a churning Map leaves old tables in the old generation that keep
// young records alive, which is what made long exports' heaps grow).
import { hashString } from './rng.ts'

export class Memo<K extends string | number, V> {
  private readonly keys: (K | undefined)[]
  private readonly values: (V | undefined)[]
  private readonly mask: number

  /** `capacity` is rounded up to a power of two. */
  constructor(capacity: number) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(1, capacity)))
    this.mask = size - 1
    this.keys = new Array<K | undefined>(size).fill(undefined)
    this.values = new Array<V | undefined>(size).fill(undefined)
  }

  private slot(key: K): number {
    if (this.mask === 0) return 0
    const h = typeof key === 'number' ? Math.imul(key ^ (key >>> 16), 0x45d9f3b) : hashString(key)
    return (h ^ (h >>> 15)) & this.mask
  }

  get(key: K): V | undefined {
    const slot = this.slot(key)
    return this.keys[slot] === key ? this.values[slot] : undefined
  }

  set(key: K, value: V): V {
    const slot = this.slot(key)
    this.keys[slot] = key
    this.values[slot] = value
    return value
  }
}

/** Memoize `make(key)`; `undefined` is never cached (it means "not made"). */
export function cached<K extends string | number, V>(memo: Memo<K, V>, key: K, make: () => V): V {
  const known = memo.get(key)
  return known === undefined ? memo.set(key, make()) : known
}
