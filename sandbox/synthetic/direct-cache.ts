// A direct-mapped memo for (group, day) → value, used on the transaction hot path.
// Unlike a Map-based LRU it never rehashes or allocates after construction: a new
// entry simply overwrites whatever shared its slot. That matters for memory as much
// as speed — discarded Map tables that linger in the old generation keep young
// entries alive ("nepotism") and make a long export's heap balloon.

export class DirectCache<V> {
  private readonly names: (string | undefined)[]
  private readonly days: Float64Array
  private readonly values: (V | undefined)[]
  private readonly mask: number

  /** `capacity` is rounded up to a power of two. */
  constructor(capacity: number) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(2, capacity)))
    this.mask = size - 1
    this.names = new Array<string | undefined>(size).fill(undefined)
    this.days = new Float64Array(size)
    this.values = new Array<V | undefined>(size).fill(undefined)
  }

  /**
   * `group` names the series (an account or card id) and `groupHash` spreads series
   * over the slots; consecutive days of one series land in consecutive slots.
   */
  get(group: string, groupHash: number, day: number): V | undefined {
    const slot = (groupHash + day) & this.mask
    return this.names[slot] === group && this.days[slot] === day ? this.values[slot] : undefined
  }

  set(group: string, groupHash: number, day: number, value: V): V {
    const slot = (groupHash + day) & this.mask
    this.names[slot] = group
    this.days[slot] = day
    this.values[slot] = value
    return value
  }
}
