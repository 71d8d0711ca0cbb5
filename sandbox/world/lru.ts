// Bounded least-recently-used caches on Maps (which keep insertion order), so
// memoization can never grow with the size of the world.

export class Lru<K, V> {
  private readonly entries = new Map<K, V>()
  /** The most recent key: re-reading it (the common case) needs no reordering. */
  private last: K | undefined

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key)
    if (value === undefined || key === this.last) return value
    this.entries.delete(key)
    this.entries.set(key, value)
    this.last = key
    return value
  }

  set(key: K, value: V): V {
    this.entries.delete(key)
    this.entries.set(key, value)
    this.last = key
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next()
      if (!oldest.done) this.entries.delete(oldest.value)
    }
    return value
  }
}

/** Memoize `make(key)` through a bounded cache. */
export function cached<K, V>(cache: Lru<K, V>, key: K, make: () => V): V {
  const known = cache.get(key)
  return known === undefined ? cache.set(key, make()) : known
}

/**
 * An LRU of groups (e.g. one per account) of numbered entries (e.g. days), bounded by
 * the total number of entries. Keys are an existing string plus a small integer, so a
 * lookup never builds a key string — this cache sits on the hottest path.
 */
export class GroupedLru<V> {
  private readonly groups = new Map<string, Map<number, V>>()
  private lastGroup: string | undefined
  private total = 0

  constructor(private readonly capacity: number) {}

  private group(name: string): Map<number, V> | undefined {
    const found = this.groups.get(name)
    if (found && name !== this.lastGroup) {
      this.groups.delete(name)
      this.groups.set(name, found)
      this.lastGroup = name
    }
    return found
  }

  get(name: string, key: number): V | undefined {
    return this.group(name)?.get(key)
  }

  set(name: string, key: number, value: V): V {
    let entries = this.group(name)
    if (!entries) {
      entries = new Map()
      this.groups.set(name, entries)
      this.lastGroup = name
    }
    if (!entries.has(key)) this.total++
    entries.set(key, value)
    while (this.total > this.capacity && this.groups.size > 1) this.evictOldest()
    if (this.total > this.capacity) {
      // One group alone outgrew the cache: start it afresh.
      this.total -= entries.size - 1
      entries.clear()
      entries.set(key, value)
    }
    return value
  }

  private evictOldest(): void {
    for (const [name, entries] of this.groups) {
      this.groups.delete(name)
      this.total -= entries.size
      // If the group was promoted to the old generation it may linger there as
      // garbage; emptied, it cannot keep young entries alive through scavenges.
      entries.clear()
      return
    }
  }

  get size(): number {
    return this.total
  }
}
