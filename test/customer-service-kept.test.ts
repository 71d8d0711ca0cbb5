import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { type SandboxProcess, startSandboxProcess, stoppedAfterEach } from './support/sandbox-process.ts'

// Card controls and disputes outlive the process: with --data-dir, a kill -9 and a restart
// keep a frozen card frozen (injected charges still refused) and a dispute as it was, and
// the clock moved after the restart still brings its provisional credit.

const running = stoppedAfterEach<{ stop(): Promise<void> }>()

async function sandbox(args: string[], port?: number): Promise<SandboxProcess> {
  const started = await startSandboxProcess(args, port)
  running.push(started)
  return started
}

async function call<T>(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  if (!res.ok) throw Object.assign(new Error(`${method} ${path}: ${res.status}`), { status: res.status })
  return (await res.json()) as T
}

async function token(url: string, customerId: string): Promise<string> {
  const { code } = await call<{ code: string }>(
    url,
    'POST',
    `/sandbox/banks/harbor/customers/${customerId}/consents`,
    {
      scopes: ['accounts:read', 'cards:write', 'disputes:write'],
      purpose: 'customer_support',
    },
  )
  const { clientId, clientSecret } = await call<{ clientId: string; clientSecret: string }>(
    url,
    'GET',
    '/sandbox/credentials',
  )
  const res = await fetch(`${url}/banks/harbor/oauth/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code }),
  })
  return ((await res.json()) as { access_token: string }).access_token
}

describe('card controls and disputes with --data-dir', () => {
  test('after a kill -9 and a restart, the frozen card stays frozen and the dispute goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-data-'))
    try {
      const first = await sandbox(['--data-dir', dir, '--integration', 'none'])
      const { data } = await call<{ data: { id: string; cards: { id: string; kind: string }[] }[] }>(
        first.url,
        'GET',
        '/sandbox/banks/harbor/customers?limit=2',
      )
      const [freezer, disputer] = data
      if (!freezer || !disputer) throw new Error('too few customers')
      const frozenCard = freezer.cards[0]?.id ?? ''
      await call(
        first.url,
        'POST',
        `/banks/harbor/v1/cards/${frozenCard}/freeze`,
        undefined,
        await token(first.url, freezer.id),
      )
      const debit = disputer.cards.find((card) => card.kind === 'debit')?.id ?? ''
      const charged = await call<{ data: { id: string }[] }>(
        first.url,
        'POST',
        `/sandbox/banks/harbor/cards/${debit}/transactions`,
        {
          amount: { amount: -4599, currency: 'USD' },
          merchant: 'ZEPHYR TOYS',
        },
      )
      const filed = await call<{ id: string; provisionalCreditDueOn: string }>(
        first.url,
        'POST',
        '/banks/harbor/v1/disputes',
        { transactionId: charged.data[0]?.id, reason: 'unrecognized' },
        await token(first.url, disputer.id),
      )
      await first.kill()

      const again = await sandbox(['--data-dir', dir, '--integration', 'none'], first.port)
      const refused = await fetch(`${again.url}/sandbox/banks/harbor/cards/${frozenCard}/transactions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ amount: { amount: -100, currency: 'USD' } }),
      })
      expect(refused.status).toBe(409)
      expect(await refused.json()).toMatchObject({ code: 'card_frozen' })
      const listed = `/sandbox/banks/harbor/disputes?customerId=${disputer.id}`
      expect((await call<{ data: unknown[] }>(again.url, 'GET', listed)).data).toMatchObject([
        { id: filed.id, status: 'submitted', merchantName: 'ZEPHYR TOYS' },
      ])
      await call(again.url, 'POST', '/sandbox/clock', { to: `${filed.provisionalCreditDueOn}T12:00:00.000Z` })
      expect((await call<{ data: unknown[] }>(again.url, 'GET', listed)).data).toMatchObject([
        { id: filed.id, status: 'provisional_credit' },
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
