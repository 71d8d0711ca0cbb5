import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type RestartablePostgres, startRestartablePostgres } from './support/restartable-postgres.ts'
import { type SandboxProcess, startSandboxProcess, stoppedAfterEach } from './support/sandbox-process.ts'

// Instances ride out a restart of their database, as users run them: two `serve --database`
// processes of the built bin on one PostgreSQL, which is stopped (fast shutdown: every
// session ended, the leader's lock with it) and started again under light traffic. Meanwhile
// an answer is a 503 `unavailable` with Retry-After, or a success; after it, everything works
// as before, nothing answered before is lost, and one of them leads again.

const running = stoppedAfterEach<SandboxProcess>()
let database: RestartablePostgres
beforeAll(async () => {
  database = await startRestartablePostgres()
}, 60_000)
afterAll(() => database?.close())

/** The leader's advisory lock (postgres-leader.ts), as pg_locks splits a bigint key. */
const LEADER_LOCK = 4_545_000_002
const leaders = async (url: string) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks
       WHERE locktype = 'advisory' AND granted AND classid = $1 AND objid = $2`,
      [Math.floor(LEADER_LOCK / 2 ** 32), LEADER_LOCK % 2 ** 32],
    )
    return rows[0]?.n ?? 0
  } finally {
    await client.end()
  }
}

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })

interface Seen {
  status: number
  code: string | undefined
  retryAfter: string | null
  contentType: string | null
}

/** Reads, a write and /health through both instances, one after another, until stopped. */
function lightTraffic(urls: string[], customer: { id: string; platformUserId: string }) {
  const seen: Seen[] = []
  /** Consents whose making was answered 201: each must be there after. */
  const made: string[] = []
  const failures: string[] = []
  let going = true
  const calls = (url: string) => [
    () => fetch(`${url}/health`, { signal: AbortSignal.timeout(10_000) }),
    () => fetch(`${url}/sandbox/banks/harbor/consents`, { signal: AbortSignal.timeout(10_000) }),
    () => post(`${url}/sandbox/platform/users/${customer.platformUserId}/messages`, { text: 'still there?' }),
    () =>
      post(`${url}/sandbox/banks/harbor/customers/${customer.id}/consents`, {
        scopes: ['accounts:read'],
        purpose: 'account_servicing',
      }),
  ]
  const all = urls.flatMap(calls)
  const done = (async () => {
    for (let i = 0; going; i++) {
      const call = all[i % all.length]
      if (!call) break
      try {
        const res = await call()
        const body = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text()
        if (res.status === 201) made.push((body as { consent: { id: string } }).consent.id)
        seen.push({
          status: res.status,
          code: (body as { code?: string }).code,
          retryAfter: res.headers.get('retry-after'),
          contentType: res.headers.get('content-type'),
        })
      } catch (error) {
        failures.push(String(error))
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })()
  return {
    seen,
    made,
    failures,
    async stop() {
      going = false
      await done
    },
  }
}

async function healthy(url: string, withinMs: number) {
  const deadline = Date.now() + withinMs
  for (;;) {
    const res = await fetch(`${url}/health`).catch(() => null)
    if (res?.status === 200) return
    if (Date.now() > deadline)
      throw new Error(
        `${url} is not healthy: ${res ? `${res.status} ${await res.text()}` : 'no answer, the process is gone'}`,
      )
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('serve --database while PostgreSQL restarts', () => {
  test('both instances live through it: 503 unavailable with Retry-After meanwhile, everything as before after', async () => {
    const a = await startSandboxProcess(['--database', database.url, '--integration', 'none'])
    running.push(a)
    const b = await startSandboxProcess(['--database', database.url, '--integration', 'none'])
    running.push(b)
    const customers = await (await fetch(`${a.url}/sandbox/banks/harbor/customers?limit=1`)).json()
    const customer = customers.data[0] as { id: string; platformUserId: string }
    const customerId = customer.id
    const made = await post(`${a.url}/sandbox/banks/harbor/customers/${customerId}/consents`, {
      scopes: ['accounts:read'],
      purpose: 'account_servicing',
    })
    expect(made.status).toBe(201)
    const before = (await made.json()).consent.id as string
    expect(await leaders(database.url)).toBe(1)

    const traffic = lightTraffic([a.url, b.url], customer)
    await new Promise((resolve) => setTimeout(resolve, 500))
    await database.stop()
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    // The health check says why it fails, and gives nothing away.
    const health = await fetch(`${a.url}/health`)
    expect(health.status).toBe(503)
    expect(health.headers.get('retry-after')).toMatch(/^\d+$/)
    const problem = await health.json()
    expect(problem).toMatchObject({ code: 'unavailable', title: "The sandbox's store is unavailable" })
    expect(problem.detail).toMatch(
      /cannot reach its database \((connection refused|connection lost|the database is shutting down or starting up)\)/,
    )
    expect(problem.detail).not.toContain(new URL(database.url).password)
    expect(problem.detail).not.toContain(String(new URL(database.url).port))
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const duringOutage = traffic.seen.length
    await database.start()
    await healthy(a.url, 20_000)
    await healthy(b.url, 20_000)
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    await traffic.stop()

    // Alive: every call had an answer, none of them a 5xx other than 503 unavailable.
    expect(traffic.failures).toEqual([])
    expect(a.output() + b.output()).not.toMatch(/Unhandled|uncaught/i)
    const unavailable = traffic.seen.filter((s) => s.status === 503)
    expect(unavailable.length).toBeGreaterThan(0)
    for (const answer of unavailable)
      expect(answer).toMatchObject({ code: 'unavailable', contentType: 'application/problem+json' })
    for (const answer of unavailable) expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1)
    expect(traffic.seen.filter((s) => s.status >= 500 && s.status !== 503)).toEqual([])
    expect(traffic.seen.filter((s) => s.status >= 400 && s.status < 500)).toEqual([])
    expect(duringOutage).toBeGreaterThan(0)

    // After: what was answered before is there through both; writes go through and are shared.
    expect(traffic.made.length).toBeGreaterThan(0)
    for (const url of [a.url, b.url]) {
      const listed = await (await fetch(`${url}/sandbox/banks/harbor/consents`)).json()
      const ids = listed.data.map((c: { id: string }) => c.id)
      expect(ids).toContain(before)
      for (const id of traffic.made) expect(ids).toContain(id)
    }
    const after = await post(`${b.url}/sandbox/banks/harbor/customers/${customerId}/consents`, {
      scopes: ['accounts:read'],
      purpose: 'account_servicing',
    })
    expect(after.status).toBe(201)
    const afterId = (await after.json()).consent.id as string
    const seenByA = await (await fetch(`${a.url}/sandbox/banks/harbor/consents`)).json()
    expect(seenByA.data.map((c: { id: string }) => c.id)).toContain(afterId)
    // One of them took the leader's lock again.
    const deadline = Date.now() + 10_000
    while ((await leaders(database.url)) !== 1 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await leaders(database.url)).toBe(1)
  }, 90_000)
})
