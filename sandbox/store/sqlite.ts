import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Engine, StoredSettings } from './engine.ts'
import type { Change, TableName } from './table.ts'

// The on-disk store (`serve --data-dir DIR`): one SQLite file in WAL mode. Writes are
// synchronous and take microseconds, so a command is kept before its answer leaves; a
// `kill -9` loses nothing that was answered. SQLite's journal makes a torn last write
// roll back on the next open.

export const DATABASE_FILE = 'bank-sandbox.sqlite'

export function sqliteEngine(dataDir: string): Engine {
  mkdirSync(dataDir, { recursive: true })
  const db = new Database(join(dataDir, DATABASE_FILE))
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
    CREATE INDEX IF NOT EXISTS records_by_seq ON records (seq);
    CREATE TABLE IF NOT EXISTS settings (id INTEGER PRIMARY KEY CHECK (id = 1), value TEXT NOT NULL);
  `)
  let seq = (db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM records').get() as { seq: number }).seq
  const upsert = db.prepare(
    'INSERT INTO records (tbl, key, seq, value) VALUES (?, ?, ?, ?) ON CONFLICT (tbl, key) DO UPDATE SET value = excluded.value',
  )
  const remove = db.prepare('DELETE FROM records WHERE tbl = ? AND key = ?')
  const writeAll = db.transaction((changes: readonly Change[]) => {
    for (const change of changes) {
      if (change.value === null) remove.run(change.table, change.key)
      else upsert.run(change.table, change.key, ++seq, JSON.stringify(change.value))
    }
  })

  return {
    kind: 'sqlite',
    settings() {
      const row = db.prepare('SELECT value FROM settings WHERE id = 1').get() as { value: string } | undefined
      return row ? (JSON.parse(row.value) as StoredSettings) : null
    },
    saveSettings(settings) {
      db.prepare('INSERT OR REPLACE INTO settings (id, value) VALUES (1, ?)').run(JSON.stringify(settings))
    },
    load() {
      const rows = db.prepare('SELECT tbl, key, value FROM records ORDER BY seq').all() as {
        tbl: TableName
        key: string
        value: string
      }[]
      return rows.map((row) => ({ table: row.tbl, key: row.key, value: JSON.parse(row.value) }))
    },
    write: (changes) => writeAll(changes),
    clear() {
      db.exec('DELETE FROM records')
    },
    trim(table, keep) {
      db.prepare(
        `DELETE FROM records WHERE tbl = ? AND seq < (
           SELECT seq FROM records WHERE tbl = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
      ).run(table, table, keep - 1)
    },
    close() {
      db.close()
    },
  }
}
