import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { createSandboxClient } from '../sandbox/client.ts'
import { usePostgres } from './support/postgres.ts'
import { type SandboxProcess, startSandboxProcess, stoppedAfterEach } from './support/sandbox-process.ts'
import { startTestIntegration, type TestIntegration } from './support/test-integration.ts'

// State that outlives the process, tested as users run the sandbox: real processes, killed
// with -9 and started again, and two instances on one PostgreSQL database.

const running = stoppedAfterEach<{ stop(): Promise<void> }>()
const postgres = usePostgres()

async function sandbox(args: string[], port?: number): Promise<SandboxProcess> {
  const started = await startSandboxProcess(args, port)
  running.push(started)
  return started
}

async function integration(): Promise<TestIntegration> {
  const started = await startTestIntegration()
  running.push({ stop: started.close })
  return started
}

const json = async (res: Response) => {
  if (!res.ok) throw new Error(`${res.status}: ${await res.text()}`)
  return res.json()
}
const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })

/** Links a customer through the consent shortcut and the token endpoint, as an integration would. */
async function linkCustomer(url: string, customerId: string, scopes: string[]) {
  const { code, consent } = await json(
    await post(`${url}/sandbox/banks/harbor/customers/${customerId}/consents`, {
      scopes,
      purpose: 'account_servicing',
    }),
  )
  const { clientId, clientSecret } = await json(await fetch(`${url}/sandbox/credentials`))
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
  return { consent, access: tokens.access_token as string, refresh: tokens.refresh_token as string }
}

const accountsOf = (url: string, token: string) =>
  fetch(`${url}/banks/harbor/v1/accounts`, { headers: { Authorization: `Bearer ${token}` } })

/** The first page of a checking account's transactions, and its next page's path. */
async function firstPage(url: string, token: string) {
  const auth = { headers: { Authorization: `Bearer ${token}` } }
  const { data: accounts } = await json(await fetch(`${url}/banks/harbor/v1/accounts`, auth))
  const checking = accounts.find((account: { type: string }) => account.type === 'checking') ?? accounts[0]
  const path = `/banks/harbor/v1/accounts/${checking.id}/transactions?limit=5`
  const first = await json(await fetch(`${url}${path}`, auth))
  expect(first.nextCursor).toEqual(expect.any(String))
  return { auth, next: `${path}&cursor=${encodeURIComponent(first.nextCursor)}` }
}

const webhookIds = (receiver: TestIntegration) =>
  new Set(receiver.received('/webhooks/bank/').map((r) => r.headers['webhook-id'] ?? ''))

describe('serve --data-dir', () => {
  test('after a kill -9 and a restart, everything is there and pending deliveries resume', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-data-'))
    try {
      const receiver = await integration()
      receiver.setResponse('/webhooks/bank/', { status: 503 })
      const first = await sandbox(['--data-dir', dir, '--integration', receiver.url])
      const url = first.url
      const customers = await json(await fetch(`${url}/sandbox/banks/harbor/customers?limit=1`))
      const customer = customers.data[0]
      const linked = await linkCustomer(url, customer.id, ['accounts:read', 'balances:read', 'alerts'])
      const before = await json(await accountsOf(url, linked.access))
      const card = customer.cards.find((c: { kind: string }) => c.kind === 'debit') ?? customer.cards[0]
      await json(
        await post(`${url}/sandbox/banks/harbor/cards/${card.id}/transactions`, {
          amount: { amount: -120, currency: 'USD' },
          count: 10,
          spreadMs: 300_000,
          mcc: '5816',
        }),
      )
      await json(
        await fetch(`${url}/sandbox/banks/meridian/faults`, {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ latencyMs: 5 }),
        }),
      )
      // Frozen five minutes on: a frozen clock stays where it was, so the access token is still fresh.
      const clock = await json(await post(`${url}/sandbox/clock`, { advanceMs: 300_000, mode: 'frozen' }))
      await json(
        await post(`${url}/sandbox/platform/users/${customer.platformUserId}/messages`, { text: 'hello' }),
      )
      const alerts = (
        await json(
          await fetch(`${url}/banks/harbor/v1/alerts`, {
            headers: { Authorization: `Bearer ${linked.access}` },
          }),
        )
      ).data
      expect(alerts.length).toBeGreaterThan(0)
      const emitted = (await json(await fetch(`${url}/sandbox/webhooks`))).data.map(
        (d: { id: string }) => d.id,
      )
      expect(emitted.length).toBeGreaterThan(0)
      const journal = (await json(await fetch(`${url}/sandbox/journal`))).data.length

      await first.kill()
      receiver.setResponse('/webhooks/bank/', { status: 204 })
      const second = await sandbox(['--data-dir', dir], first.port)

      // Tokens still work, for the same customer; the refresh token too.
      expect(await json(await accountsOf(url, linked.access))).toEqual(before)
      const { clientId, clientSecret } = await json(await fetch(`${url}/sandbox/credentials`))
      const refreshed = await fetch(`${url}/banks/harbor/oauth/token`, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: linked.refresh }),
      })
      expect(refreshed.status).toBe(200)
      // The alert, the fault, the clock (frozen stays put), the chat and the journal.
      const alertsAfter = (
        await json(
          await fetch(`${url}/banks/harbor/v1/alerts`, {
            headers: { Authorization: `Bearer ${linked.access}` },
          }),
        )
      ).data
      expect(alertsAfter.map((a: { id: string }) => a.id)).toEqual(alerts.map((a: { id: string }) => a.id))
      expect(await json(await fetch(`${url}/sandbox/clock`))).toEqual(clock)
      const chat = (
        await json(await fetch(`${url}/sandbox/platform/users/${customer.platformUserId}/messages`))
      ).data
      expect(chat.map((line: { text: string }) => line.text)).toContain('hello')
      expect((await json(await fetch(`${url}/sandbox/journal`))).data.length).toBeGreaterThanOrEqual(journal)
      const faults = await fetch(`${url}/banks/meridian/v1/accounts`)
      expect(faults.status).toBe(401) // answered after the kept latency: the fault is in force, the bank is up

      // Every webhook emitted before the crash reaches the integration once it answers.
      await json(await post(`${url}/sandbox/clock`, { advanceMs: 60_000 }))
      const deadline = Date.now() + 10_000
      while ([...emitted].some((id) => !webhookIds(receiver).has(id)) && Date.now() < deadline) {
        await post(`${url}/sandbox/clock`, { advanceMs: 10 * 3_600_000 })
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
      expect(emitted.filter((id: string) => !webhookIds(receiver).has(id))).toEqual([])

      // New ids were never seen before.
      const { consent: fresh } = await linkCustomer(url, customer.id, ['accounts:read'])
      expect(fresh.id).not.toBe(linked.consent.id)
      expect(second.output()).not.toMatch(/Error/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 90_000)

  test('a kill -9 under a load of balance reads loses none that was answered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-data-'))
    try {
      const first = await sandbox(['--data-dir', dir, '--integration', 'none'])
      const customers = await json(await fetch(`${first.url}/sandbox/banks/harbor/customers?limit=1`))
      const { consent, access } = await linkCustomer(first.url, customers.data[0].id, [
        'accounts:read',
        'balances:read',
      ])
      const balances = `${first.url}/banks/harbor/v1/accounts/${customers.data[0].accounts[0].id}/balances`
      let answered = 0
      let killed = false
      // Ten connections reading until the process dies under them, as the bench loads it.
      const reader = async () => {
        while (!killed) {
          const res = await fetch(balances, { headers: { Authorization: `Bearer ${access}` } }).catch(
            () => null,
          )
          if (res?.status === 200) answered++
          await res?.arrayBuffer()
        }
      }
      const readers = Array.from({ length: 10 }, reader)
      while (answered < 500) await new Promise((resolve) => setTimeout(resolve, 5))
      await first.kill()
      killed = true
      await Promise.all(readers)
      const again = await sandbox(['--data-dir', dir, '--integration', 'none'], first.port)
      const journal = (await createSandboxClient(again.url).journal()) as {
        consentId?: string
        status: number
      }[]
      const kept = journal.filter((line) => line.consentId === consent.id && line.status === 200).length
      expect(kept).toBeGreaterThanOrEqual(answered)
      // At most the ten in flight at the kill were kept without their answer arriving.
      expect(kept).toBeLessThanOrEqual(answered + 10)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  test('a transaction cursor from before a kill -9 pages on after the restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-data-'))
    try {
      const first = await sandbox(['--data-dir', dir, '--integration', 'none'])
      const customers = await json(await fetch(`${first.url}/sandbox/banks/harbor/customers?limit=1`))
      const { access } = await linkCustomer(first.url, customers.data[0].id, [
        'accounts:read',
        'transactions.all:read',
      ])
      const { auth, next } = await firstPage(first.url, access)
      await first.kill()
      const again = await sandbox(['--data-dir', dir, '--integration', 'none'], first.port)
      const page = await fetch(`${again.url}${next}`, auth)
      expect(page.status).toBe(200)
      expect((await page.json()).data).toHaveLength(5)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  test('a card-testing pattern split by a kill -9 is still one: two tiny charges before, one after, an alert', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-data-'))
    try {
      const first = await sandbox(['--data-dir', dir, '--integration', 'none'])
      const customers = await json(await fetch(`${first.url}/sandbox/banks/harbor/customers?limit=1`))
      const customer = customers.data[0]
      await linkCustomer(first.url, customer.id, ['accounts:read', 'alerts'])
      const tiny = { amount: { amount: -50, currency: 'USD' }, channel: 'online' }
      const charges = `/sandbox/banks/harbor/cards/${customer.cards[0].id}/transactions`
      await json(await post(`${first.url}${charges}`, { ...tiny, count: 2, spreadMs: 60_000 }))
      const alertsCreated = async (url: string) => {
        const deliveries = await json(await fetch(`${url}/sandbox/webhooks?limit=100`))
        return deliveries.data.filter((d: { type: string }) => d.type === 'fraud.alert.created').length
      }
      expect(await alertsCreated(first.url)).toBe(0)
      await first.kill()
      const again = await sandbox(['--data-dir', dir, '--integration', 'none'], first.port)
      await json(await post(`${again.url}${charges}`, tiny))
      expect(await alertsCreated(again.url)).toBe(1)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  test('a user message whose delivery a kill -9 cut short is delivered after the restart, same mid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-data-'))
    try {
      const receiver = await integration()
      receiver.setResponse('/webhooks/platform', { status: 500 })
      const first = await sandbox(['--data-dir', dir, '--integration', receiver.url])
      const customers = await json(await fetch(`${first.url}/sandbox/banks/harbor/customers?limit=1`))
      const userId = customers.data[0].platformUserId
      const said = await json(
        await post(`${first.url}/sandbox/platform/users/${userId}/messages`, { text: 'balance' }),
      )
      await receiver.waitFor('/webhooks/platform', 1)
      await first.kill()
      receiver.setResponse('/webhooks/platform', { status: 200 })
      const again = await sandbox(['--data-dir', dir, '--integration', receiver.url], first.port)
      const deliveries = await receiver.waitFor('/webhooks/platform', 2)
      const mids = deliveries.map((request) => JSON.parse(request.body).entry[0].messaging[0].message.mid)
      expect(mids).toEqual([said.mid, said.mid])
      await expect
        .poll(async () => {
          const chat = await json(await fetch(`${again.url}/sandbox/platform/users/${userId}/messages`))
          return chat.deliveries?.find((d: { mid: string }) => d.mid === said.mid)?.status ?? null
        })
        .toBe('delivered')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  test('a different --seed on the same data is refused with a clear error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-data-'))
    try {
      const first = await sandbox(['--data-dir', dir, '--seed', '7', '--integration', 'none'])
      await first.stop()
      await expect(startSandboxProcess(['--data-dir', dir, '--seed', '8'])).rejects.toThrow(
        /made with --seed 7; start with --seed 7/,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('one process per --data-dir', () => {
  test('a second serve on the same directory is refused naming the first; after a kill -9 of the first, a new one starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-data-'))
    try {
      const first = await sandbox(['--data-dir', dir, '--integration', 'none'])
      const refused = sandbox(['--data-dir', dir, '--integration', 'none'])
      await expect(refused).rejects.toThrow(/exited \(2\)/)
      await expect(refused).rejects.toThrow(
        `Another bank-sandbox (pid ${first.pid}) is serving --data-dir ${dir}: one process per data directory.`,
      )
      // The first one serves on, undisturbed.
      expect((await fetch(`${first.url}/health`)).status).toBe(200)

      await first.kill()
      const next = await sandbox(['--data-dir', dir, '--integration', 'none'])
      expect((await fetch(`${next.url}/health`)).status).toBe(200)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('memory mode', () => {
  test('after a restart an old token answers 401 invalid_token, never another customer’s data', async () => {
    const first = await sandbox(['--integration', 'none'])
    const customers = await json(await fetch(`${first.url}/sandbox/banks/harbor/customers?limit=2`))
    const { access } = await linkCustomer(first.url, customers.data[0].id, ['accounts:read'])
    await first.kill()
    const second = await sandbox(['--integration', 'none'], first.port)
    await linkCustomer(second.url, customers.data[1].id, ['accounts:read'])
    const res = await accountsOf(second.url, access)
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ code: 'invalid_token' })
  }, 60_000)
})

describe('serve --database (two instances on one PostgreSQL database)', () => {
  test('a consent made through one is usable through the other; a revocation through one fails the next call through the other', async () => {
    const database = await postgres().database()
    const a = await sandbox(['--database', database, '--integration', 'none'])
    const b = await sandbox(['--database', database, '--integration', 'none'])
    const customers = await json(await fetch(`${a.url}/sandbox/banks/harbor/customers?limit=1`))
    const linked = await linkCustomer(a.url, customers.data[0].id, ['accounts:read'])
    expect((await accountsOf(b.url, linked.access)).status).toBe(200)
    await json(await post(`${b.url}/sandbox/banks/harbor/consents/${linked.consent.id}/revoke`, {}))
    const next = await accountsOf(a.url, linked.access)
    expect(next.status).toBe(401)
    expect(await next.json()).toMatchObject({ code: 'consent_revoked' })
  }, 60_000)

  test('a transaction cursor from one instance pages on through the other', async () => {
    const database = await postgres().database()
    const a = await sandbox(['--database', database, '--integration', 'none'])
    const b = await sandbox(['--database', database, '--integration', 'none'])
    const customers = await json(await fetch(`${a.url}/sandbox/banks/harbor/customers?limit=1`))
    const { access } = await linkCustomer(a.url, customers.data[0].id, [
      'accounts:read',
      'transactions.all:read',
    ])
    const { auth, next } = await firstPage(a.url, access)
    const page = await fetch(`${b.url}${next}`, auth)
    expect(page.status).toBe(200)
    expect((await page.json()).data).toHaveLength(5)
  }, 60_000)

  test('an injected rate limit holds for both instances together, not for each', async () => {
    const database = await postgres().database()
    const a = await sandbox(['--database', database, '--integration', 'none'])
    const b = await sandbox(['--database', database, '--integration', 'none'])
    const customers = await json(await fetch(`${a.url}/sandbox/banks/harbor/customers?limit=1`))
    const { access } = await linkCustomer(a.url, customers.data[0].id, ['accounts:read'])
    const limit = 2
    await json(
      await fetch(`${a.url}/sandbox/banks/harbor/faults`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ rateLimit: limit }),
      }),
    )
    // The fault reaches b as other instances' writes do.
    for (let tries = 0; (await accountsOf(b.url, access)).headers.get('ratelimit-limit') === null; tries++) {
      expect(tries).toBeLessThan(100)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    // A burst through both within one wall-clock second lets `limit` calls through, not 2 × limit.
    for (let burst = 0; ; burst++) {
      expect(burst).toBeLessThan(5)
      await new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1_000) + 20))
      const before = Date.now()
      const answers = await Promise.all(
        [a, b, a, b, a, b].map((instance) => accountsOf(instance.url, access).then((res) => res.status)),
      )
      if (Math.floor(Date.now() / 1_000) !== Math.floor(before / 1_000)) continue
      expect(answers.filter((status) => status === 200)).toHaveLength(limit)
      expect(answers.filter((status) => status === 429)).toHaveLength(6 - limit)
      break
    }
  }, 60_000)

  test('a consent’s evidence counts every call made under it, whichever instance answered it', async () => {
    const database = await postgres().database()
    const a = await sandbox(['--database', database, '--integration', 'none'])
    const b = await sandbox(['--database', database, '--integration', 'none'])
    const customers = await json(await fetch(`${a.url}/sandbox/banks/harbor/customers?limit=1`))
    const { consent, access } = await linkCustomer(a.url, customers.data[0].id, ['accounts:read'])
    for (const instance of [a, b, a, b, b, a, b])
      expect((await accountsOf(instance.url, access)).status).toBe(200)
    for (const instance of [a, b]) {
      const evidence = await json(await fetch(`${instance.url}/sandbox/consents/${consent.id}/evidence`))
      expect(evidence.calls).toHaveLength(7)
    }
  }, 60_000)

  test('killing one instance in the middle of slow deliveries loses no webhook id', async () => {
    const database = await postgres().database()
    const receiver = await integration()
    receiver.setResponse('/webhooks/bank/', { status: 204, delayMs: 400 })
    const a = await sandbox(['--database', database, '--integration', receiver.url])
    const b = await sandbox(['--database', database, '--integration', receiver.url])
    const customers = await json(await fetch(`${a.url}/sandbox/banks/harbor/customers?limit=6`))
    const consents: string[] = []
    for (const customer of customers.data)
      consents.push((await linkCustomer(a.url, customer.id, ['accounts:read'])).consent.id)
    // Six revocations: six consent.revoked deliveries, each answered slowly.
    for (const id of consents)
      await json(await post(`${a.url}/sandbox/banks/harbor/consents/${id}/revoke`, {}))
    await new Promise((resolve) => setTimeout(resolve, 300))
    await a.kill()
    const deadline = Date.now() + 20_000
    let ids: string[] = []
    while (Date.now() < deadline) {
      ids = (await json(await fetch(`${b.url}/sandbox/webhooks?type=consent.revoked`))).data
        .filter((d: { payload: { data: { consentId: string } } }) =>
          consents.includes(d.payload.data.consentId),
        )
        .map((d: { id: string }) => d.id)
      if (ids.length === consents.length && ids.every((id) => webhookIds(receiver).has(id))) break
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    expect(ids).toHaveLength(consents.length)
    expect(ids.filter((id) => !webhookIds(receiver).has(id))).toEqual([])
  }, 90_000)

  test('each event happens once, however many instances share the database', async () => {
    const database = await postgres().database()
    const receiver = await integration()
    const a = await sandbox(['--database', database, '--integration', receiver.url])
    const b = await sandbox(['--database', database, '--integration', receiver.url])
    const customers = await json(await fetch(`${a.url}/sandbox/banks/harbor/customers?limit=1`))
    const customer = customers.data[0]
    const linked = await linkCustomer(a.url, customer.id, [
      'accounts:read',
      'transactions.all:read',
      'alerts',
    ])
    const card = customer.cards.find((c: { kind: string }) => c.kind === 'debit') ?? customer.cards[0]
    await json(
      await post(`${b.url}/sandbox/banks/harbor/cards/${card.id}/transactions`, {
        amount: { amount: -150, currency: 'USD' },
        count: 8,
        spreadMs: 600_000,
        mcc: '5816',
      }),
    )
    await json(await post(`${a.url}/sandbox/clock`, { advanceMs: 86_400_000 }))
    // Both instances tick four times a second: give them a few rounds to do anything twice.
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    const received = receiver
      .received('/webhooks/bank/')
      .map((r) => JSON.parse(r.body) as { type: string; data: { consentId?: string } })
      .filter((event) => event.data.consentId === linked.consent.id)
    const count = (type: string) => received.filter((event) => event.type === type).length
    if (count('fraud.alert.created') !== 1)
      console.log(
        JSON.stringify(
          received.filter((e) => e.type.startsWith('fraud')),
          null,
          1,
        ).slice(0, 3000),
      )
    expect(count('fraud.alert.created')).toBe(1)
    expect(count('transactions.available')).toBeGreaterThan(0)
    // No event went out twice: one instance attempts each delivery, and only the leader scans.
    const ids = receiver.received('/webhooks/bank/').map((r) => r.headers['webhook-id'])
    expect(new Set(ids).size).toBe(ids.length)
  }, 60_000)

  test('a reset through one instance is a fresh world through the other too', async () => {
    const database = await postgres().database()
    const a = await sandbox(['--database', database, '--integration', 'none'])
    const b = await sandbox(['--database', database, '--integration', 'none'])
    const customers = await json(await fetch(`${a.url}/sandbox/banks/harbor/customers?limit=1`))
    const customer = customers.data[0]
    const balance = async (url: string) => {
      const { access } = await linkCustomer(url, customer.id, ['accounts:read', 'balances:read'])
      const read = await fetch(`${url}/banks/harbor/v1/accounts/${customer.accounts[0].id}/balances`, {
        headers: { Authorization: `Bearer ${access}` },
      })
      return (await json(read)).current
    }
    const before = await balance(b.url)
    const card = customer.cards.find((c: { kind: string }) => c.kind === 'debit') ?? customer.cards[0]
    await json(
      await post(`${a.url}/sandbox/banks/harbor/cards/${card.id}/transactions`, {
        amount: { amount: -5_000, currency: 'USD' },
      }),
    )
    await json(
      await post(`${a.url}/sandbox/platform/users/${customer.platformUserId}/messages`, { text: 'hi' }),
    )
    const chat = async (url: string) =>
      (await json(await fetch(`${url}/sandbox/platform/users/${customer.platformUserId}/messages`))).data
    expect(await balance(b.url)).not.toEqual(before)
    expect((await chat(b.url)).map((line: { text: string }) => line.text)).toEqual(['hi'])
    await json(await post(`${a.url}/sandbox/reset`, {}))
    expect(await balance(b.url)).toEqual(before)
    expect(await chat(b.url)).toEqual([])
  }, 60_000)
})
