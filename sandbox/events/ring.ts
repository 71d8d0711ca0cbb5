// A bounded ring of serialised events with contiguous, ever-increasing ids: the last
// `maxEvents` events, fewer if they would exceed `maxBytes`.

export interface RingEntry {
  id: number
  frame: Uint8Array
  /** Bytes ever pushed, through this entry: subscribers measure how far behind they are with it. */
  end: number
}

export interface EventRing {
  push(frame: Uint8Array): RingEntry
  /** Entries from id `from` on, at most about `maxBytes` of them (always at least one if any). */
  from(from: number, maxBytes: number): RingEntry[]
  firstId(): number
  lastId(): number
  size(): number
  totalBytes(): number
  /** Forgets every entry and skips an id, so a client that resumes across the gap hears events were lost. */
  clearWithGap(): void
}

export function createEventRing(maxEvents: number, maxBytes: number): EventRing {
  const slots: (RingEntry | undefined)[] = new Array(maxEvents)
  let head = 0
  let count = 0
  let bytes = 0
  let total = 0
  let last = 0

  const at = (index: number) => slots[(head + index) % maxEvents] as RingEntry
  const first = () => last - count + 1

  function evict(): void {
    const entry = at(0)
    slots[head] = undefined
    head = (head + 1) % maxEvents
    count--
    bytes -= entry.frame.byteLength
  }

  return {
    push(frame) {
      while (count > 0 && (count >= maxEvents || bytes + frame.byteLength > maxBytes)) evict()
      last += 1
      total += frame.byteLength
      const entry = { id: last, frame, end: total }
      slots[(head + count) % maxEvents] = entry
      count++
      bytes += frame.byteLength
      return entry
    },
    from(from, limit) {
      const out: RingEntry[] = []
      let size = 0
      for (let id = Math.max(from, first()); id <= last && (out.length === 0 || size < limit); id++) {
        const entry = at(id - first())
        out.push(entry)
        size += entry.frame.byteLength
      }
      return out
    },
    firstId: first,
    lastId: () => last,
    size: () => count,
    totalBytes: () => total,
    clearWithGap() {
      while (count > 0) evict()
      last += 1
    },
  }
}
