import type { Engine } from './engine.ts'
import { applyChange, createState, JOURNAL_LIMIT, type SandboxState } from './state.ts'
import type { Change } from './table.ts'

// The store: the world's tables, and the engine that keeps them. A command changes
// tables synchronously, as one step of JavaScript, together with the webhooks it queues;
// the changes of that step go to the engine in one transaction at the next microtask,
// before any answer leaves (the server awaits `flushed()`), the call journal's line for
// that request included. The kept journal is trimmed to JOURNAL_LIMIT lines now and then.

const JOURNAL_TRIM_EVERY = 5_000

export interface Store {
  readonly engine: Engine
  readonly state: SandboxState
  /** Resolves once every change made so far is kept (at once in memory mode). */
  flushed(): Promise<void>
  /** Takes in what other instances kept since the last look (PostgreSQL only; a no-op elsewhere). */
  catchUp(): Promise<void>
  /** Hears each change another instance made, once it is in the tables (to update derived views). */
  onExternalChange(listener: (change: Change) => void): void
  /** Forgets every record: a fresh world (the engine forgets them in order with other writes). */
  reset(): void
  close(): Promise<void>
}

/** A store over `engine`, holding the records it `kept` (loaded by the caller: PostgreSQL loads asynchronously). */
export function createStore(engine: Engine, kept: readonly Change[] = []): Store {
  const keeps = engine.kind !== 'memory'
  let batch: Change[] = []
  let journalWritten = 0
  let writing: Promise<void> = Promise.resolve()
  let failure: unknown = null

  const queue = (work: () => void | Promise<void>) => {
    writing = writing.then(work).catch((error: unknown) => {
      // A store that cannot write must not go on answering as if it had.
      failure = error
      console.error('The store could not keep a change:', error)
    })
  }
  const flushBatch = () => {
    const changes = batch
    batch = []
    if (changes.length > 0) queue(() => engine.write(changes))
    if (journalWritten >= JOURNAL_TRIM_EVERY) {
      journalWritten = 0
      queue(() => engine.trim('journal', JOURNAL_LIMIT))
    }
  }
  const sink = (change: Change) => {
    if (batch.length === 0) queueMicrotask(flushBatch)
    batch.push(change)
    if (change.table === 'journal') journalWritten++
  }

  let state = createState(keeps ? sink : null)
  for (const change of kept) applyChange(state, change)
  const listeners: ((change: Change) => void)[] = []

  return {
    engine,
    get state() {
      return state
    },
    async flushed() {
      flushBatch()
      await writing
      if (failure) throw failure
    },
    async catchUp() {
      if (!engine.changesFromOthers) return
      for (const change of await engine.changesFromOthers()) {
        applyChange(state, change)
        for (const listener of listeners) listener(change)
      }
    },
    onExternalChange(listener) {
      listeners.push(listener)
    },
    reset() {
      batch = []
      queue(() => engine.clear())
      state = createState(keeps ? sink : null)
    },
    async close() {
      await this.flushed().catch(() => undefined)
      await engine.close()
    },
  }
}

export { JOURNAL_LIMIT }
