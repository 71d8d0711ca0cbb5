import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, test } from 'vitest'
import { DATABASE_FILE } from '../sandbox/store/sqlite.ts'
import { usePostgres } from './support/postgres.ts'
import { type SandboxProcess, startSandboxProcess, stoppedAfterEach } from './support/sandbox-process.ts'
import { startTestIntegration } from './support/test-integration.ts'

// Worlds in a kept store, on real processes: a world outlives a kill -9 with everything in
// it, a deleted one does not come back, and instances sharing a database share worlds.

const running = stoppedAfterEach<SandboxProcess>()
const postgres = usePostgres()

async function sandbox(args: string[], port?: number) {
  const started = await startSandboxProcess(['--integration', 'none', ...args], port)
  running.push(started)
  return started
}

const json = async (res: Response) => {
  if (!res.ok) throw new Error(`${res.status}: ${await res.text()}`)
  return res.json()
}
const inWorld = (world: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: {
    ...(init.headers as Record<string, string>),
    'X-Sandbox-World': world,
    'Content-Type': 'application/json',
  },
})

interface World {
  id: string
  credentials: { clientId: string; clientSecret: string; platform: { pageToken: string } }
}

async function makeWorld(url: string): Promise<World> {
  return json(
    await fetch(`${url}/sandbox/worlds`, {
      method: 'POST',
      body: '{"seed": 7}',
      headers: { 'Content-Type': 'application/json' },
    }),
  )
}

/** Links a world's first Harbor customer, as its integration would: the world's own client. */
async function linkIn(url: string, world: World) {
  const customers = await json(
    await fetch(`${url}/sandbox/banks/harbor/customers?limit=1`, inWorld(world.id)),
  )
  const customer = customers.data[0]
  const { code } = await json(
    await fetch(
      `${url}/sandbox/banks/harbor/customers/${customer.id}/consents`,
      inWorld(world.id, {
        method: 'POST',
        body: JSON.stringify({ scopes: ['accounts:read'], purpose: 'account_servicing' }),
      }),
    ),
  )
  const { clientId, clientSecret } = world.credentials
  const tokens = await json(
    await fetch(`${url}/banks/harbor/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code }),
    }),
  )
  return tokens.access_token as string
}

/** Grants a world's first Harbor customer a consent and revokes it: a consent.revoked webhook goes out. */
async function revokeIn(url: string, world: World) {
  const customers = await json(
    await fetch(`${url}/sandbox/banks/harbor/customers?limit=1`, inWorld(world.id)),
  )
  const { consent } = await json(
    await fetch(
      `${url}/sandbox/banks/harbor/customers/${customers.data[0].id}/consents`,
      inWorld(world.id, {
        method: 'POST',
        body: JSON.stringify({ scopes: ['accounts:read'], purpose: 'account_servicing' }),
      }),
    ),
  )
  await json(
    await fetch(
      `${url}/sandbox/banks/harbor/consents/${consent.id}/revoke`,
      inWorld(world.id, { method: 'POST' }),
    ),
  )
}

/** Rows the data directory's SQLite file holds for worlds made with POST /sandbox/worlds. */
function worldRows(dataDir: string): number {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true })
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM records WHERE instr(tbl, '/') > 0`).get() as { n: number })
      .n
  } finally {
    db.close()
  }
}

const accounts = (url: string, token: string) =>
  fetch(`${url}/banks/harbor/v1/accounts`, { headers: { Authorization: `Bearer ${token}` } })

describe('worlds in --data-dir', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bank-sandbox-worlds-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  test('a world outlives a kill -9: its credentials, tokens and clock; a deleted one does not come back', async () => {
    const first = await sandbox(['--data-dir', dataDir])
    const kept = await makeWorld(first.url)
    const gone = await makeWorld(first.url)
    await json(
      await fetch(
        `${first.url}/sandbox/clock`,
        inWorld(kept.id, { method: 'POST', body: '{"advanceMs": 86400000, "mode": "frozen"}' }),
      ),
    )
    const clock = await json(await fetch(`${first.url}/sandbox/clock`, inWorld(kept.id)))
    // Minted after the clock move: an access token lasts 15 minutes of simulated time.
    const token = await linkIn(first.url, kept)
    expect((await fetch(`${first.url}/sandbox/worlds/${gone.id}`, { method: 'DELETE' })).status).toBe(204)
    await first.kill()

    const second = await sandbox(['--data-dir', dataDir], first.port)
    const listed = await json(await fetch(`${second.url}/sandbox/worlds`))
    expect(listed.data.map((w: { id: string }) => w.id)).toEqual([kept.id])
    expect((await fetch(`${second.url}/sandbox/clock`, inWorld(gone.id))).status).toBe(404)
    const again = await json(await fetch(`${second.url}/sandbox/worlds/${kept.id}`))
    expect(again.credentials).toEqual(kept.credentials)
    expect(again.seed).toBe(7)
    expect((await accounts(second.url, token)).status).toBe(200)
    expect(await json(await fetch(`${second.url}/sandbox/clock`, inWorld(kept.id)))).toEqual(clock)
    const defaultClock = await json(await fetch(`${second.url}/sandbox/clock`))
    expect(defaultClock.now).not.toBe(clock.now)
    // A reset inside the world keeps the world.
    await json(await fetch(`${second.url}/sandbox/reset`, inWorld(kept.id, { method: 'POST', body: '{}' })))
    await second.kill()
    const third = await sandbox(['--data-dir', dataDir], first.port)
    expect(
      (await json(await fetch(`${third.url}/sandbox/worlds`))).data.map((w: { id: string }) => w.id),
    ).toEqual([kept.id])
    expect((await accounts(third.url, token)).status).toBe(401)
  }, 60_000)
})

describe('deleted worlds in --data-dir', () => {
  test('leave no row behind, even with a webhook still on its way as they go', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bank-sandbox-worlds-'))
    const receiver = await startTestIntegration()
    // Each webhook is answered only after its world is gone: the attempt is kept after the delete.
    receiver.setResponse('/webhooks/bank/', { status: 200, delayMs: 300 })
    try {
      const first = await sandbox(['--data-dir', dataDir])
      for (let n = 0; n < 5; n++) {
        const world = await makeWorld(first.url)
        await json(
          await fetch(
            `${first.url}/sandbox/integration`,
            inWorld(world.id, { method: 'PUT', body: JSON.stringify({ url: receiver.url }) }),
          ),
        )
        await revokeIn(first.url, world)
        expect((await fetch(`${first.url}/sandbox/worlds/${world.id}`, { method: 'DELETE' })).status).toBe(
          204,
        )
      }
      await receiver.waitFor('/webhooks/bank/', 5)
      await new Promise((resolve) => setTimeout(resolve, 500))
      await first.stop()
      expect(worldRows(dataDir)).toBe(0)

      const second = await sandbox(['--data-dir', dataDir], first.port)
      expect((await json(await fetch(`${second.url}/sandbox/worlds`))).data).toEqual([])
    } finally {
      await receiver.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 60_000)

  test('what deleting a world left behind before goes at the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bank-sandbox-worlds-'))
    try {
      await (await sandbox(['--data-dir', dataDir])).stop()
      // As a delete used to leave them: a world's delivery rows without the world's record.
      const db = new Database(join(dataDir, DATABASE_FILE))
      const leftover = db.prepare('INSERT INTO records (tbl, key, seq, value) VALUES (?, ?, ?, ?)')
      leftover.run('wld_gone/deliveries', 'evt_1', 1_000_001, '{}')
      leftover.run('wld_gone/deliveries', 'evt_2', 1_000_002, '{}')
      db.close()
      expect(worldRows(dataDir)).toBe(2)

      const next = await sandbox(['--data-dir', dataDir])
      expect((await json(await fetch(`${next.url}/sandbox/worlds`))).data).toEqual([])
      await next.stop()
      expect(worldRows(dataDir)).toBe(0)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('worlds on a shared PostgreSQL database', () => {
  test('a world made through one instance is served by the other, and deleting it through one ends it on both', async () => {
    const database = await postgres().database()
    const a = await sandbox(['--database', database])
    const b = await sandbox(['--database', database])
    const world = await makeWorld(a.url)
    const token = await linkIn(b.url, world)
    expect((await accounts(a.url, token)).status).toBe(200)
    expect((await accounts(b.url, token)).status).toBe(200)
    expect((await json(await fetch(`${b.url}/sandbox/worlds/${world.id}`))).credentials).toEqual(
      world.credentials,
    )

    expect((await fetch(`${a.url}/sandbox/worlds/${world.id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await accounts(a.url, token)).status).toBe(401)
    // The other instance learns it on its next look at the world.
    await fetch(`${b.url}/sandbox/clock`, inWorld(world.id))
    expect((await fetch(`${b.url}/sandbox/clock`, inWorld(world.id))).status).toBe(404)
    expect((await accounts(b.url, token)).status).toBe(401)
    // Not a row of it is left, not even a tombstone.
    const client = new pg.Client({ connectionString: database })
    await client.connect()
    try {
      const { rows } = await client.query(
        'SELECT COUNT(*)::int AS n FROM bank_sandbox_records WHERE starts_with(tbl, $1)',
        [`${world.id}/`],
      )
      expect(rows[0].n).toBe(0)
    } finally {
      await client.end()
    }
  }, 60_000)
})
