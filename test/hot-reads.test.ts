import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { type AddressInfo, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { authorizationOf, hotReads } from '../sandbox/bank/routes/hot-reads.ts'
import { createDeps } from '../sandbox/deps.ts'
import { startServer } from '../sandbox/serving/server.ts'
import { sqliteEngine } from '../sandbox/store/sqlite.ts'
import { createStore } from '../sandbox/store/store.ts'
import { DAY_MS } from '../sandbox/synthetic/types.ts'
import { createClock } from '../sandbox/time/clock.ts'
import {
  ALL_SCOPES,
  bearer,
  createTestSandbox,
  firstCustomer,
  link,
  postJson,
  TEST_NOW,
} from './support/helpers.ts'

// Balances and transaction pages are answered before the app when nothing about the call
// is unusual. Whatever the hot path answers must be exactly what the app answers, status,
// type, bytes and journal line alike; whatever it declines, it must leave untouched.

const sandbox = createTestSandbox()
const hot = hotReads(() => sandbox.deps)
const day = (back: number) => new Date(TEST_NOW - back * DAY_MS).toISOString().slice(0, 10)

interface Seen {
  answered: boolean
  status?: number
  headers?: Record<string, string | number>
  body?: string
}

/** What the hot path does with a GET (or `method`), as node would hand it the request. */
function viaHot(url: string, authorization: string | undefined, method = 'GET'): Seen {
  const seen: Seen = { answered: false }
  const res = {
    writeHead(status: number, headers: Record<string, string | number>) {
      seen.status = status
      seen.headers = headers
      return res
    },
    end(body: string | Uint8Array) {
      seen.body = typeof body === 'string' ? body : Buffer.from(body).toString()
    },
  }
  const rawHeaders = [
    'Host',
    '127.0.0.1',
    ...(authorization === undefined ? [] : ['Authorization', authorization]),
  ]
  seen.answered = hot({ method, url, rawHeaders } as IncomingMessage, res as unknown as ServerResponse)
  return seen
}

async function viaApp(url: string, token: string) {
  const res = await sandbox.request(url, { headers: bearer(token) })
  return { status: res.status, contentType: res.headers.get('content-type'), body: await res.text() }
}

/** The newest journal line, without its number. */
function lastLine() {
  const [entry] = sandbox.deps.state.journal.newest(1)
  if (!entry) throw new Error('the journal is empty')
  const { id: _id, ...line } = entry
  return line
}

let token = ''
let narrowToken = ''
let accounts: { id: string; type: string }[] = []
let otherAccount = ''

beforeAll(async () => {
  const customer = await firstCustomer(sandbox, 'harbor')
  accounts = customer.accounts
  token = (await link(sandbox, 'harbor', customer.id, ALL_SCOPES)).token
  narrowToken = (await link(sandbox, 'harbor', customer.id, ['transactions:read'])).token
  otherAccount = (await firstCustomer(sandbox, 'harbor', 1)).accounts[0]?.id ?? ''
})

const checking = () => accounts.find((a) => a.type === 'checking')?.id ?? ''

describe('answered before the app, exactly as the app answers', () => {
  const cases: [string, () => string, () => string][] = [
    ['a balance', () => `/banks/harbor/v1/accounts/${checking()}/balances`, () => token],
    [
      'every account’s balance',
      () => `/banks/harbor/v1/accounts/${accounts.at(-1)?.id}/balances`,
      () => token,
    ],
    [
      'a settled page (built, then from the cache)',
      () => `/banks/harbor/v1/accounts/${checking()}/transactions?limit=50&from=${day(36)}&to=${day(7)}`,
      () => token,
    ],
    ['the page reaching today', () => `/banks/harbor/v1/accounts/${checking()}/transactions`, () => token],
    [
      'a small page, platform spending only',
      () => `/banks/harbor/v1/accounts/${checking()}/transactions?limit=3&to=${day(10)}`,
      () => narrowToken,
    ],
    [
      'a repeated name: the first value counts',
      () => `/banks/harbor/v1/accounts/${checking()}/transactions?limit=2&limit=9&from=${day(20)}`,
      () => token,
    ],
  ]

  test.each(cases)('%s', async (_name, url, who) => {
    for (let round = 0; round < 2; round++) {
      const before = sandbox.deps.state.journal.recorded
      const fast = viaHot(url(), `Bearer ${who()}`)
      expect(fast.answered).toBe(true)
      expect(sandbox.deps.state.journal.recorded).toBe(before + 1)
      const fastLine = lastLine()
      const app = await viaApp(url(), who())
      expect(app.status).toBe(200)
      expect(fast.status).toBe(app.status)
      expect(fast.headers?.['Content-Type']).toBe(app.contentType)
      expect(fast.headers?.['Content-Length']).toBe(Buffer.byteLength(app.body))
      expect(fast.body).toBe(app.body)
      expect(fastLine).toEqual(lastLine())
      expect(fastLine.records).toBeGreaterThan(0)
    }
  })

  test('a page’s cursor leads to the same next page both ways', async () => {
    const first = await viaApp(`/banks/harbor/v1/accounts/${checking()}/transactions?limit=5`, token)
    const { nextCursor } = JSON.parse(first.body) as { nextCursor: string }
    expect(nextCursor).toMatch(/^[A-Za-z0-9_.-]+$/)
    const url = `/banks/harbor/v1/accounts/${checking()}/transactions?limit=5&cursor=${nextCursor}`
    const fast = viaHot(url, `Bearer ${token}`)
    expect(fast.answered).toBe(true)
    expect(fast.body).toBe((await viaApp(url, token)).body)
  })
})

describe('declined: the app answers, and the hot path leaves no trace', () => {
  const balance = () => `/banks/harbor/v1/accounts/${checking()}/balances`
  const cases: [string, () => string, () => string | undefined, number, string?][] = [
    ['no token', balance, () => undefined, 401],
    ['an unknown token', balance, () => 'Bearer at_nobody', 401],
    ['a consent without the scope', balance, () => `Bearer ${narrowToken}`, 403],
    [
      'someone else’s account',
      () => `/banks/harbor/v1/accounts/${otherAccount}/balances`,
      () => `Bearer ${token}`,
      404,
    ],
    [
      'an unknown bank',
      () => `/banks/nowhere/v1/accounts/${checking()}/balances`,
      () => `Bearer ${token}`,
      404,
    ],
    [
      'a bad query',
      () => `/banks/harbor/v1/accounts/${checking()}/transactions?limit=0`,
      () => `Bearer ${token}`,
      400,
    ],
    [
      'a window the wrong way round',
      () => `/banks/harbor/v1/accounts/${checking()}/transactions?from=${day(1)}&to=${day(9)}`,
      () => `Bearer ${token}`,
      400,
    ],
    ['HEAD', balance, () => `Bearer ${token}`, 200, 'HEAD'],
    ['an escaped path', () => balance().replace('_', '%5F'), () => `Bearer ${token}`, 200],
    ['a trailing slash', () => `${balance()}/`, () => `Bearer ${token}`, 404],
    [
      'an escaped query',
      () => `/banks/harbor/v1/accounts/${checking()}/transactions?to=${day(9)}&limit=%35`,
      () => `Bearer ${token}`,
      200,
    ],
  ]

  test.each(cases)('%s', async (_name, url, authorization, status, method = 'GET') => {
    const before = sandbox.deps.state.journal.recorded
    expect(viaHot(url(), authorization(), method).answered).toBe(false)
    expect(sandbox.deps.state.journal.recorded).toBe(before)
    const headers = authorization() === undefined ? {} : { Authorization: authorization() as string }
    expect((await sandbox.request(url(), { method, headers })).status).toBe(status)
  })

  test('a bank with faults injected: the app adds its rate-limit headers', async () => {
    await sandbox.request('/sandbox/banks/harbor/faults', { ...postJson({ rateLimit: 1000 }), method: 'PUT' })
    try {
      expect(viaHot(balance(), `Bearer ${token}`).answered).toBe(false)
      const res = await sandbox.request(balance(), { headers: bearer(token) })
      expect(res.headers.get('ratelimit-limit')).toBe('1000')
    } finally {
      await sandbox.request('/sandbox/banks/harbor/faults', { method: 'DELETE' })
    }
    expect(viaHot(balance(), `Bearer ${token}`).answered).toBe(true)
  })

  test('a revoked consent and an ended partnership are refused by the app', async () => {
    const customer = await firstCustomer(sandbox, 'harbor', 2)
    const linked = await link(sandbox, 'harbor', customer.id, ALL_SCOPES)
    const url = `/banks/harbor/v1/accounts/${customer.accounts[0]?.id}/balances`
    expect(viaHot(url, `Bearer ${linked.token}`).answered).toBe(true)
    await sandbox.request(`/sandbox/banks/harbor/consents/${linked.consent.id}/revoke`, { method: 'POST' })
    expect(viaHot(url, `Bearer ${linked.token}`).answered).toBe(false)
    expect((await sandbox.request(url, { headers: bearer(linked.token) })).status).toBe(401)

    await sandbox.request('/sandbox/banks/harbor/partnership', postJson({ status: 'terminated' }))
    try {
      expect(viaHot(balance(), `Bearer ${token}`).answered).toBe(false)
      expect((await sandbox.request(balance(), { headers: bearer(token) })).status).toBe(403)
    } finally {
      const back = await sandbox.request('/sandbox/banks/harbor/partnership', postJson({ status: 'active' }))
      expect(back.status).toBe(200)
    }
  })
})

describe('on a socket', () => {
  let server: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => {
    server = await startServer(sandbox.deps, { port: 0, host: '127.0.0.1' })
  })
  afterAll(() => server.close())

  test('the server answers hot reads first, with the length and type the app would send', async () => {
    // The partnership ended above, and its consents with it: a new link.
    const customer = await firstCustomer(sandbox, 'harbor', 3)
    const { token } = await link(sandbox, 'harbor', customer.id, ALL_SCOPES)
    const url = `/banks/harbor/v1/accounts/${customer.accounts[0]?.id}/balances`
    expect(viaHot(url, `Bearer ${token}`).answered).toBe(true)
    const before = sandbox.deps.state.journal.recorded
    const res = await fetch(`${server.url}${url}`, { headers: bearer(token) })
    const body = await res.text()
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(body)))
    expect(body).toBe((await viaApp(url, token)).body)
    expect(sandbox.deps.state.journal.recorded).toBe(before + 2)
  })
})

describe('in a kept store (--data-dir)', () => {
  test('a read is answered before the app once its journal line is kept; a revoked consent goes to the app', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-hot-'))
    const engine = sqliteEngine(dir)
    const deps = createDeps({
      seed: 42,
      customers: 50,
      days: 90,
      store: createStore(engine, await engine.load()),
      clock: createClock({ startMs: TEST_NOW, mode: 'frozen', wallNow: () => TEST_NOW }),
    })
    const server = await startServer(deps, { port: 0, host: '127.0.0.1' })
    try {
      const kept = {
        deps,
        request: (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init),
      }
      const customer = await firstCustomer(kept, 'harbor')
      const { token, consent } = await link(kept, 'harbor', customer.id, ALL_SCOPES)
      const url = `/banks/harbor/v1/accounts/${customer.accounts[0]?.id}/balances`
      const keptJournal = async () =>
        (await engine.load()).filter((change) => change.table === 'journal' && change.value !== null).length
      const before = await keptJournal()
      const res = await kept.request(url, { headers: bearer(token) })
      expect(res.status).toBe(200)
      expect(deps.memory.hotReader).toBeDefined() // the hot path answered it
      expect(await keptJournal()).toBe(before + 1)
      await kept.request(`/sandbox/banks/harbor/consents/${consent.id}/revoke`, { method: 'POST' })
      const refused = await kept.request(url, { headers: bearer(token) })
      expect(refused.status).toBe(401)
      expect(refused.headers.get('content-type')).toContain('problem+json')
    } finally {
      await server.close()
      await deps.store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the Authorization header, read from the raw list', () => {
  test('is what node reads as req.headers.authorization: any case, the first one sent', async () => {
    const seen: { raw: string | undefined; node: string | undefined }[] = []
    const server = createServer((req, res) => {
      seen.push({ raw: authorizationOf(req.rawHeaders), node: req.headers.authorization })
      res.end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const requests = [
      'Authorization: Bearer one\r\n',
      'authorization: Bearer two\r\nAUTHORIZATION: Bearer three\r\n',
      'X-Authorization: Bearer four\r\nAuthorisation: five\r\n',
      '',
    ]
    for (const headers of requests) {
      const socket = connect(port, '127.0.0.1')
      socket.end(`GET / HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`)
      await new Promise((resolve) => socket.on('close', resolve).resume())
    }
    server.close()
    expect(seen.map((s) => s.node)).toEqual(['Bearer one', 'Bearer two', undefined, undefined])
    expect(seen.map((s) => s.raw)).toEqual(seen.map((s) => s.node))
  })
})
