import type { Engine } from './engine.ts'
import { applyChange, createState, JOURNAL_LIMIT, type SandboxState } from './state.ts'
import type { Change } from './table.ts'
import { StoreUnavailable } from './unavailable.ts'

// The store: the world's tables, and the engine that keeps them. A command changes
// tables synchronously, as one step of JavaScript, together with the webhooks it queues.
// The changes of one turn of the event loop, from every request served in it, go to the
// engine in one transaction (group commit: a commit costs as much for one line as for
// ten), before any of their answers leaves (the server awaits `flushed()`), the call
// journal's lines included. While a write is in the database, what comes next gathers
// into one write behind it. The kept journal is trimmed to JOURNAL_LIMIT lines now and then.
//
// A batch the database refuses (bad data, which validation should have stopped) fails the
// requests that made it and no other: the store goes on keeping later ones. A batch that
// finds the database away waits, in order, until it is back and is kept then; meanwhile
// whoever waits for it hears StoreUnavailable at once, rather than hanging.

const JOURNAL_TRIM_EVERY = 5_000
/** Refused writes remembered for the requests still waiting on them: far more than ever wait at once. */
const REFUSALS_KEPT = 100

export interface Store {
  readonly engine: Engine
  readonly state: SandboxState
  /** Where the writes stand now: changes made after it are judged by `flushed(mark)`. */
  mark(): number
  /**
   * Resolves once every change made so far is kept (at once in memory mode). Rejects when
   * the database refused a change made since `since` (a `mark()`; default: ever), and with
   * StoreUnavailable while the database is away (the changes are kept when it is back).
   */
  flushed(since?: number): Promise<void>
  /** Takes in what other instances kept since the last look (PostgreSQL only; a no-op elsewhere). */
  catchUp(): Promise<void>
  /** Takes in the call journal lines other instances kept since the last look (PostgreSQL only). */
  catchUpJournal(): Promise<void>
  /** Hears each change another instance made, once it is in the tables (to update derived views). */
  onExternalChange(listener: (change: Change) => void): void
  /** Forgets every record: a fresh world (the engine forgets them in order with other writes). */
  reset(): void
  /** Deletes every record for good, then closes (a deleted world). */
  drop(): Promise<void>
  /** Keeps what was changed so far and closes; changes made afterwards are not kept. */
  close(): Promise<void>
}

/** A store over `engine`, holding the records it `kept` (loaded by the caller: PostgreSQL loads asynchronously). */
export function createStore(engine: Engine, kept: readonly Change[] = []): Store {
  const keeps = engine.kind !== 'memory'
  let batch: Change[] = []
  let journalWritten = 0
  let writing: Promise<void> = Promise.resolve()
  /** Writes queued so far, and how many of them are done with (kept, or refused). */
  let queued = 0
  let settled = 0
  /** The newest writes the database refused, by number, for the requests that made them. */
  const refused: { first: number; write: number; error: unknown }[] = []
  /** Set while the write at the head waits for the database to come back. */
  let stalled: StoreUnavailable | null = null
  const stallListeners = new Set<(error: StoreUnavailable) => void>()

  /** The write is numbered `first` to `write`: changes that joined it while it waited took new numbers (queueChanges). */
  const keep = async (
    work: () => void | Promise<void>,
    ticket: { first: number; write: number; settle?: () => void },
  ) => {
    for (;;) {
      try {
        await work()
        break
      } catch (error) {
        if (!(error instanceof StoreUnavailable) || !engine.reachable) {
          // Not worth trying again: the same data would be refused the same way.
          refused.push({ first: ticket.first, write: ticket.write, error })
          if (refused.length > REFUSALS_KEPT) refused.shift()
          console.error('The database refused a change:', error)
          break
        }
        stalled = error
        for (const listener of stallListeners) listener(error)
        const back = await engine.reachable().then(
          () => true,
          () => false,
        )
        if (!back) break // closed while away: what was not kept is lost with the process
      }
    }
    stalled = null
    settled = ticket.write
    ticket.settle?.()
  }
  const queue = (work: () => void | Promise<void>, ticket = numbered()) => {
    writing = writing.then(() => keep(work, ticket))
  }
  /** The next write's number. */
  const numbered = () => {
    const write = ++queued
    return { first: write, write }
  }
  /** Changes queued for a write that has not begun, the last in the queue: later ones join it. */
  let waiting: { changes: Change[]; first: number; write: number; settle?: () => void } | null = null
  const queueChanges = (changes: Change[]) => {
    if (waiting && waiting.write === queued) {
      // A number of its own, so that a refusal reaches every request that joined (flushed(since)).
      waiting.write = ++queued
      waiting.changes.push(...changes)
      return
    }
    const next = { changes, ...numbered(), settle: () => forgetUnkept(next.changes) }
    waiting = next
    queue(() => {
      if (waiting === next) waiting = null
      return engine.write(next.changes)
    }, next)
  }
  /** Resolves with `done`, or rejects as soon as the write queue stalls on an absent database. */
  const unlessStalled = (done: Promise<void>) =>
    new Promise<void>((resolve, reject) => {
      const listener = (error: StoreUnavailable) => reject(error)
      // Stalled, and the database still away (once it is back, the write is being tried again).
      const outage = stalled && engine.outage?.()
      if (outage) return reject(new StoreUnavailable(outage))
      stallListeners.add(listener)
      done.then(() => {
        stallListeners.delete(listener)
        resolve()
      })
    })
  const flushBatch = () => {
    const changes = batch
    batch = []
    if (changes.length > 0) queueChanges(changes)
    if (journalWritten >= JOURNAL_TRIM_EVERY) {
      journalWritten = 0
      queue(() => engine.trim('journal', JOURNAL_LIMIT))
    }
  }
  /** Set once closing begins: nobody serves these records any more. */
  let closed = false
  /** Set while this turn's batch waits for the end of the turn. */
  let turnEnd: Promise<void> | null = null
  const endOfTurn = () =>
    new Promise<void>((resolve) =>
      setImmediate(() => {
        turnEnd = null
        flushBatch()
        resolve()
      }),
    )
  /** The records changed here since the look at other instances' changes under way began. */
  let changedDuringLook: Set<string> | null = null
  /** Records changed here whose write is not done yet, with how many such writes (shared databases only). */
  const unkept = new Map<string, number>()
  const tracksUnkept = engine.changesFromOthers !== undefined
  const forgetUnkept = (changes: readonly Change[]) => {
    if (!tracksUnkept) return
    for (const change of changes) {
      const key = recordKey(change)
      const count = unkept.get(key)
      if (count === undefined) continue
      if (count <= 1) unkept.delete(key)
      else unkept.set(key, count - 1)
    }
  }
  const sink = (change: Change) => {
    if (closed) return
    if (tracksUnkept && change.table !== 'journal') {
      const key = recordKey(change)
      unkept.set(key, (unkept.get(key) ?? 0) + 1)
      changedDuringLook?.add(key)
    }
    turnEnd ??= endOfTurn()
    batch.push(change)
    if (change.table === 'journal') journalWritten++
  }

  /** The look at other instances' changes under way, and the one that follows it. */
  let catching: Promise<void> | null = null
  let nextCatch: Promise<void> | null = null
  const catchUpNow = async () => {
    if (!engine.changesFromOthers) return
    // A record changed here and not kept yet, or changed while the look is out: the
    // database answers with another instance's older value, which this instance's write
    // will replace there, so it must not replace the change here. (Waiting for this
    // instance's writes instead put a write's round trip before every look.)
    const changedHere = new Set<string>()
    changedDuringLook = changedHere
    let changes: Change[]
    try {
      changes = await engine.changesFromOthers()
    } finally {
      changedDuringLook = null
    }
    for (const change of changes) {
      const key = recordKey(change)
      if (changedHere.has(key) || unkept.has(key)) continue
      applyChange(state, change)
      for (const listener of listeners) listener(change)
    }
  }

  const catchUp = (): Promise<void> => {
    if (!engine.changesFromOthers) return Promise.resolve()
    if (catching === null) {
      catching = catchUpNow().finally(() => {
        catching = null
      })
      return catching
    }
    // A look that began before this call may miss what was kept just before it: wait for
    // the next, which every call arriving meanwhile shares (one query for many requests).
    nextCatch ??= catching
      .catch(() => undefined)
      .then(() => {
        nextCatch = null
        return catchUp()
      })
    return nextCatch
  }

  let state = createState(keeps ? sink : null)
  for (const change of kept) applyChange(state, change)
  const listeners: ((change: Change) => void)[] = []

  return {
    engine,
    get state() {
      return state
    },
    mark: () => queued,
    async flushed(since = 0) {
      if (turnEnd) await turnEnd
      const target = queued
      if (settled < target) await unlessStalled(writing)
      const failed = refused.find(({ first, write }) => write > since && first <= target)
      if (failed) throw failed.error
    },
    async catchUpJournal() {
      if (!engine.journalFromOthers) return
      for (const change of await engine.journalFromOthers()) applyChange(state, change)
    },
    catchUp,
    onExternalChange(listener) {
      listeners.push(listener)
    },
    reset() {
      batch = []
      unkept.clear()
      queue(() => engine.clear())
      state = createState(keeps ? sink : null)
    },
    async drop() {
      closed = true
      batch = []
      queue(() => engine.drop())
      await this.close()
    },
    async close() {
      // What was changed before is kept; whatever still changes the tables afterwards (an
      // attempt in flight, a time step under way) is not: it would bring back a world that
      // another instance deleted, or write to a closed database.
      closed = true
      await this.flushed().catch(() => undefined)
      await engine.close()
    },
  }
}

const recordKey = (change: Change) => `${change.table}\u0000${change.key}`

export { JOURNAL_LIMIT }
