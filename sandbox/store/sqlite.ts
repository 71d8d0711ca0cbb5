import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { lockDataDir } from './data-dir-lock.ts'
import type { Engine, StoredSettings } from './engine.ts'
import type { Change, TableName } from './table.ts'

// The on-disk store (`serve --data-dir DIR`): one SQLite file in WAL mode. Writes are
// synchronous and take microseconds, so a command is kept before its answer leaves; a
// `kill -9` loses nothing that was answered. SQLite's journal makes a torn last write
// roll back on the next open. A world made with POST /sandbox/worlds keeps its records
// in the same file under its own table names (`wld_…/consents`), apart from the default
// world's (which hold no slash). One process at a time holds a data directory (data-dir-lock.ts).

export const DATABASE_FILE = 'bank-sandbox.sqlite'

export function sqliteEngine(dataDir: string): Engine {
  mkdirSync(dataDir, { recursive: true })
  const unlock = lockDataDir(dataDir)
  let db: Database.Database
  try {
    db = new Database(join(dataDir, DATABASE_FILE))
  } catch (error) {
    unlock()
    throw error
  }
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(`
    CREATE TABLE IF NOT EXISTS records (
      tbl TEXT NOT NULL,
      key TEXT NOT NULL,
      seq INTEGER NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (tbl, key)
    );
    -- Trimming a table (the journal) walks its rows newest first: by (tbl, seq), it deletes
    -- only what goes, where an index on seq alone scanned every row of the table.
    DROP INDEX IF EXISTS records_by_seq;
    CREATE INDEX IF NOT EXISTS records_by_tbl_seq ON records (tbl, seq);
    CREATE TABLE IF NOT EXISTS settings (id INTEGER PRIMARY KEY CHECK (id = 1), value TEXT NOT NULL);
  `)
  const order = {
    seq: (db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM records').get() as { seq: number }).seq,
  }
  const upsert = db.prepare(
    'INSERT INTO records (tbl, key, seq, value) VALUES (?, ?, ?, ?) ON CONFLICT (tbl, key) DO UPDATE SET value = excluded.value',
  )
  const remove = db.prepare('DELETE FROM records WHERE tbl = ? AND key = ?')

  /** One world's view of the file: table names carry `prefix`, and `mine` picks its rows. */
  const scoped = (world: string | null): Engine => {
    const prefix = world === null ? '' : `${world}/`
    const mine = world === null ? `instr(tbl, '/') = 0` : `substr(tbl, 1, ${prefix.length}) = @prefix`
    const params = world === null ? [] : [{ prefix }]
    const writeAll = db.transaction((changes: readonly Change[]) => {
      for (const change of changes) {
        const tbl = prefix + change.table
        if (change.value === null) remove.run(tbl, change.key)
        else upsert.run(tbl, change.key, ++order.seq, JSON.stringify(change.value))
      }
    })
    const engine: Engine = {
      kind: 'sqlite',
      settings() {
        if (world !== null) return null
        const row = db.prepare('SELECT value FROM settings WHERE id = 1').get() as
          | { value: string }
          | undefined
        return row ? (JSON.parse(row.value) as StoredSettings) : null
      },
      saveSettings(settings) {
        if (world !== null) return
        db.prepare('INSERT OR REPLACE INTO settings (id, value) VALUES (1, ?)').run(JSON.stringify(settings))
      },
      load() {
        const rows = db
          .prepare(`SELECT tbl, key, value FROM records WHERE ${mine} ORDER BY seq`)
          .all(...params) as {
          tbl: string
          key: string
          value: string
        }[]
        return rows.map((row) => ({
          table: row.tbl.slice(prefix.length) as TableName,
          key: row.key,
          value: JSON.parse(row.value),
        }))
      },
      write: (changes) => writeAll(changes),
      clear() {
        db.prepare(`DELETE FROM records WHERE ${mine}`).run(...params)
      },
      // One process holds the file (data-dir-lock.ts): nobody else needs to hear of the deletion.
      drop() {
        db.prepare(`DELETE FROM records WHERE ${mine}`).run(...params)
      },
      trim(table, keep) {
        db.prepare(
          `DELETE FROM records WHERE tbl = ? AND seq < (
             SELECT seq FROM records WHERE tbl = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
        ).run(prefix + table, prefix + table, keep - 1)
      },
      world: (id) => scoped(id),
      worldIds() {
        const rows = db
          .prepare(
            `SELECT DISTINCT substr(tbl, 1, instr(tbl, '/') - 1) AS id FROM records WHERE instr(tbl, '/') > 0`,
          )
          .all() as { id: string }[]
        return rows.map((row) => row.id)
      },
      close() {
        if (world !== null) return
        db.close()
        unlock()
      },
    }
    return engine
  }
  return scoped(null)
}
