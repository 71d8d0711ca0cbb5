// A bounded least-recently-used cache on a Map (which keeps insertion order), so
// memoization can never grow with the size of the world.

export class Lru<K, V> {
  private readonly entries = new Map<K, V>()

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key)
    if (value === undefined) return undefined
    this.entries.delete(key)
    this.entries.set(key, value)
    return value
  }

  set(key: K, value: V): V {
    this.entries.delete(key)
    this.entries.set(key, value)
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next()
      if (!oldest.done) this.entries.delete(oldest.value)
    }
    return value
  }

  get size(): number {
    return this.entries.size
  }
}

/** Memoize `make(key)` through a bounded cache. */
export function cached<K, V>(cache: Lru<K, V>, key: K, make: () => V): V {
  return cache.get(key) ?? cache.set(key, make())
}
