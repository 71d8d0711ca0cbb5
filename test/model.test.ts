import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, test } from 'vitest'
import { type Sandbox, startSandbox } from '../sandbox/index.ts'
import { usePostgres } from './support/postgres.ts'
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process.ts'

// One behaviour in every mode. The same random sequences of steps (links, reads, pages
// with cursors, bursts, revocations, clock moves, faults, deliveries, evidence, resets)
// run on a sandbox in memory, as the model, and in lockstep on one kept the other ways:
// a --data-dir sandbox killed with -9 and reopened at random points, and two instances on
// one PostgreSQL database, each step sent to either and one of them killed and restarted
// at random points. Everything each step observes must agree, ids compared by the order
// they first appear. MODEL_RUNS scales the runs (`npm run test:model -- --runs N`).

const RUNS = Number(process.env.MODEL_RUNS ?? 0)
const runs = (ci: number) => (RUNS > 0 ? RUNS : ci)
const SEED = Number(process.env.MODEL_SEED ?? 20_261_207)
const CUSTOMERS = 40
const HOUR_MS = 3_600_000

type Step =
  | { kind: 'link'; customer: number; all: boolean }
  | { kind: 'balance'; link: number }
  | { kind: 'page'; link: number; follow: number }
  | { kind: 'burst'; customer: number; count: number }
  | { kind: 'revoke'; link: number }
  | { kind: 'advance'; hours: number }
  | { kind: 'fault'; down: boolean }
  | { kind: 'evidence'; link: number }
  | { kind: 'deliveries' }
  | { kind: 'reset' }
  | { kind: 'restart' }

/** Which instance a step goes to (two on one database; the others have one). */
type Routed = Step & { via: 0 | 1 }

const step: fc.Arbitrary<Routed> = fc
  .tuple(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({ kind: fc.constant('link' as const), customer: fc.nat(5), all: fc.boolean() }),
      },
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('balance' as const), link: fc.nat(4) }) },
      {
        weight: 3,
        arbitrary: fc.record({ kind: fc.constant('page' as const), link: fc.nat(4), follow: fc.nat(2) }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('burst' as const),
          customer: fc.nat(5),
          count: fc.integer({ min: 1, max: 4 }),
        }),
      },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('revoke' as const), link: fc.nat(4) }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('advance' as const),
          hours: fc.integer({ min: 1, max: 60 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('fault' as const), down: fc.boolean() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('evidence' as const), link: fc.nat(4) }) },
      { weight: 2, arbitrary: fc.constant({ kind: 'deliveries' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
    ),
    fc.constantFrom(0 as const, 1 as const),
  )
  .map(([s, via]) => ({ ...s, via }))

const sequences = fc.array(step, { minLength: 4, maxLength: 20 })

/** A sandbox under test: where each step goes, and how it dies and comes back. */
interface Target {
  url(via: 0 | 1): string
  restart(via: 0 | 1): Promise<void>
  close(): Promise<void>
}

/** What one run remembers between steps: the links made, by their order. */
interface Links {
  made: { customerId: string; consentId: string; access: string; accountId: string }[]
}

const json = async (res: Response) => ({
  status: res.status,
  body: res.status === 204 ? null : await res.json(),
})
const post = (url: string, body?: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })

/** Runs one step and says what it saw, as plain data. */
async function perform(target: Target, links: Links, s: Routed): Promise<unknown> {
  const url = target.url(s.via)
  const link = 'link' in s ? links.made[s.link % Math.max(1, links.made.length)] : undefined
  const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } })
  switch (s.kind) {
    case 'link': {
      const customers = await json(await fetch(`${url}/sandbox/banks/harbor/customers?limit=6`))
      const customer = customers.body.data[s.customer % customers.body.data.length]
      const scopes = s.all
        ? ['accounts:read', 'balances:read', 'transactions.all:read', 'alerts']
        : ['accounts:read', 'balances:read']
      const made = await json(
        await post(`${url}/sandbox/banks/harbor/customers/${customer.id}/consents`, {
          scopes,
          purpose: 'account_servicing',
        }),
      )
      if (made.status !== 201) return made
      const { body: credentials } = await json(await fetch(`${url}/sandbox/credentials`))
      const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')
      const tokens = await json(
        await fetch(`${url}/banks/harbor/oauth/token`, {
          method: 'POST',
          headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code: made.body.code }),
        }),
      )
      const accounts = await json(
        await fetch(`${url}/banks/harbor/v1/accounts`, bearer(tokens.body.access_token)),
      )
      links.made.push({
        customerId: customer.id,
        consentId: made.body.consent.id,
        access: tokens.body.access_token,
        accountId: accounts.body.data?.[0]?.id ?? 'none',
      })
      return { consent: made.body.consent, token: tokens.status, accounts }
    }
    case 'balance':
      if (!link) return 'no link'
      return json(
        await fetch(`${url}/banks/harbor/v1/accounts/${link.accountId}/balances`, bearer(link.access)),
      )
    case 'page': {
      if (!link) return 'no link'
      const pages: unknown[] = []
      let path = `/banks/harbor/v1/accounts/${link.accountId}/transactions?limit=3`
      for (let n = 0; n <= s.follow; n++) {
        const page = await json(await fetch(`${url}${path}`, bearer(link.access)))
        const cursor = page.status === 200 ? page.body.nextCursor : null
        pages.push({
          ...page,
          body: page.status === 200 ? { data: page.body.data, more: cursor !== null } : page.body,
        })
        if (cursor === null) break
        path = `/banks/harbor/v1/accounts/${link.accountId}/transactions?limit=3&cursor=${encodeURIComponent(cursor)}`
      }
      return pages
    }
    case 'burst': {
      const customers = await json(await fetch(`${url}/sandbox/banks/harbor/customers?limit=6`))
      const customer = customers.body.data[s.customer % customers.body.data.length]
      return json(
        await post(`${url}/sandbox/banks/harbor/cards/${customer.cards[0].id}/transactions`, {
          amount: { amount: -50, currency: 'USD' },
          channel: 'online',
          count: s.count,
          spreadMs: 60_000,
        }),
      )
    }
    case 'revoke':
      if (!link) return 'no link'
      return json(await post(`${url}/sandbox/banks/harbor/consents/${link.consentId}/revoke`, {}))
    case 'advance':
      return json(await post(`${url}/sandbox/clock`, { advanceMs: s.hours * HOUR_MS }))
    case 'fault':
      return s.down
        ? json(
            await fetch(`${url}/sandbox/banks/harbor/faults`, {
              method: 'PUT',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({ status: 503 }),
            }),
          )
        : json(await fetch(`${url}/sandbox/banks/harbor/faults`, { method: 'DELETE' }))
    case 'evidence': {
      if (!link) return 'no link'
      const evidence = await json(await fetch(`${url}/sandbox/consents/${link.consentId}/evidence`))
      if (evidence.status !== 200) return evidence
      const { calls, ...rest } = evidence.body
      // A call's id is its place in one instance's journal; what it was is what must agree.
      return { ...rest, calls: calls.map(({ id: _id, ...call }: { id: number }) => call) }
    }
    case 'deliveries': {
      const list = await json(await fetch(`${url}/sandbox/webhooks?limit=200`))
      // Instances take in each other's deliveries in their own order: the multiset must agree.
      return list.body.data
        .map((d: { type: string; bankId: string; payload: unknown }) =>
          JSON.stringify([d.type, d.bankId, d.payload]),
        )
        .sort()
    }
    case 'reset':
      links.made = []
      return json(await post(`${url}/sandbox/reset`, {}))
    case 'restart':
      await target.restart(s.via)
      return 'restarted'
  }
}

/**
 * What differs between sandboxes by design: wall-clock times, journal line numbers (each
 * instance numbers its own), and what the wall clock decides on a frozen one: whether a
 * call at the very instant of a revocation came after it.
 */
const WALL_OR_LOCAL = new Set([
  'wallAt',
  'receivedAt',
  'latencyMs',
  'wallDelayMs',
  'callId',
  'afterEnd',
  'callsAfter',
  'refusedAfter',
  'servedAfter',
  'firstRefused',
])

/**
 * Ids compared by order of first appearance in the run (`ids`); wall times and journal
 * numbers left out (counted, for lists of them). A list whose order is the instance's own
 * (`unordered`) is compared sorted, its ids not seen before as one placeholder.
 */
function normalised(seen: unknown, ids: Map<string, string>, unordered = false): string {
  const text = JSON.stringify(seen, (key, value) => {
    if (WALL_OR_LOCAL.has(key)) return undefined
    if (key === 'breaches' && Array.isArray(value)) return value.length
    if (typeof value !== 'string') return value
    return value.replace(
      /\b(?:[a-z]{2,6}(?:_[a-z]{2,6})*_(?=[A-Za-z]*\d)[A-Za-z0-9]{8,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f-]{27})\b/g,
      (id) => {
        const known = ids.get(id)
        if (known) return known
        if (unordered) return '#?'
        const named = `#${ids.size + 1}`
        ids.set(id, named)
        return named
      },
    )
  })
  return unordered
    ? JSON.stringify((JSON.parse(text) as unknown[]).map((item) => JSON.stringify(item)).sort())
    : text
}

/** What the model saw and the kept sandbox did not, and the other way round; whole, for one answer. */
function difference(expected: string, found: string): string {
  const model = JSON.parse(expected)
  const kept = JSON.parse(found)
  if (!Array.isArray(model) || !Array.isArray(kept)) return `  memory: ${expected}\n  kept:   ${found}`
  const only = (a: unknown[], b: unknown[]) => a.filter((item) => !b.includes(item)).join('\n    ')
  return `  only in memory:\n    ${only(model, kept)}\n  only kept:\n    ${only(kept, model)}`
}

/** The frozen moment every sandbox jumps to before the first run: the same simulated now for all. */
const MOMENT = new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS + 2 * HOUR_MS).toISOString()

async function frozenAtMoment(url: string): Promise<void> {
  // Frozen first, then moved: a running clock would tick between the two.
  for (const move of [{ mode: 'frozen' }, { to: MOMENT }]) {
    const res = await post(`${url}/sandbox/clock`, move)
    if (!res.ok) throw new Error(`clock: ${res.status} ${await res.text()}`)
  }
}

async function inMemory(): Promise<Target> {
  const sandbox: Sandbox = await startSandbox({ seed: 42, customers: CUSTOMERS, days: 30 })
  await frozenAtMoment(sandbox.url)
  return { url: () => sandbox.url, restart: async () => {}, close: () => sandbox.close() }
}

const ARGS = ['--seed', '42', '--customers', String(CUSTOMERS), '--days', '30', '--integration', 'none']

async function onDisk(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-model-'))
  let running: SandboxProcess = await startSandboxProcess(['--data-dir', dir, ...ARGS])
  await frozenAtMoment(running.url)
  return {
    url: () => running.url,
    async restart() {
      await running.kill()
      running = await startSandboxProcess(['--data-dir', dir, ...ARGS], running.port)
    },
    async close() {
      await running.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function onSharedDatabase(database: string): Promise<Target> {
  const args = ['--database', database, ...ARGS]
  const instances: SandboxProcess[] = [await startSandboxProcess(args), await startSandboxProcess(args)]
  await frozenAtMoment(instances[0]?.url ?? '')
  const at = (via: 0 | 1) => instances[via] as SandboxProcess
  return {
    url: (via) => at(via).url,
    async restart(via) {
      await at(via).kill()
      instances[via] = await startSandboxProcess(args, at(via).port)
    },
    async close() {
      await Promise.all(instances.map((instance) => instance.stop()))
    },
  }
}

/** Runs `count` random sequences on the model and the kept target in lockstep; each starts from a reset. */
async function agree(model: Target, kept: Target, count: number, arbitrary = sequences): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arbitrary, async (steps) => {
      const modelLinks: Links = { made: [] }
      const keptLinks: Links = { made: [] }
      const modelIds = new Map<string, string>()
      const keptIds = new Map<string, string>()
      for (const target of [model, kept]) await perform(target, { made: [] }, { kind: 'reset', via: 0 })
      for (const [n, s] of steps.entries()) {
        const unordered = s.kind === 'deliveries'
        const expected = normalised(await perform(model, modelLinks, s), modelIds, unordered)
        const found = normalised(await perform(kept, keptLinks, s), keptIds, unordered)
        if (found !== expected)
          throw new Error(`step ${n + 1} ${JSON.stringify(s)}:\n${difference(expected, found)}`)
      }
    }),
    { numRuns: count, seed: SEED, endOnFailure: true },
  )
}

describe('one behaviour in every mode', () => {
  const postgres = usePostgres()
  const open: Target[] = []
  /** Each test's own model: its clock moves with the runs, in step with the target's. */
  const fresh = async (made: Promise<Target>) => {
    const target = await made
    open.push(target)
    return target
  }
  afterAll(async () => {
    for (const target of open) await target.close()
  })

  test('two memory sandboxes agree step by step (the model repeats itself)', async () => {
    await agree(await fresh(inMemory()), await fresh(inMemory()), runs(200))
  }, 300_000)

  test('a --data-dir sandbox killed and reopened at random points agrees with memory', async () => {
    await agree(await fresh(inMemory()), await fresh(onDisk()), runs(50))
  }, 300_000)

  test('two instances on one PostgreSQL database, one killed and restarted at random, agree with memory', async () => {
    const database = await postgres().database()
    await agree(await fresh(inMemory()), await fresh(onSharedDatabase(database)), runs(50))
  }, 300_000)

  test('the comparison sees a difference: a sandbox on another seed disagrees', async () => {
    const other = await startSandbox({ seed: 43, customers: CUSTOMERS, days: 30 })
    await frozenAtMoment(other.url)
    const stranger: Target = {
      url: () => other.url,
      restart: async () => {},
      close: () => other.close(),
    }
    open.push(stranger)
    // Its resets keep its own seed: the same steps meet other people and other histories.
    const differs = await agree(await fresh(inMemory()), stranger, 5).then(
      () => false,
      () => true,
    )
    expect(differs).toBe(true)
  }, 120_000)
})
