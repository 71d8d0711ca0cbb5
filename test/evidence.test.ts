import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { evidenceCommand } from '../sandbox/cli/evidence.ts'
import { createDeps, type Deps } from '../sandbox/deps.ts'
import type { Evidence } from '../sandbox/evidence/schema.ts'
import { type RunningServer, startServer } from '../sandbox/serving/server.ts'
import { sqliteEngine } from '../sandbox/store/sqlite.ts'
import { createStore } from '../sandbox/store/store.ts'
import { createClock } from '../sandbox/time/clock.ts'
import { basic, postForm, postJson } from './support/helpers.ts'
import { startTestIntegration, type TestIntegration } from './support/test-integration.ts'

// A whole session under one consent, with the test playing the integration so that it
// knows exactly what the bank served: a call nobody asked for, a balance and a spending
// question answered with bank calls, a revocation, one call after it, and a money amount
// shown after it. The wall clock is the test's, so every delay in the evidence is exact.

const SIM = Date.parse('2026-06-15T12:00:00.000Z')
const WALL = Date.parse('2026-06-15T09:00:00.000Z')
const iso = (ms: number) => new Date(ms).toISOString()
const SCOPES = ['accounts:read', 'balances:read', 'transactions.all:read']

let wall = WALL
let deps: Deps
let server: RunningServer
let integration: TestIntegration

beforeEach(async () => {
  wall = WALL
  deps = createDeps({
    seed: 42,
    customers: 50,
    days: 90,
    clock: createClock({ startMs: SIM, mode: 'frozen', wallNow: () => wall }),
  })
  server = await startServer(deps, { port: 0, host: '127.0.0.1' })
  integration = await startTestIntegration()
  deps.integrationUrl = integration.url
})

afterEach(async () => {
  await integration.close()
  await server.close()
})

async function call<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, init)
  return { status: res.status, body: (await res.json().catch(() => null)) as T }
}

interface Session {
  consentId: string
  customerId: string
  userId: string
  token: string
}

async function linkHarbor(scopes = SCOPES): Promise<Session> {
  const customers = await call<{ data: { id: string; platformUserId: string }[] }>(
    '/sandbox/banks/harbor/customers?limit=1',
  )
  const customer = customers.body.data[0]
  if (!customer) throw new Error('no harbor customer')
  const grant = await call<{ consent: { id: string }; code: string }>(
    `/sandbox/banks/harbor/customers/${customer.id}/consents`,
    postJson({ scopes, purpose: 'account_servicing' }),
  )
  const tokens = await call<{ access_token: string }>(
    '/banks/harbor/oauth/token',
    postForm({ grant_type: 'authorization_code', code: grant.body.code }, basic(deps)),
  )
  return {
    consentId: grant.body.consent.id,
    customerId: customer.id,
    userId: customer.platformUserId,
    token: tokens.body.access_token,
  }
}

/** The user types; resolves with the message id once it has reached the integration. */
async function say(session: Session, text: string): Promise<string> {
  const before = integration.received('/webhooks/platform').length
  const { body } = await call<{ mid: string }>(
    `/sandbox/platform/users/${session.userId}/messages`,
    postJson({ text }),
  )
  await integration.waitFor('/webhooks/platform', before + 1)
  return body.mid
}

const read = <T>(session: Session, path: string) =>
  call<T>(`/banks/harbor/v1${path}`, { headers: { Authorization: `Bearer ${session.token}` } })

const sendToUser = (session: Session, text: string) =>
  call<{ message_id: string }>(
    '/platform/v1/messages',
    postJson(
      { recipient: { id: session.userId }, message: { text } },
      { Authorization: `Bearer ${deps.credentials.platform.pageToken}` },
    ),
  )

type Txn = { channel: 'platform' | 'in_store' | 'online' }

describe('privacy evidence of one consent', () => {
  test('a session (link, balance, spending, revoke, one call after) shows every field exactly', async () => {
    const session = await linkHarbor()
    // A call before anyone asked for anything.
    wall = WALL + 1_000
    const unasked = await read<{ data: { id: string; type: string }[] }>(session, '/accounts')
    const accounts = unasked.body.data
    const checking = accounts.find((account) => account.type === 'checking')?.id

    wall = WALL + 60_000
    const balanceMid = await say(session, 'balance')
    wall += 200
    await read(session, '/accounts')
    wall += 50
    await read(session, `/accounts/${checking}/balances`)
    await sendToUser(session, 'Your balance: $1,204.50') // before the revocation: not counted

    wall = WALL + 120_000
    const spendingMid = await say(session, 'spending')
    wall += 300
    // Asked for up to 500: what counts is what was served.
    const transactions = await read<{ data: Txn[] }>(session, `/accounts/${checking}/transactions?limit=500`)
    const served = transactions.body.data
    const channels = {
      platform: served.filter((t) => t.channel === 'platform').length,
      inStore: served.filter((t) => t.channel === 'in_store').length,
      online: served.filter((t) => t.channel === 'online').length,
    }
    expect(served.length).toBeGreaterThan(0)
    expect(channels.inStore + channels.online).toBeGreaterThan(0)

    wall = WALL + 180_000
    const revokedWall = wall
    await call(`/sandbox/banks/harbor/consents/${session.consentId}/revoke`, { method: 'POST' })
    const [revokedHook] = await integration.waitFor('/webhooks/bank/harbor')
    const revokedEvent = revokedHook?.headers['webhook-id']
    wall += 250
    const refused = await read(session, `/accounts/${checking}/balances`)
    expect(refused.status).toBe(401)
    wall += 100
    const shown = await sendToUser(session, 'Still here: $12.34 available')
    await sendToUser(session, 'Your harbor link has ended. Say "link harbor" to reconnect.')

    const journal = await call<{ data: { id: number }[] }>(`/sandbox/journal?consentId=${session.consentId}`)
    const ids = journal.body.data.map((entry) => entry.id)
    expect(ids).toHaveLength(5)
    const customer = deps.world.customer('harbor', session.customerId)

    const { status, body } = await call<Evidence>(
      `/sandbox/banks/harbor/consents/${session.consentId}/evidence`,
    )
    expect(status).toBe(200)
    const fromMessage = (mid: string, text: string, afterMs: number) => ({
      kind: 'user_message' as const,
      mid,
      text,
      at: iso(SIM),
      afterMs,
    })
    const dataCall = (
      index: number,
      wallMs: number,
      path: string,
      rest: Omit<Evidence['calls'][number], 'id' | 'at' | 'wallAt' | 'method' | 'path'>,
    ): Evidence['calls'][number] => ({
      id: ids[index] ?? 0,
      at: iso(SIM),
      wallAt: iso(wallMs),
      method: 'GET',
      path: `/banks/harbor/v1${path}`,
      ...rest,
    })
    const expected: Evidence = {
      consent: {
        id: session.consentId,
        bankId: 'harbor',
        bankName: 'Harbor Bank',
        customerId: session.customerId,
        customerName: customer?.person.name ?? '',
        platformUserId: session.userId,
        clientId: deps.credentials.clientId,
        scopesAsked: ['accounts:read', 'balances:read', 'transactions.all:read'],
        scopesGranted: ['accounts:read', 'balances:read', 'transactions.all:read'],
        purpose: 'account_servicing',
        status: 'revoked',
        grantedAt: iso(SIM),
        expiresAt: iso(SIM + 365 * 86_400_000),
        revokedAt: iso(SIM),
        revokedBy: 'customer',
      },
      bank: {
        summary: 'Shares whatever the customer consents to, off-platform spending included.',
        withholdsOffPlatform: false,
      },
      generatedAt: iso(SIM),
      reactionMs: 5_000,
      totals: {
        calls: 5,
        served: 4,
        records: accounts.length * 2 + 1 + served.length,
        channels,
        answered: { userMessage: 3, webhook: 1, nothing: 1 },
      },
      calls: [
        dataCall(0, WALL + 1_000, '/accounts', {
          route: '/banks/:bankId/v1/accounts',
          status: 200,
          scope: 'accounts:read',
          records: accounts.length,
          channels: null,
          afterEnd: false,
          answered: { kind: 'nothing' },
        }),
        dataCall(1, WALL + 60_200, '/accounts', {
          route: '/banks/:bankId/v1/accounts',
          status: 200,
          scope: 'accounts:read',
          records: accounts.length,
          channels: null,
          afterEnd: false,
          answered: fromMessage(balanceMid, 'balance', 200),
        }),
        dataCall(2, WALL + 60_250, `/accounts/${checking}/balances`, {
          route: '/banks/:bankId/v1/accounts/:accountId/balances',
          status: 200,
          scope: 'balances:read',
          records: 1,
          channels: null,
          afterEnd: false,
          answered: fromMessage(balanceMid, 'balance', 250),
        }),
        dataCall(3, WALL + 120_300, `/accounts/${checking}/transactions`, {
          route: '/banks/:bankId/v1/accounts/:accountId/transactions',
          status: 200,
          scope: 'transactions.all:read',
          records: served.length,
          channels,
          afterEnd: false,
          answered: fromMessage(spendingMid, 'spending', 300),
        }),
        dataCall(4, revokedWall + 250, `/accounts/${checking}/balances`, {
          route: '/banks/:bankId/v1/accounts/:accountId/balances',
          status: 401,
          scope: null,
          records: 0,
          channels: null,
          afterEnd: true,
          answered: {
            kind: 'webhook',
            id: revokedEvent ?? '',
            type: 'consent.revoked',
            at: iso(SIM),
            afterMs: 250,
          },
        }),
      ],
      end: {
        at: iso(SIM),
        reason: 'revoked',
        by: 'customer',
        callsAfter: 1,
        refusedAfter: 1,
        servedAfter: 0,
        firstRefused: { callId: ids[4] ?? 0, at: iso(SIM), delayMs: 0, wallDelayMs: 250 },
      },
      shownAfterEnd: [
        {
          mid: shown.body.message_id,
          at: iso(SIM),
          text: 'Still here: $12.34 available',
          amounts: ['$12.34'],
        },
      ],
      webhooks: [
        {
          id: revokedEvent ?? '',
          type: 'consent.revoked',
          createdAt: iso(SIM),
          status: 'delivered',
          attempts: 1,
          deliveredAt: iso(revokedWall),
        },
      ],
      checks: [
        {
          id: 'only-on-request',
          held: false,
          says: 'Every call answered a user message or a webhook',
          breaches: [String(ids[0])],
        },
        {
          id: 'no-withheld-records',
          held: true,
          says: 'No in-store or online spending left a bank whose policy withholds it',
          breaches: [],
        },
        {
          id: 'no-data-after-revocation',
          held: false,
          says: 'Nothing was served or shown to the user after the consent ended',
          breaches: [shown.body.message_id],
        },
      ],
    }
    expect(body).toEqual(expected)

    // The same evidence by the consent id alone, and through the CLI.
    expect((await call<Evidence>(`/sandbox/consents/${session.consentId}/evidence`)).body).toEqual(expected)
    const cli = await runEvidence(['--consent', session.consentId, '--sandbox', server.url])
    expect(cli.code).toBe(0)
    expect(JSON.parse(cli.stdout)).toEqual(expected)

    // The printable receipt says the same, in words, labelled as fake data.
    const receipt = await fetch(`${server.url}/demo/consents/${session.consentId}`)
    expect(receipt.status).toBe(200)
    expect(receipt.headers.get('content-type')).toMatch(/^text\/html/)
    expect(receipt.headers.get('content-security-policy')).toMatch(/style-src 'sha256-/)
    const page = await receipt.text()
    expectReceipt(page, expected)
    expect(page).toContain(`href="/demo?bank=harbor&amp;person=${session.customerId}"`)
    const html = await runEvidence([
      '--consent',
      session.consentId,
      '--format',
      'html',
      '--sandbox',
      server.url,
    ])
    expect(html.code).toBe(0)
    expectReceipt(html.stdout, expected)
  })

  test('a bank that withholds off-platform spending narrows what was asked, and the evidence says both', async () => {
    const customer = deps.world.listCustomers('meridian', 0, 1).customers[0]
    const grant = await call<{ consent: { id: string } }>(
      `/sandbox/banks/meridian/customers/${customer?.id}/consents`,
      postJson({
        scopes: ['balances:read', 'transactions.all:read', 'transactions:read'],
        purpose: 'fraud_prevention',
      }),
    )
    const { body } = await call<Evidence>(`/sandbox/consents/${grant.body.consent.id}/evidence`)
    expect(body.consent).toMatchObject({
      scopesAsked: ['balances:read', 'transactions.all:read', 'transactions:read'],
      scopesGranted: ['balances:read', 'transactions:read'],
      purpose: 'fraud_prevention',
      status: 'active',
      revokedAt: null,
      revokedBy: null,
    })
    expect(body.bank.withholdsOffPlatform).toBe(true)
    expect(body.end).toBeNull()
    expect(body.calls).toEqual([])
    expect(body.checks.every((check) => check.held)).toBe(true)
  })

  test('an unknown consent is 404 not_found; a consent of another bank is not found under this one; a bad budget is 400', async () => {
    const session = await linkHarbor()
    const missing = await call<{ code: string }>('/sandbox/consents/cns_nope/evidence')
    expect(missing).toMatchObject({ status: 404, body: { code: 'not_found' } })
    const elsewhere = await call<{ code: string }>(
      `/sandbox/banks/meridian/consents/${session.consentId}/evidence`,
    )
    expect(elsewhere).toMatchObject({ status: 404, body: { code: 'not_found' } })
    const bad = await call<{ code: string }>(`/sandbox/consents/${session.consentId}/evidence?reactionMs=5`)
    expect(bad).toMatchObject({ status: 400, body: { code: 'invalid_request' } })
    const receipt = await fetch(`${server.url}/demo/consents/cns_nope`)
    expect(receipt.status).toBe(404)
    expect(receipt.headers.get('content-type')).toBe('application/problem+json')
  })

  test('the reaction budget decides what a call answered', async () => {
    const session = await linkHarbor()
    wall = WALL + 10_000
    await say(session, 'balance')
    wall += 4_000
    await read(session, '/accounts')
    const within = await call<Evidence>(`/sandbox/consents/${session.consentId}/evidence`)
    expect(within.body.calls.map((c) => c.answered.kind)).toEqual(['user_message'])
    const tight = await call<Evidence>(`/sandbox/consents/${session.consentId}/evidence?reactionMs=3000`)
    expect(tight.body.calls.map((c) => c.answered.kind)).toEqual(['nothing'])
  })

  test('a call made a day of simulation later answers nothing, however soon by the wall clock', async () => {
    // No transactions scope: the day's spending brings no webhook that the call could answer.
    const session = await linkHarbor(['accounts:read'])
    wall = WALL + 10_000
    await say(session, 'balance')
    await call('/sandbox/clock', postJson({ advanceMs: 86_400_000 }))
    wall += 100
    await read(session, '/accounts')
    const { body } = await call<Evidence>(`/sandbox/consents/${session.consentId}/evidence`)
    expect(body.calls.map((c) => [c.status, c.answered.kind])).toEqual([[401, 'nothing']])
  })
})

describe('money shown after the end, per consent', () => {
  /** The user renews before the old consent ends: a second consent of the same customer, then the old one ends. */
  async function renewThenEnd() {
    const old = await linkHarbor()
    wall = WALL + 10_000
    const accounts = await read<{ data: { id: string }[] }>(old, '/accounts')
    const accountId = accounts.body.data[0]?.id ?? ''
    await read(old, `/accounts/${accountId}/balances`)
    await sendToUser(old, 'harbor: $1,204.50 available')
    wall = WALL + 20_000
    const renewed = await linkHarbor()
    expect(renewed.customerId).toBe(old.customerId)
    wall = WALL + 30_000
    await call(`/sandbox/banks/harbor/consents/${old.consentId}/revoke`, { method: 'POST' })
    wall = WALL + 40_000
    return { old, renewed, accountId }
  }
  const shownOf = async (session: Session) =>
    (await call<Evidence>(`/sandbox/consents/${session.consentId}/evidence`)).body.shownAfterEnd.map(
      (line) => line.text,
    )

  test('a balance read under the renewed consent after the old one ended is not the old one’s', async () => {
    const { old, renewed, accountId } = await renewThenEnd()
    await read(renewed, `/accounts/${accountId}/balances`)
    await sendToUser(renewed, 'harbor: $1,180.00 available')
    expect(await shownOf(old)).toEqual([])
    expect(await shownOf(renewed)).toEqual([])
  })

  test('a balance shown after the end with no call since is the ended consent’s, renewal or not', async () => {
    const { old } = await renewThenEnd()
    await sendToUser(old, 'harbor: $1,204.50 available')
    expect(await shownOf(old)).toEqual(['harbor: $1,204.50 available'])
  })
})

describe('what a call answered', () => {
  /** The only-on-request check of a consent: whether it held, and the calls that broke it. */
  async function onlyOnRequest(consentId: string) {
    const { body } = await call<Evidence>(`/sandbox/consents/${consentId}/evidence`)
    const check = body.checks.find((each) => each.id === 'only-on-request')
    return { held: check?.held, breaches: check?.breaches.length }
  }

  const disconnect = (session: Session) =>
    call('/banks/harbor/v1/consent', {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${session.token}` },
    })

  test('an unprompted DELETE /v1/consent is answered by nothing, not by the consent.revoked it produced', async () => {
    const session = await linkHarbor()
    wall = WALL + 5_000
    expect((await disconnect(session)).status).toBe(204)
    // The revocation reaches the integration in the very millisecond of the call.
    await deps.outbox.idle()
    expect(integration.received('/webhooks/bank/')).toHaveLength(1)
    expect(await onlyOnRequest(session.consentId)).toEqual({ held: false, breaches: 1 })
  })

  test('a DELETE /v1/consent in answer to "disconnect" is answered by that message', async () => {
    const session = await linkHarbor()
    wall = WALL + 5_000
    await say(session, 'disconnect harbor')
    wall += 100
    expect((await disconnect(session)).status).toBe(204)
    await deps.outbox.idle()
    expect(await onlyOnRequest(session.consentId)).toEqual({ held: true, breaches: 0 })
  })
})

describe('kept evidence', () => {
  test('a --data-dir store keeps every part of the evidence across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-evidence-'))
    const open = async () => {
      const engine = sqliteEngine(dir)
      const kept = createDeps({
        seed: 42,
        customers: 50,
        days: 90,
        store: createStore(engine, await engine.load()),
        clock: createClock({ startMs: SIM, mode: 'frozen', wallNow: () => wall }),
      })
      const started = await startServer(kept, { port: 0, host: '127.0.0.1' })
      kept.integrationUrl = integration.url
      return { kept, started }
    }
    try {
      await server.close()
      const first = await open()
      deps = first.kept
      server = first.started
      const session = await linkHarbor()
      wall = WALL + 10_000
      await say(session, 'spending')
      wall += 100
      const { body: accounts } = await read<{ data: { id: string }[] }>(session, '/accounts')
      await read(session, `/accounts/${accounts.data[0]?.id}/transactions`)
      wall += 1_000
      await call(`/sandbox/banks/harbor/consents/${session.consentId}/revoke`, { method: 'POST' })
      await integration.waitFor('/webhooks/bank/harbor')
      wall += 100
      await read(session, '/accounts')
      await sendToUser(session, 'You spent $40.00 last week')
      const before = await call<Evidence>(`/sandbox/consents/${session.consentId}/evidence`)
      expect(before.body.calls.map((c) => c.answered.kind)).toEqual([
        'user_message',
        'user_message',
        'webhook',
      ])
      expect(before.body.shownAfterEnd).toHaveLength(1)
      await deps.store.close()
      await server.close()

      const second = await open()
      deps = second.kept
      server = second.started
      const after = await call<Evidence>(`/sandbox/consents/${session.consentId}/evidence`)
      // Journal ids are numbered anew as a kept journal loads; everything else is as it was.
      const withoutIds = (evidence: Evidence) => ({
        ...evidence,
        calls: evidence.calls.map(({ id: _id, ...rest }) => rest),
        end: evidence.end && {
          ...evidence.end,
          firstRefused: evidence.end.firstRefused && { ...evidence.end.firstRefused, callId: 0 },
        },
        checks: evidence.checks.map((check) => ({ ...check, breaches: check.breaches.length })),
      })
      expect(withoutIds(after.body)).toEqual(withoutIds(before.body))
      await deps.store.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('bank-sandbox evidence', () => {
  test('usage errors exit 2; an unknown consent or no sandbox exits 1 with the reason', async () => {
    await expect(runEvidence([])).rejects.toThrow(/--consent/)
    await expect(runEvidence(['--consent', 'cns_x', '--format', 'pdf'])).rejects.toThrow(/json or html/)
    const unknown = await runEvidence(['--consent', 'cns_nope', '--sandbox', server.url])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/404 not_found/)
    await server.close()
    const nobody = await runEvidence(['--consent', 'cns_nope', '--sandbox', server.url])
    expect(nobody.code).toBe(1)
    expect(nobody.stderr).toContain(`no sandbox answers at ${server.url}`)
    server = await startServer(deps, { port: 0, host: '127.0.0.1' })
  })

  test('--world sends the world header; --admin-key the admin key', async () => {
    const seen: Record<string, string | null>[] = []
    const fake = await startTestIntegration()
    fake.on('/sandbox/', (request) => {
      seen.push({
        world: request.headers['x-sandbox-world'] ?? null,
        key: request.headers['x-sandbox-admin-key'] ?? null,
      })
      return new Response(JSON.stringify({ code: 'not_found', detail: 'No such world.' }), { status: 404 })
    })
    const result = await runEvidence([
      '--consent',
      'cns_x',
      '--sandbox',
      fake.url,
      '--world',
      'wld_a',
      '--admin-key',
      'k',
    ])
    await fake.close()
    expect(result.code).toBe(1)
    expect(seen).toEqual([{ world: 'wld_a', key: 'k' }])
  })
})

function expectReceipt(page: string, evidence: Evidence): void {
  expect(page.startsWith('<!doctype html>')).toBe(true)
  expect(page).toContain('data-testid="fake-data"')
  expect(page).toMatch(/Fake data only/)
  expect(page).toContain('What the integration took')
  expect(page).toContain(evidence.consent.customerName ?? '')
  expect(page).toContain('Account servicing')
  expect(page).toContain('Revoked Jun 15, 2026 12:00:00 UTC by the customer')
  for (const check of evidence.checks)
    expect(page).toContain(`data-check="${check.id}" data-held="${check.held}"`)
  for (const call of evidence.calls)
    expect(page).toContain(`data-call-id="${call.id}" data-answered="${call.answered.kind}"`)
  expect(page).toContain('The user’s message “balance”')
  expect(page).toContain('The bank’s webhook consent.revoked')
  expect(page).toContain('Nothing: no message or webhook for this person just before')
  expect(page).toContain('The first refused call came 250 ms after the end')
  expect(page).toContain('“Still here: $12.34 available”')
  const { platform, inStore, online } = evidence.totals.channels
  expect(page).toContain(`${platform} in the platform · ${inStore} in store · ${online} online`)
}

async function runEvidence(args: string[]) {
  let stdout = ''
  let stderr = ''
  const sink = (write: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        write(String(chunk))
        done()
      },
    })
  const code = await evidenceCommand(args, {
    stdout: sink((text) => {
      stdout += text
    }),
    stderr: sink((text) => {
      stderr += text
    }),
    env: {},
  })
  return { code, stdout, stderr }
}
