import { randomUUID } from 'node:crypto'
import pg from 'pg'
import type { Engine, StoredSettings } from './engine.ts'
import { holdClient } from './postgres-client.ts'
import { createLeadership } from './postgres-leader.ts'
import { createReachability } from './reachability.ts'
import { WORLD_RECORD } from './state.ts'
import type { Change, TableName } from './table.ts'

// The shared store (`serve --database postgres://…`): any number of sandbox instances on
// one database. Every record carries a version from one sequence and the instance that
// wrote it; before each request an instance takes in what the others wrote since its last
// look, so a revocation through one fails the very next call through another. Deleted
// records stay as tombstones, so the others see the deletion too; only a deleted world's
// go without a trace (its record's absence tells the others). The first instance to
// start creates the tables, under an advisory lock. Every call goes through `reachability`:
// while the database is away (a restart), calls fail at once with StoreUnavailable, and the
// instance carries on, answering 503, until a probe finds it back.

const MIGRATION_LOCK = 4_545_000_001
/** How far back each look re-reads others' writes: longer than any write takes to commit. */
const LOOKBACK_SECONDS = 2
/** Others' journal lines remembered as taken in: far more than any look-back re-reads. */
const JOURNAL_LINES_REMEMBERED = 200_000

const MIGRATIONS = `
  CREATE SEQUENCE IF NOT EXISTS bank_sandbox_versions;
  CREATE TABLE IF NOT EXISTS bank_sandbox_records (
    tbl TEXT NOT NULL,
    key TEXT NOT NULL,
    seq BIGINT NOT NULL,
    version BIGINT NOT NULL,
    writer TEXT NOT NULL,
    written_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    value JSONB,
    PRIMARY KEY (tbl, key)
  );
  CREATE INDEX IF NOT EXISTS bank_sandbox_records_by_version ON bank_sandbox_records (version);
  -- Each look at others' writes re-reads the last seconds' (changesFromOthers): by this
  -- index, without the call journal's lines (thousands a second under load, read apart).
  CREATE INDEX IF NOT EXISTS bank_sandbox_records_recent ON bank_sandbox_records (written_at)
    WHERE tbl NOT LIKE '%journal';
  CREATE TABLE IF NOT EXISTS bank_sandbox_settings (id INT PRIMARY KEY CHECK (id = 1), value JSONB NOT NULL);
  CREATE TABLE IF NOT EXISTS bank_sandbox_call_counts (key TEXT PRIMARY KEY, second BIGINT NOT NULL, count INT NOT NULL);
`

/** For a world's view ($4 its prefix, $5 WORLD_RECORD): the record's deletion, when no row of it is left. */
const GONE_WORLD_RECORD = `
  UNION ALL SELECT $4 || 'settings', $5, NULL, NULL WHERE NOT EXISTS (
    SELECT 1 FROM bank_sandbox_records WHERE tbl = $4 || 'settings' AND key = $5)`

interface Row {
  tbl: TableName
  key: string
  value: unknown
  /** Null only for the deletion of a world's record that changesFromOthers makes up. */
  version: string | null
}

export async function postgresEngine(url: string): Promise<Engine> {
  // A connection attempt gives up in time: a server that vanished from the network would
  // otherwise hold every call until the operating system gives up on it.
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
  })
  // An idle connection the server ended: the pool drops it; the next call finds out the rest.
  pool.on('error', () => undefined)
  const reachability = createReachability(() => pool.query('SELECT 1'))
  const query = <R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]) =>
    reachability.guard(() => pool.query<R>(text, values))
  const leadership = createLeadership(pool, reachability)
  const writer = randomUUID()

  const migrating = await holdClient(pool)
  try {
    await migrating.client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    await migrating.client.query(MIGRATIONS)
  } finally {
    await migrating.client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined)
    migrating.release()
  }

  /**
   * One world's view of the tables: its table names carry `prefix` (`wld_…/consents`); the
   * default world's hold no slash. Each view looks for others' writes on its own.
   */
  const scoped = (world: string | null): Engine => {
    const prefix = world === null ? '' : `${world}/`
    /** The SQL that picks this world's rows, with the prefix as parameter `$n` when it needs one. */
    const mine = (n: number) => (world === null ? `position('/' in tbl) = 0` : `starts_with(tbl, $${n})`)
    const mineParams = world === null ? [] : [prefix]
    const unprefixed = (rows: readonly Row[]) =>
      rows.map((row) => ({
        table: row.tbl.slice(prefix.length) as TableName,
        key: row.key,
        value: row.value,
      }))
    let seen = 0n
    const journalTable = `${prefix}journal`
    let journalSeen = 0n
    /** Journal lines of others already taken in, oldest first: enough to cover the look-back. */
    const journalTaken = new Set<string>()
    const takeInJournalLine = (key: string) => {
      if (journalTaken.has(key)) return false
      journalTaken.add(key)
      if (journalTaken.size > JOURNAL_LINES_REMEMBERED)
        journalTaken.delete(journalTaken.values().next().value ?? '')
      return true
    }
    const note = (rows: readonly Row[]) => {
      for (const row of rows)
        if (row.version !== null && BigInt(row.version) > seen) seen = BigInt(row.version)
    }
    return {
      kind: 'postgres',
      async settings() {
        if (world !== null) return null
        const { rows } = await query('SELECT value FROM bank_sandbox_settings WHERE id = 1')
        return (rows[0]?.value as StoredSettings | undefined) ?? null
      },
      async saveSettings(settings) {
        if (world !== null) return
        await query(
          'INSERT INTO bank_sandbox_settings (id, value) VALUES (1, $1) ON CONFLICT (id) DO NOTHING',
          [JSON.stringify(settings)],
        )
      },
      async load() {
        const { rows } = await query<Row>(
          `SELECT tbl, key, value, version FROM bank_sandbox_records WHERE value IS NOT NULL AND ${mine(1)} ORDER BY seq`,
          mineParams,
        )
        const { rows: top } = await query<{ version: string | null }>(
          'SELECT MAX(version)::text AS version FROM bank_sandbox_records',
        )
        seen = BigInt(top[0]?.version ?? '0')
        journalSeen = seen
        // The look-back reads the last seconds' lines again: those loaded here are taken in.
        for (const row of rows) if (row.tbl === journalTable) takeInJournalLine(row.key)
        return unprefixed(rows)
      },
      async write(changes) {
        const last = lastOfEach(changes)
        await query(
          `INSERT INTO bank_sandbox_records (tbl, key, value, seq, version, writer)
           SELECT t, k, v, n, n, $4 FROM (
             SELECT t, k, v, nextval('bank_sandbox_versions') AS n
             FROM unnest($1::text[], $2::text[], $3::jsonb[]) WITH ORDINALITY AS u(t, k, v, o) ORDER BY o
           ) AS fresh
           ON CONFLICT (tbl, key) DO UPDATE
             SET value = excluded.value, version = excluded.version, writer = excluded.writer,
                 written_at = clock_timestamp()`,
          [
            last.map((c) => prefix + c.table),
            last.map((c) => c.key),
            last.map((c) => (c.value === null ? null : JSON.stringify(c.value))),
            writer,
          ],
        )
      },
      async clear() {
        // Tombstones, not deletes: the other instances must forget these records too.
        await query(
          `UPDATE bank_sandbox_records
           SET value = NULL, version = nextval('bank_sandbox_versions'), writer = $1, written_at = clock_timestamp()
           WHERE value IS NOT NULL AND ${mine(2)}`,
          [writer, ...mineParams],
        )
      },
      async drop() {
        // Deletes, not tombstones: a deleted world leaves no row. The other instances learn
        // of it from its record being gone (changesFromOthers).
        await query(`DELETE FROM bank_sandbox_records WHERE ${mine(1)}`, mineParams)
        if (world !== null)
          await query('DELETE FROM bank_sandbox_call_counts WHERE starts_with(key, $1)', [prefix])
      },
      async countInSecond(key, second) {
        // One row per key, started afresh by the first call of each second: an atomic upsert,
        // so two instances counting at once both count.
        const { rows } = await query(
          `INSERT INTO bank_sandbox_call_counts AS counts (key, second, count) VALUES ($1, $2, 1)
           ON CONFLICT (key) DO UPDATE SET
             count = CASE WHEN counts.second = EXCLUDED.second THEN counts.count + 1 ELSE 1 END,
             second = EXCLUDED.second
           RETURNING count`,
          [`${prefix}${key}`, second],
        )
        return Number((rows[0] as { count: number } | undefined)?.count ?? 1)
      },
      async trim(table, keep) {
        // Trimmed rows go for good: nobody else needs to forget an old journal line.
        await query(
          `DELETE FROM bank_sandbox_records WHERE tbl = $1 AND seq < (
             SELECT seq FROM bank_sandbox_records WHERE tbl = $1 ORDER BY seq DESC LIMIT 1 OFFSET $2)`,
          [prefix + table, keep - 1],
        )
      },
      async changesFromOthers() {
        // Versions are drawn before commit, so a lower one may become visible after a higher
        // one: whatever others wrote in the last seconds is read again (applying it twice is
        // harmless, each row holds its latest value). The call journal is read apart
        // (journalFromOthers): only where it is asked for.
        // A world another instance deleted left no row: its record's absence (one key looked
        // up) is told as that record's deletion.
        const { rows } = await query<Row>(
          `SELECT tbl, key, value, version FROM bank_sandbox_records
           WHERE writer <> $2 AND tbl <> $3 AND tbl NOT LIKE '%journal' AND ${mine(4)}
             AND (version > $1 OR written_at > now() - interval '${LOOKBACK_SECONDS} seconds')
           ${world === null ? '' : GONE_WORLD_RECORD}
           ORDER BY version`,
          [seen.toString(), writer, journalTable, ...mineParams, ...(world === null ? [] : [WORLD_RECORD])],
        )
        note(rows)
        return unprefixed(rows)
      },
      async journalFromOthers() {
        // The same look-back as for the other tables; journal lines only grow, so a line
        // already taken in is not taken in twice.
        const { rows } = await query<Row>(
          `SELECT tbl, key, value, version FROM bank_sandbox_records
           WHERE writer <> $2 AND tbl = $3
             AND (version > $1 OR written_at > now() - interval '${LOOKBACK_SECONDS} seconds')
           ORDER BY version`,
          [journalSeen.toString(), writer, journalTable],
        )
        for (const row of rows)
          if (row.version !== null && BigInt(row.version) > journalSeen) journalSeen = BigInt(row.version)
        return unprefixed(rows.filter((row) => takeInJournalLine(row.key)))
      },
      async withDeliveryLock(id, work) {
        // One instance attempts a delivery at a time: the row stays locked while the attempt
        // is out, and an instance killed mid-attempt drops its lock with its connection.
        const held = await reachability.guard(() => holdClient(pool))
        const locked = held.client
        try {
          await locked.query('BEGIN')
          const { rows } = await locked.query<{ value: unknown }>(
            `SELECT value FROM bank_sandbox_records WHERE tbl = $2 AND key = $1 FOR UPDATE SKIP LOCKED`,
            [id, `${prefix}deliveries`],
          )
          if (rows.length === 0) {
            await locked.query('ROLLBACK')
            return false
          }
          const next = await work(rows[0]?.value)
          if (next !== null)
            await locked.query(
              `UPDATE bank_sandbox_records
               SET value = $2, version = nextval('bank_sandbox_versions'), writer = $3, written_at = clock_timestamp()
               WHERE tbl = $4 AND key = $1`,
              [id, JSON.stringify(next), writer, `${prefix}deliveries`],
            )
          await locked.query('COMMIT')
          return true
        } catch (error) {
          const thrown = reachability.failure(error)
          // A broken connection takes its transaction with it: the attempt is tried again later.
          if (held.broken() || thrown !== error) held.release(true)
          else await locked.query('ROLLBACK').catch(() => undefined)
          throw thrown
        } finally {
          held.release()
        }
      },
      tryLead: leadership.tryLead,
      outage: reachability.outage,
      reachable: reachability.reachable,
      world: (id) => scoped(id),
      async worldIds() {
        const { rows } = await query<{ id: string }>(
          `SELECT DISTINCT split_part(tbl, '/', 1) AS id FROM bank_sandbox_records
           WHERE position('/' in tbl) > 0 AND value IS NOT NULL`,
        )
        return rows.map((row) => row.id)
      },
      async close() {
        if (world !== null) return
        leadership.release()
        reachability.close()
        await pool.end()
      },
    }
  }

  return scoped(null)
}

/** One row per record: a batch may change the same record twice; the last value wins. */
function lastOfEach(changes: readonly Change[]): Change[] {
  const byKey = new Map<string, Change>()
  for (const change of changes) {
    const key = `${change.table}\u0000${change.key}`
    if (byKey.has(key)) byKey.delete(key)
    byKey.set(key, change)
  }
  return [...byKey.values()]
}
