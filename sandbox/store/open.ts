import { UsageError } from '../usage-error.ts'
import { type Engine, memoryEngine } from './engine.ts'
import { createStore, type Store } from './store.ts'

// Opens the store `serve` was asked for: memory (default), a data directory (SQLite) or a
// PostgreSQL database. A kept store remembers its seed: the world must be the same one.

export interface StoreChoice {
  dataDir?: string | undefined
  databaseUrl?: string | undefined
  /** The seed asked for on the command line, if any. */
  seed: number | undefined
}

export async function openStore(
  choice: StoreChoice,
  defaultSeed: number,
): Promise<{ store: Store; seed: number }> {
  if (choice.dataDir && choice.databaseUrl) throw new UsageError('Use --data-dir or --database, not both.')
  const engine = await openEngine(choice)
  try {
    const kept = await engine.settings()
    if (kept && choice.seed !== undefined && kept.seed !== choice.seed) {
      throw new UsageError(
        `This data was made with --seed ${kept.seed}; start with --seed ${kept.seed}, or give another ${choice.dataDir ? '--data-dir' : '--database'}.`,
      )
    }
    const seed = kept?.seed ?? choice.seed ?? defaultSeed
    if (!kept) await engine.saveSettings({ seed })
    return { store: createStore(engine, await engine.load()), seed }
  } catch (error) {
    await engine.close()
    throw error
  }
}

async function openEngine(choice: StoreChoice): Promise<Engine> {
  if (choice.dataDir) {
    const { sqliteEngine } = await optional(() => import('./sqlite.ts'), 'better-sqlite3', '--data-dir')
    return sqliteEngine(choice.dataDir)
  }
  if (choice.databaseUrl) {
    const { postgresEngine } = await optional(() => import('./postgres.ts'), 'pg', '--database')
    return postgresEngine(choice.databaseUrl)
  }
  return memoryEngine()
}

/** The engines' drivers are optional dependencies: installs that leave them out still serve from memory. */
async function optional<T>(load: () => Promise<T>, driver: string, option: string): Promise<T> {
  try {
    return await load()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error
    throw new UsageError(`${option} needs the optional package ${driver}: npm install ${driver}`)
  }
}
