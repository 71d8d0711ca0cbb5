import type { Deps } from '../deps.ts'
import type { Bus, SandboxEvent } from './bus.ts'
import { createEventRing, type RingRead } from './ring.ts'

// The bus as server-sent events for GET /sandbox/events. Each event is serialised once
// into its SSE frame and kept in a bounded ring; every subscriber is a cursor into that
// ring, so a subscriber costs a few numbers, not a copy of each event. One that falls
// more than `maxBehindBytes` behind is told so (`event: overflow`) and closed; it can
// come back with `Last-Event-ID` and be replayed what the ring still holds.

export interface FeedOptions {
  /** Bytes of new events a subscriber may have unsent before it is cut off. */
  maxBehindBytes?: number
  ringEvents?: number
  ringBytes?: number
  /** How long the ring keeps recording after the last subscriber left, so a reconnect can resume. */
  retainMs?: number
  keepAliveMs?: number
  /** The id before the first event's; default: the wall clock in microseconds (see idBase). */
  startAfterId?: number
}

/**
 * Where a feed's ids start: the wall clock in microseconds when it starts. Ids only grow,
 * across restarts too (a feed sends far fewer than a million events a second), so a
 * Last-Event-ID from an earlier process is older than anything this one holds: that
 * client hears `event: lost`, never another run's events under ids it thinks it knows.
 */
const idBase = () => Date.now() * 1_000

export interface FeedConnection {
  body: ReadableStream<Uint8Array>
  /** Called once the subscriber is cut off for falling behind (to close its socket). */
  onOverflow(callback: () => void): void
}

export interface SseFeed {
  connect(hello: unknown, lastEventId: string | undefined): FeedConnection
  subscribers(): number
  lastId(): number
  /** Ends every stream and stops recording for good: the sandbox it served is gone (a deleted world). */
  close(): void
}

const encoder = new TextEncoder()
/** How often at most subscribers are woken for new events: a dashboard does not see 50 ms. */
const FLUSH_MS = 50
/**
 * At most about this much is written to a subscriber per write. Each write is a round of
 * the stream machinery (a pull, a write, a wait for drain) per subscriber: at 10,000
 * bank calls a second, 50 ms of events is about 200 KB, one write rather than four.
 */
const WRITE_BYTES = 256 * 1024
declare module '../deps.ts' {
  interface WorldMemory {
    /** The world's live event feed: its ring of recent events and its subscribers. */
    feed?: SseFeed
  }
}

/** The feed of a sandbox that is gone: a subscriber that comes late gets a stream that has ended. */
const ENDED: SseFeed = {
  connect: () => ({
    body: new ReadableStream({ start: (controller) => controller.close() }),
    onOverflow() {},
  }),
  subscribers: () => 0,
  lastId: () => 0,
  close() {},
}

/**
 * Ends the feed of a bus (a deleted world's): its streams close and its timers stop, so
 * nothing holds the world once its last request is answered.
 */
export function closeFeedOf(deps: Deps): void {
  deps.memory.feed?.close()
  deps.memory.feed = ENDED
}

/** The one feed of a sandbox, created on first use. */
export function feedOf(deps: Deps, options?: FeedOptions): SseFeed {
  deps.memory.feed ??= createSseFeed(deps.bus, options)
  return deps.memory.feed
}

export function frame(event: string, data: string, id?: number): Uint8Array {
  return encoder.encode(frameText(event, data, id))
}

function frameText(event: string, data: string, id?: number): string {
  const idLine = id === undefined ? '' : `id: ${id}\n`
  return `event: ${event}\ndata: ${data}\n${idLine}\n`
}

interface Subscriber {
  /** The next id to send. */
  cursor: number
  /** Ring bytes published before it connected: replayed events don't count as falling behind. */
  connectedAt: number
  sentEnd: number
  closed: boolean
  keepAlive: boolean
  wake: (() => void) | null
  controller: ReadableStreamDefaultController<Uint8Array> | null
  leave: () => void
  overflowed: () => void
}

export function createSseFeed(bus: Bus, options: FeedOptions = {}): SseFeed {
  const maxBehind = options.maxBehindBytes ?? 1024 * 1024
  const retainMs = options.retainMs ?? 5 * 60_000
  const keepAliveMs = options.keepAliveMs ?? 15_000
  const ring = createEventRing(
    options.ringEvents ?? 10_000,
    options.ringBytes ?? 4 * 1024 * 1024,
    options.startAfterId ?? idBase(),
  )
  const subscribers = new Set<Subscriber>()
  let unsubscribe: (() => void) | null = null
  let idle: ReturnType<typeof setTimeout> | null = null
  let flushing: ReturnType<typeof setTimeout> | null = null
  let lastFlush = Number.NEGATIVE_INFINITY
  let ended = false

  function record(event: SandboxEvent): void {
    const id = ring.lastId() + 1
    ring.push(frameText('sandbox', JSON.stringify(event), id))
    if (flushing !== null) return
    // Subscribers are woken at most every FLUSH_MS: under load each gets one write of many
    // events, not one per event (a hundred subscribers cost a hundred writes per bank call).
    flushing = setTimeout(flush, Math.max(0, lastFlush + FLUSH_MS - performance.now()))
    flushing.unref?.()
  }

  /**
   * The ring from `cursor` on. Woken together, subscribers mostly stand at the same cursor:
   * they share one copy of what is new until the ring changes.
   */
  let shared: { cursor: number; lastId: number; batch: RingRead | null } | null = null
  function readFrom(cursor: number): RingRead | null {
    if (shared?.cursor !== cursor || shared.lastId !== ring.lastId()) {
      shared = { cursor, lastId: ring.lastId(), batch: ring.read(cursor, WRITE_BYTES) }
    }
    return shared.batch
  }

  function flush(): void {
    flushing = null
    lastFlush = performance.now()
    const total = ring.totalBytes()
    for (const sub of subscribers) {
      if (total - Math.max(sub.sentEnd, sub.connectedAt) > maxBehind) {
        cutOff(sub, `more than ${maxBehind} bytes of events unread`)
      }
      wake(sub)
    }
  }

  /** The last event says why; it waits in the stream's queue behind what the socket holds. */
  function cutOff(sub: Subscriber, reason: string): void {
    if (sub.closed) return
    sub.closed = true
    const lastEventId = sub.cursor - 1
    sub.controller?.enqueue(frame('overflow', JSON.stringify({ reason, lastEventId })))
    sub.controller?.close()
    sub.leave()
    sub.overflowed()
  }

  function startRecording(): void {
    if (idle) clearTimeout(idle)
    idle = null
    unsubscribe ??= bus.subscribe(record)
  }

  /** With nobody listening for `retainMs`, stop paying for events: forget them, and leave a gap in the ids. */
  function stopLater(): void {
    if (subscribers.size > 0 || ended) return
    idle = setTimeout(() => {
      unsubscribe?.()
      unsubscribe = null
      ring.clearWithGap()
    }, retainMs)
    idle.unref?.()
  }

  function connect(hello: unknown, lastEventId: string | undefined): FeedConnection {
    startRecording()
    const resumeFrom = lastEventId !== undefined && /^\d+$/.test(lastEventId) ? Number(lastEventId) : null
    const head: Uint8Array[] = []
    const sub: Subscriber = {
      cursor: ring.lastId() + 1,
      connectedAt: ring.totalBytes(),
      sentEnd: 0,
      closed: false,
      keepAlive: false,
      wake: null,
      controller: null,
      leave: () => {},
      overflowed: () => {},
    }
    if (resumeFrom === null) {
      head.push(frame('hello', JSON.stringify(hello), ring.lastId()))
    } else {
      // No id on hello: the client's Last-Event-ID stays N until replayed events move it.
      head.push(frame('hello', JSON.stringify(hello)))
      const known = resumeFrom <= ring.lastId() && resumeFrom + 1 >= ring.firstId()
      if (!known) {
        const lost = { lastEventId: resumeFrom, oldestKept: ring.size() > 0 ? ring.firstId() : null }
        head.push(frame('lost', JSON.stringify(lost)))
      }
      sub.cursor = known ? resumeFrom + 1 : ring.firstId()
    }
    subscribers.add(sub)
    const timer = setInterval(() => {
      sub.keepAlive = true
      wake(sub)
    }, keepAliveMs)
    timer.unref?.()
    sub.leave = () => {
      clearInterval(timer)
      if (subscribers.delete(sub)) stopLater()
    }
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          sub.controller = controller
        },
        pull: (controller) => pull(sub, head, controller),
        cancel: () => {
          sub.closed = true
          sub.leave()
          wake(sub)
        },
      },
      { highWaterMark: 0 },
    )
    return {
      body,
      onOverflow(callback) {
        sub.overflowed = callback
      },
    }
  }

  async function pull(
    sub: Subscriber,
    head: Uint8Array[],
    controller: ReadableStreamDefaultController<Uint8Array>,
  ): Promise<void> {
    for (;;) {
      if (sub.closed) return
      const first = head.shift()
      if (first) return controller.enqueue(first)
      if (sub.cursor < ring.firstId() && sub.cursor <= ring.lastId()) {
        return cutOff(sub, 'events left the replay ring before they were sent')
      }
      const batch = readFrom(sub.cursor)
      if (batch) return send(sub, batch, controller)
      if (sub.keepAlive) {
        sub.keepAlive = false
        return controller.enqueue(encoder.encode(': keep-alive\n\n'))
      }
      await new Promise<void>((resolve) => {
        sub.wake = resolve
      })
    }
  }

  function send(sub: Subscriber, batch: RingRead, controller: ReadableStreamDefaultController<Uint8Array>) {
    sub.cursor = batch.lastId + 1
    sub.sentEnd = batch.end
    sub.keepAlive = false
    controller.enqueue(batch.bytes)
  }

  function close(): void {
    ended = true
    for (const sub of [...subscribers]) {
      if (!sub.closed) {
        sub.closed = true
        sub.controller?.close()
      }
      sub.leave()
      wake(sub)
    }
    for (const timer of [idle, flushing]) if (timer) clearTimeout(timer)
    idle = null
    flushing = null
    unsubscribe?.()
    unsubscribe = null
  }

  return { connect, subscribers: () => subscribers.size, lastId: () => ring.lastId(), close }
}

function wake(sub: Subscriber): void {
  const resolve = sub.wake
  sub.wake = null
  resolve?.()
}
