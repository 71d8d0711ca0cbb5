import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { copyToPostgres, type FilledStore, fillDataDir } from './fill-store.ts'
import { type BenchPostgres, startBenchPostgres } from './postgres.ts'
import { type ChildGroup, CLI_BUNDLE } from './processes.ts'
import { timeToFirst200 } from './readiness.ts'
import { median } from './stats.ts'
import type { StoreMode } from './store-modes.ts'

// How long a restart keeps a developer waiting once the store holds a long session:
// spawn to the first 200 on /health (as the readiness section measures it) with 100,000
// kept changes in a data directory and in a PostgreSQL database, against a memory-mode
// start in the same run. Every mode starts once unmeasured (file-system cache), then in
// rotating order.

const SEED = 42

export interface RestartFigures {
  kept: FilledStore
  /** Median ms per mode; null when the mode could not be measured. */
  modes: Record<StoreMode, number | null>
  skipped: string | null
  runs: number
  postgres: string | null
}

export async function benchRestart(
  children: ChildGroup,
  changes = 100_000,
  runs = 3,
): Promise<RestartFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bank-sandbox-bench-restart-'))
  let postgres: BenchPostgres | null = null
  try {
    const kept = await fillDataDir(dataDir, changes, SEED)
    const stores: [StoreMode, string[]][] = [
      ['memory', []],
      ['data-dir', ['--data-dir', dataDir]],
    ]
    let skipped: string | null = null
    try {
      postgres = await startBenchPostgres()
      const database = await postgres.database()
      await copyToPostgres(dataDir, database, SEED)
      stores.push(['postgres', ['--database', database]])
    } catch (error) {
      skipped = `PostgreSQL mode not measured: ${error instanceof Error ? error.message : String(error)}`
    }
    const serve = (store: string[]) => (port: number) => [
      CLI_BUNDLE,
      'serve',
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--integration',
      'none',
      ...store,
    ]
    const times = new Map<StoreMode, number[]>(stores.map(([mode]) => [mode, []]))
    for (const [, store] of stores) await timeToHealth(children, serve(store))
    for (let round = 0; round < runs; round++) {
      for (let i = 0; i < stores.length; i++) {
        const entry = stores[(i + round) % stores.length]
        if (entry) times.get(entry[0])?.push(await timeToHealth(children, serve(entry[1])))
      }
    }
    const of = (mode: StoreMode) => {
      const measured = times.get(mode)
      return measured ? median(measured) : null
    }
    return {
      kept,
      modes: { memory: of('memory'), 'data-dir': of('data-dir'), postgres: of('postgres') },
      skipped,
      runs,
      postgres: postgres?.description ?? null,
    }
  } finally {
    await postgres?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** A kept store must not be taken from the environment: each mode is started explicitly. */
const timeToHealth = (children: ChildGroup, args: (port: number) => string[]) =>
  timeToFirst200(children, args, { ...process.env, DATABASE_URL: '' })
