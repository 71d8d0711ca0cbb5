import type { Change, TableName } from './table.ts'
import type { Outage } from './unavailable.ts'

// Where the store keeps its changes. Memory keeps nothing; SQLite (`--data-dir`) and
// PostgreSQL (`--database`) keep every record, so a restart loads them back. Each write
// is one transaction: a command and the webhooks it causes land together or not at all.

export interface StoredSettings {
  seed: number
}

export interface Engine {
  readonly kind: 'memory' | 'sqlite' | 'postgres'
  /** The seed and other facts fixed when the store was first opened; null for a new store. */
  settings(): StoredSettings | null | Promise<StoredSettings | null>
  saveSettings(settings: StoredSettings): void | Promise<void>
  /** Every kept record, in the order each was first written. */
  load(): Change[] | Promise<Change[]>
  /** Keeps a batch of changes in one transaction. */
  write(changes: readonly Change[]): void | Promise<void>
  /** Forgets every record (a reset). */
  clear(): void | Promise<void>
  /** Keeps only the newest `keep` records of a table (the bounded call journal). */
  trim(table: TableName, keep: number): void | Promise<void>
  /** Changes other instances wrote since the last call, their call journal lines aside; shared databases only. */
  changesFromOthers?(): Promise<Change[]>
  /**
   * The call journal lines other instances wrote since the last call, each once. Read only
   * where the whole journal is asked for (the journal list, privacy evidence): taking them
   * in before every request would cost each request every line of the last seconds.
   */
  journalFromOthers?(): Promise<Change[]>
  /**
   * Runs `work` holding the delivery's lock, so one instance at a time attempts it; false
   * (and `work` not run) when another instance holds it. `work` gets the delivery as kept
   * now (another instance may have attempted it meanwhile) and returns its new record, kept
   * before the lock is let go, or null when there was nothing to do. Shared databases only.
   */
  withDeliveryLock?(id: string, work: (kept: unknown) => Promise<unknown>): Promise<boolean>
  /**
   * Counts one more call under `key` in the wall-clock second `second` and answers the
   * count so far in that second, across every instance. Shared databases only: a rate
   * limit holds for all of them together.
   */
  countInSecond?(key: string, second: number): Promise<number>
  /** Whether this instance leads time-driven changes (held until it dies). Shared databases only. */
  tryLead?(): Promise<boolean>
  /**
   * Why the database cannot be reached now, or null while it answers. Shared databases only:
   * while it is away every call fails with StoreUnavailable.
   */
  outage?(): Outage | null
  /** Resolves once the database answers again (at once while it does). Shared databases only. */
  reachable?(): Promise<void>
  /**
   * The records of one world made with POST /sandbox/worlds, kept beside the default world's
   * in the same database and apart from them: its `clear` forgets that world alone, and the
   * default world's never touches it. Closing it leaves the database open.
   */
  world(id: string): Engine
  /**
   * Deletes every record of this world, leaving no row behind, not even a tombstone: the
   * world is deleted. On a shared database the other instances' views of the world then
   * report its WORLD_RECORD deleted (state.ts), so they stop serving it.
   */
  drop(): void | Promise<void>
  /** The worlds that have records kept. */
  worldIds(): string[] | Promise<string[]>
  close(): void | Promise<void>
}

export function memoryEngine(): Engine {
  let settings: StoredSettings | null = null
  return {
    world: () => memoryEngine(),
    worldIds: () => [],
    kind: 'memory',
    settings: () => settings,
    saveSettings: (next) => {
      settings = next
    },
    load: () => [],
    write: () => {},
    clear: () => {},
    drop: () => {},
    trim: () => {},
    close: () => {},
  }
}
