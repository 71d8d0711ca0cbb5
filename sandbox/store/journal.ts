import { toIso } from '../time/clock.ts'

// The journal of bank-API and Send-API calls: the newest `capacity` of them, in a ring of
// columns. Keeping one object per call for minutes made every call pay to promote it
// through the garbage collector (a quarter of a balance read, and most of its p99);
// numbers in typed arrays and strings that already exist elsewhere cost nothing to keep.
// Entries are built as objects only when someone reads them.

export interface JournalEntry {
  id: number
  /** When the call was answered, on the simulation clock. */
  at: string
  /** When the call arrived, on the wall clock: what privacy evidence times reactions by. */
  wallAt: string
  bankId: string | null
  method: string
  route: string
  path: string
  consentId: string | null
  status: number
  latencyMs: number
  /** The consent scope the answer was served under; null for anything not served as data. */
  scope: string | null
  /** How many records the answer carried (accounts, balances, cards, alerts, transactions). */
  records: number
  /** For transaction answers, how many of the records were spent where; null otherwise. */
  channels: ChannelCounts | null
  /** The problem `code` of a refused messaging-platform call (absent otherwise). */
  code?: string
  /** A platform rule the call broke, beyond being refused (absent otherwise). */
  policyViolation?: string
}

/** What a few platform calls note beside their answer; most calls note nothing. */
export type JournalNote = Pick<JournalEntry, 'code' | 'policyViolation'>

export interface ChannelCounts {
  platform: number
  inStore: number
  online: number
}

/** What a call is recorded with; what only data answers carry may be left out. */
export type JournalCall = Omit<
  JournalEntry,
  'id' | 'at' | 'wallAt' | 'scope' | 'records' | 'channels' | 'code' | 'policyViolation'
> & {
  note?: JournalNote | null
  atMs: number
  /** Default: atMs. */
  wallAtMs?: number
  scope?: string | null
  records?: number
  channels?: ChannelCounts | null
}

export interface Journal {
  /** Records a call; returns its id (1, 2, … in order). */
  record(call: JournalCall): number
  /** Takes back a kept entry (loading a store), numbered after those taken back before it. */
  restore(entry: JournalEntry): void
  /** Every kept entry, oldest first. */
  entries(): JournalEntry[]
  /** Kept entries numbered after `afterId`, oldest first, each built only as it is taken. */
  after(afterId: number): Generator<JournalEntry>
  /** The kept calls made under one consent, oldest first; only those are built. */
  ofConsent(consentId: string): JournalEntry[]
  /** Up to `count` entries, newest first. */
  newest(count: number): JournalEntry[]
  /** How many calls were ever recorded, kept or not: it changes on every call. */
  readonly recorded: number
}

/** Slots the journal starts with; it doubles them as calls come, up to its capacity. */
const FIRST_SLOTS = 256

/** `fresh`, longer, holding `old`'s values first. */
function widened<T extends Float64Array | Uint16Array | Uint32Array | Int32Array>(old: T, fresh: T): T {
  fresh.set(old as never)
  return fresh
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
  // The columns start small and double until they reach `capacity`, and only then wrap: an
  // idle world (a server may hold a hundred) costs kilobytes, not the full journal's megabytes.
  let size = Math.min(capacity, FIRST_SLOTS)
  let atMs = new Float64Array(size)
  let wallAtMs = new Float64Array(size)
  let latencyMs = new Float64Array(size)
  let status = new Uint16Array(size)
  let bankIds: (string | null)[] = new Array(size).fill(null)
  let methods: string[] = new Array(size).fill('')
  let routes: string[] = new Array(size).fill('')
  let paths: string[] = new Array(size).fill('')
  let consentIds: (string | null)[] = new Array(size).fill(null)
  // Served records: a scope string that already exists, and counts in typed arrays.
  let scopes: (string | null)[] = new Array(size).fill(null)
  let records = new Uint32Array(size)
  /** platform, in store, online per slot; a negative platform count means "not transactions". */
  let channelCounts = new Int32Array(size * 3)
  /** Rare: a refused platform call's code and any rule it broke. */
  let notes: (JournalNote | null)[] = new Array(size).fill(null)
  const grow = () => {
    const next = Math.min(capacity, size * 2)
    atMs = widened(atMs, new Float64Array(next))
    wallAtMs = widened(wallAtMs, new Float64Array(next))
    latencyMs = widened(latencyMs, new Float64Array(next))
    status = widened(status, new Uint16Array(next))
    records = widened(records, new Uint32Array(next))
    channelCounts = widened(channelCounts, new Int32Array(next * 3))
    bankIds = bankIds.concat(new Array(next - size).fill(null))
    methods = methods.concat(new Array(next - size).fill(''))
    routes = routes.concat(new Array(next - size).fill(''))
    paths = paths.concat(new Array(next - size).fill(''))
    consentIds = consentIds.concat(new Array(next - size).fill(null))
    scopes = scopes.concat(new Array(next - size).fill(null))
    notes = notes.concat(new Array(next - size).fill(null))
    size = next
  }
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
      wallAt: toIso(wallAtMs[slot] as number),
      bankId: bankIds[slot] ?? null,
      method: methods[slot] as string,
      route: routes[slot] as string,
      path: paths[slot] as string,
      consentId: consentIds[slot] ?? null,
      status: status[slot] as number,
      latencyMs: latencyMs[slot] as number,
      scope: scopes[slot] ?? null,
      records: records[slot] as number,
      channels: channelsOf(slot),
      ...notes[slot],
    }
  }
  const channelsOf = (slot: number): ChannelCounts | null => {
    const platform = channelCounts[slot * 3] as number
    if (platform < 0) return null
    return {
      platform,
      inStore: channelCounts[slot * 3 + 1] as number,
      online: channelCounts[slot * 3 + 2] as number,
    }
  }
  const oldestKept = () => Math.max(1, recorded - capacity + 1)

  const put = (call: JournalCall) => {
    // Until the columns reach capacity nothing wraps, so a slot is always within them.
    if (recorded === size && size < capacity) grow()
    const slot = recorded % capacity
    recorded++
    atMs[slot] = call.atMs
    wallAtMs[slot] = call.wallAtMs ?? call.atMs
    latencyMs[slot] = call.latencyMs
    status[slot] = call.status
    bankIds[slot] = call.bankId
    methods[slot] = call.method
    routes[slot] = call.route
    paths[slot] = shared(call.path)
    consentIds[slot] = call.consentId
    scopes[slot] = call.scope ?? null
    records[slot] = call.records ?? 0
    const channels = call.channels ?? null
    channelCounts[slot * 3] = channels === null ? -1 : channels.platform
    channelCounts[slot * 3 + 1] = channels?.inStore ?? 0
    channelCounts[slot * 3 + 2] = channels?.online ?? 0
    notes[slot] = call.note ?? null
  }

  return {
    record(call) {
      put(call)
      keep?.(entry(recorded))
      return recorded
    },
    restore({ id: _kept, at, wallAt, code, policyViolation, ...call }) {
      // Kept entries come back oldest first, from every instance that shared the store:
      // they are numbered anew, in that order, and new calls go on from the last.
      const atMsKept = Date.parse(at)
      const note: JournalNote = {
        ...(code === undefined ? {} : { code }),
        ...(policyViolation === undefined ? {} : { policyViolation }),
      }
      put({
        ...call,
        atMs: atMsKept,
        wallAtMs: wallAt === undefined ? atMsKept : Date.parse(wallAt),
        note: Object.keys(note).length === 0 ? null : note,
      })
    },
    entries() {
      const out: JournalEntry[] = []
      for (let id = oldestKept(); id <= recorded; id++) out.push(entry(id))
      return out
    },
    *after(afterId) {
      for (let id = Math.max(afterId + 1, oldestKept()); id <= recorded; id++) yield entry(id)
    },
    ofConsent(consentId) {
      const out: JournalEntry[] = []
      for (let id = oldestKept(); id <= recorded; id++)
        if (consentIds[(id - 1) % capacity] === consentId) out.push(entry(id))
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
