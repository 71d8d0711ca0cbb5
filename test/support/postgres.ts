import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll } from 'vitest'
import { freePort } from './sandbox-process.ts'

// A real PostgreSQL server for the store's tests. CI starts Debian's server and names it
// in TEST_DATABASE_URL; without it, a private cluster is started from Debian's binaries
// (as the postgres user when we are root: PostgreSQL refuses to run as root). Each test
// gets a database of its own, so nothing leaks between them.

const BIN = '/usr/lib/postgresql/15/bin'

export interface TestPostgres {
  /** A fresh, empty database on the server. */
  database(): Promise<string>
  stop(): Promise<void>
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const given = process.env.TEST_DATABASE_URL
  const server = given ? { url: given, stop: () => {} } : await privateCluster()
  const created: string[] = []
  const admin = async <T>(work: (client: pg.Client) => Promise<T>) => {
    const client = new pg.Client({ connectionString: server.url })
    await client.connect()
    try {
      return await work(client)
    } finally {
      await client.end()
    }
  }
  return {
    async database() {
      const name = `bank_sandbox_test_${process.pid}_${created.length}_${Date.now()}`
      await admin((client) => client.query(`CREATE DATABASE ${name}`))
      created.push(name)
      const url = new URL(server.url)
      url.pathname = `/${name}`
      return url.toString()
    },
    async stop() {
      for (const name of created)
        await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => {})
      server.stop()
    },
  }
}

async function privateCluster(): Promise<{ url: string; stop(): void }> {
  if (!existsSync(`${BIN}/initdb`))
    throw new Error(`No PostgreSQL here: set TEST_DATABASE_URL, or install Debian's postgresql (${BIN}).`)
  const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-pg-'))
  const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : []
  const run = (command: string, ...args: string[]) => {
    const [file, ...rest] = [...asPostgres, command, ...args]
    execFileSync(file ?? command, rest, { stdio: 'pipe' })
  }
  if (asPostgres.length > 0) execFileSync('chown', ['postgres', dir])
  const data = join(dir, 'data')
  const port = await freePort()
  run(`${BIN}/initdb`, '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8')
  run(
    `${BIN}/pg_ctl`,
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    'start',
  )
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run(`${BIN}/pg_ctl`, '-D', data, '-m', 'immediate', 'stop')
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

/** One server for a test file, started before its tests and stopped after: ask for it inside a test. */
export function usePostgres(): () => TestPostgres {
  let postgres: TestPostgres | undefined
  beforeAll(async () => {
    postgres = await startTestPostgres()
  }, 60_000)
  afterAll(() => postgres?.stop())
  return () => {
    if (!postgres) throw new Error('the test PostgreSQL server is not started')
    return postgres
  }
}
