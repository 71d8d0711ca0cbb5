import { toIso } from '../clock.ts'

// The journal of bank-API and Send-API calls: the newest `capacity` of them, in a ring of
// columns. Keeping one object per call for minutes made every call pay to promote it
// through the garbage collector (a quarter of a balance read, and most of its p99);
// numbers in typed arrays and strings that already exist elsewhere cost nothing to keep.
// Entries are built as objects only when someone reads them.

export interface JournalEntry {
  id: number
  at: string
  bankId: string | null
  method: string
  route: string
  path: string
  consentId: string | null
  status: number
  latencyMs: number
}

export type JournalCall = Omit<JournalEntry, 'id' | 'at'> & { atMs: number }

export interface Journal {
  /** Records a call; returns its id (1, 2, … in order). */
  record(call: JournalCall): number
  /** Takes back a kept entry (loading a store), numbered after those taken back before it. */
  restore(entry: JournalEntry): void
  /** Every kept entry, oldest first. */
  entries(): JournalEntry[]
  /** Up to `count` entries, newest first. */
  newest(count: number): JournalEntry[]
  /** How many calls were ever recorded, kept or not: it changes on every call. */
  readonly recorded: number
}

/** Distinct paths remembered so that a repeated path is stored once, not once per call. */
const PATH_TABLE_SIZE = 4096

/**
 * `keep`, when given, receives each entry as it is recorded, for a store that keeps the
 * journal; in memory mode nothing is built per call.
 */
export function createJournal(
  capacity: number,
  keep: ((entry: JournalEntry) => void) | null = null,
): Journal {
  const atMs = new Float64Array(capacity)
  const latencyMs = new Float64Array(capacity)
  const status = new Uint16Array(capacity)
  const bankIds: (string | null)[] = new Array(capacity).fill(null)
  const methods: string[] = new Array(capacity).fill('')
  const routes: string[] = new Array(capacity).fill('')
  const paths: string[] = new Array(capacity).fill('')
  const consentIds: (string | null)[] = new Array(capacity).fill(null)
  const knownPaths = new Map<string, string>()
  let recorded = 0

  /** The stored copy of a path: a fresh string per call would be kept, and promoted, per call. */
  const shared = (path: string) => {
    const known = knownPaths.get(path)
    if (known !== undefined) return known
    if (knownPaths.size >= PATH_TABLE_SIZE) knownPaths.clear()
    knownPaths.set(path, path)
    return path
  }

  const entry = (id: number): JournalEntry => {
    const slot = (id - 1) % capacity
    return {
      id,
      at: toIso(atMs[slot] as number),
      bankId: bankIds[slot] ?? null,
      method: methods[slot] as string,
      route: routes[slot] as string,
      path: paths[slot] as string,
      consentId: consentIds[slot] ?? null,
      status: status[slot] as number,
      latencyMs: latencyMs[slot] as number,
    }
  }
  const oldestKept = () => Math.max(1, recorded - capacity + 1)

  const put = (call: JournalCall) => {
    const slot = recorded % capacity
    recorded++
    atMs[slot] = call.atMs
    latencyMs[slot] = call.latencyMs
    status[slot] = call.status
    bankIds[slot] = call.bankId
    methods[slot] = call.method
    routes[slot] = call.route
    paths[slot] = shared(call.path)
    consentIds[slot] = call.consentId
  }

  return {
    record(call) {
      put(call)
      keep?.(entry(recorded))
      return recorded
    },
    restore({ id: _kept, at, ...call }) {
      // Kept entries come back oldest first, from every instance that shared the store:
      // they are numbered anew, in that order, and new calls go on from the last.
      put({ ...call, atMs: Date.parse(at) })
    },
    entries() {
      const out: JournalEntry[] = []
      for (let id = oldestKept(); id <= recorded; id++) out.push(entry(id))
      return out
    },
    newest(count) {
      const out: JournalEntry[] = []
      for (let id = recorded; id >= oldestKept() && out.length < count; id--) out.push(entry(id))
      return out
    },
    get recorded() {
      return recorded
    },
  }
}
