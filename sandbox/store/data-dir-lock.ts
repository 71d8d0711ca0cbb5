import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { UsageError } from '../usage-error.ts'

// One process per data directory: two servers on one SQLite file would each serve from
// their own view of it and disagree. The lock is the operating system's (SQLite's file
// lock on `bank-sandbox.lock`, held for the life of the process), so a process that dies,
// even by kill -9, lets it go with its file handles: no stale lock ever blocks a start.
// Beside it, `bank-sandbox.pid` names the holder, for the message a second server gives.

export const LOCK_FILE = 'bank-sandbox.lock'
export const PID_FILE = 'bank-sandbox.pid'

/** Takes the data directory for this process, or a usage error naming the process that holds it. */
export function lockDataDir(dataDir: string): () => void {
  const pidFile = join(dataDir, PID_FILE)
  // No waiting: a second server is refused at once.
  const lock = new Database(join(dataDir, LOCK_FILE), { timeout: 0 })
  try {
    lock.exec('BEGIN EXCLUSIVE')
  } catch (error) {
    lock.close()
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error
    const holder = holderOf(pidFile)
    throw new UsageError(
      `Another bank-sandbox${holder === null ? '' : ` (pid ${holder})`} is serving --data-dir ${dataDir}: one process per data directory. Stop it, or give another --data-dir.`,
    )
  }
  writeFileSync(pidFile, `${process.pid}\n`)
  return () => {
    if (holderOf(pidFile) === process.pid) rmSync(pidFile, { force: true })
    lock.close()
  }
}

function holderOf(pidFile: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10)
    return Number.isSafeInteger(pid) ? pid : null
  } catch {
    return null
  }
}
