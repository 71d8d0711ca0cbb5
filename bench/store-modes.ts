import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { recordFixtures } from './fixtures.ts'
import { type LoadOptions, type LoadResult, load } from './load.ts'
import { detectPinning } from './pinning.ts'
import { type BenchPostgres, startBenchPostgres } from './postgres.ts'
import { benchScript, type ChildGroup, CLI_BUNDLE, NODE, waitForOutput } from './processes.ts'
import { median } from './stats.ts'

// Balance reads with each way of keeping state — memory, a data directory (SQLite) and a
// PostgreSQL database — against the bare node:http server replaying the memory sandbox's
// bytes, all in the same run, loaded in rotating order as the HTTP section is. A kept
// store writes each read's journal entry before the answer leaves; PostgreSQL also takes
// in other instances' changes before each request. The cluster, when the bench started
// it, shares the servers' core: the whole server side gets one core, as bare does.

export const STORE_MODES = ['memory', 'data-dir', 'postgres'] as const
export type StoreMode = (typeof STORE_MODES)[number]
type Server = StoreMode | 'bare'

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/
/** Four servers in turn: shorter runs than the HTTP section's keep this one under a minute. */
const STORE_LOAD: LoadOptions = { connections: 10, warmupSeconds: 0.5, seconds: 2 }

interface Figures {
  requestsPerSecond: number
  p99Ms: number
}

export interface StoreModeFigures {
  /** null: the mode could not be measured (no PostgreSQL); why is in `skipped`. */
  modes: Record<StoreMode, Figures | null>
  bare: Figures
  failures: number
  skipped: string | null
  rounds: number
  load: LoadOptions
  pinning: string | null
  postgres: string | null
}

export async function benchStoreModes(
  children: ChildGroup,
  rounds = 3,
  options = STORE_LOAD,
): Promise<StoreModeFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bank-sandbox-bench-data-'))
  let postgres: BenchPostgres | null = null
  let skipped: string | null = null
  try {
    postgres = await startBenchPostgres()
  } catch (error) {
    skipped = `PostgreSQL mode not measured: ${error instanceof Error ? error.message : String(error)}`
  }
  const pinning = detectPinning()
  const startServer = (args: string[], options: Parameters<ChildGroup['start']>[2] = {}) => {
    const env = { ...process.env, DATABASE_URL: '' }
    return pinning
      ? children.start('taskset', [...pinning.serverPrefix, NODE, ...args], { env, ...options })
      : children.start(NODE, args, { env, ...options })
  }
  const serve = (...store: string[]) =>
    startServer([CLI_BUNDLE, 'serve', '--port', '0', '--host', '127.0.0.1', '--seed', '42', ...store])
  const sandboxes = new Map([
    ['memory', serve()],
    ['data-dir', serve('--data-dir', dataDir)],
  ] as [StoreMode, ReturnType<typeof serve>][])
  if (postgres) {
    const core = pinning?.serverPrefix.at(-1)
    if (core !== undefined) postgres.pin(core)
    sandboxes.set('postgres', serve('--database', await postgres.database()))
  }
  const bareChild = startServer(benchScript('./bare-server.ts'), { stdio: ['pipe', 'pipe', 'pipe'] })
  pinning?.hold()
  try {
    const targets = new Map<Server, { url: string; headers: Record<string, string> }>()
    let recorded = ''
    for (const [mode, child] of sandboxes) {
      const [, url = ''] = await waitForOutput(child, LISTENING)
      const fixtures = await recordFixtures(url)
      targets.set(mode, {
        url: `${url}${fixtures.balances.path}`,
        headers: { Authorization: `Bearer ${fixtures.token}` },
      })
      if (mode === 'memory') {
        recorded = JSON.stringify([fixtures.balances])
        bareChild.stdin?.end(recorded)
        const [, bareUrl = ''] = await waitForOutput(bareChild, LISTENING)
        targets.set('bare', { url: `${bareUrl}${fixtures.balances.path}`, headers: {} })
      }
    }
    const order = [...targets.keys()]
    const results = new Map<Server, LoadResult[]>(order.map((server) => [server, []]))
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < order.length; i++) {
        const server = order[(i + round) % order.length] as Server
        const target = targets.get(server)
        if (target) results.get(server)?.push(await load(target.url, target.headers, options))
      }
    }
    const summary = (server: Server) => {
      const runs = results.get(server)
      return runs && runs.length > 0 ? summarize(runs) : null
    }
    return {
      modes: { memory: summary('memory'), 'data-dir': summary('data-dir'), postgres: summary('postgres') },
      bare: summary('bare') ?? { requestsPerSecond: Number.NaN, p99Ms: Number.NaN },
      failures: [...results.values()].flat().reduce((sum, r) => sum + r.failures, 0),
      skipped,
      rounds,
      load: options,
      pinning: pinning?.description ?? null,
      postgres: postgres?.description ?? null,
    }
  } finally {
    pinning?.release()
    await Promise.all([...sandboxes.values(), bareChild].map((child) => children.stop(child)))
    await postgres?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

function summarize(results: readonly LoadResult[]): Figures {
  return {
    requestsPerSecond: median(results.map((r) => r.requestsPerSecond)),
    p99Ms: median(results.map((r) => r.p99Ms)),
  }
}
