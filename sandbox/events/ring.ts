// A bounded ring of serialised events with contiguous, ever-increasing ids: the last
// `maxEvents` events, fewer if their bytes would exceed `maxBytes`.
//
// The frames live in one preallocated byte buffer, with their places in typed arrays:
// nothing is allocated per event. A feed of thousands of events a second keeps each for
// a second or more, long enough for the garbage collector to promote an object per event
// to the old generation, where it lingers until a full collection: a server with a live
// subscriber grew by a hundred MB that way.

/** Frames from some id on, copied out of the ring. */
export interface RingRead {
  bytes: Uint8Array
  lastId: number
  /** Bytes ever pushed, through the last frame read: subscribers measure how far behind they are with it. */
  end: number
}

export interface EventRing {
  /** Adds a frame; never an empty one (an SSE frame never is): where frames lie tells their order. */
  push(frame: string): void
  /** Frames from id `from` on, at most about `maxBytes` of them (always at least one if any). */
  read(from: number, maxBytes: number): RingRead | null
  firstId(): number
  lastId(): number
  size(): number
  totalBytes(): number
  /** Forgets every frame and skips an id, so a client that resumes across the gap hears events were lost. */
  clearWithGap(): void
}

/** `lastId`: the id before the first frame's. */
export function createEventRing(maxEvents: number, maxBytes: number, lastId = 0): EventRing {
  let data: Uint8Array | null = null // allocated on the first push: a feed nobody uses costs nothing
  const starts = new Int32Array(maxEvents)
  const lengths = new Int32Array(maxEvents)
  const ends = new Float64Array(maxEvents)
  /** Frames larger than the whole buffer (not expected; kept whole rather than lost), by slot. */
  const oversized = new Map<number, Uint8Array>()
  const encoder = new TextEncoder()
  let head = 0 // slot of the oldest frame
  let count = 0
  let last = lastId
  let total = 0
  let writeAt = 0

  const slotOf = (id: number) => (head + (id - first())) % maxEvents
  const first = () => last - count + 1

  function evict(): void {
    oversized.delete(head)
    head = (head + 1) % maxEvents
    count--
  }

  /** Makes room for `length` bytes at `writeAt` (wrapping to the start if the end is too short). */
  function makeRoom(length: number): void {
    if (writeAt + length > maxBytes) {
      // The frames between here and the end are the oldest: they go, and the tail stays unused.
      while (count > 0 && (starts[head] as number) >= writeAt) evict()
      writeAt = 0
    }
    while (count > 0 && (count >= maxEvents || overlaps(starts[head] as number, length))) evict()
  }

  const overlaps = (start: number, length: number) => start >= writeAt && start < writeAt + length

  return {
    push(frame) {
      const length = Buffer.byteLength(frame)
      if (length === 0) throw new Error('An event frame is never empty')
      const slot = (head + count) % maxEvents
      if (length > maxBytes) {
        while (count > 0) evict()
        writeAt = 0
        oversized.set(slot, encoder.encode(frame))
      } else {
        makeRoom(length)
        data ??= new Uint8Array(maxBytes)
        encoder.encodeInto(frame, data.subarray(writeAt, writeAt + length))
      }
      last += 1
      total += length
      starts[slot] = writeAt
      lengths[slot] = length
      ends[slot] = total
      count++
      if (length <= maxBytes) writeAt += length
    },
    read(from, limit) {
      const start = Math.max(from, first())
      if (start > last) return null
      let size = 0
      let id = start
      for (; id <= last && (id === start || size < limit); id++) size += lengths[slotOf(id)] as number
      const bytes = new Uint8Array(size)
      let at = 0
      for (let i = start; i < id; i++) {
        const slot = slotOf(i)
        const length = lengths[slot] as number
        const frame =
          oversized.get(slot) ??
          (data as Uint8Array).subarray(starts[slot], (starts[slot] as number) + length)
        bytes.set(frame, at)
        at += length
      }
      return { bytes, lastId: id - 1, end: ends[slotOf(id - 1)] as number }
    },
    firstId: first,
    lastId: () => last,
    size: () => count,
    totalBytes: () => total,
    clearWithGap() {
      while (count > 0) evict()
      writeAt = 0
      last += 1
    },
  }
}
