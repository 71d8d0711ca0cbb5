import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { usePostgres } from './support/postgres.ts'
import { type Answer, send } from './support/raw-request.ts'
import {
  type FuzzRequest,
  type Known,
  type OpenApiDocument,
  operationsOf,
  requestsFor,
} from './support/route-fuzz.ts'
import { type SandboxProcess, startSandboxProcess, stoppedAfterEach } from './support/sandbox-process.ts'

// Hostile input against the built bin on a real PostgreSQL, where one bad request once took
// an instance down until it was restarted: every answer is below 500, and every instance is
// healthy at the end. FUZZ_REQUESTS runs more than the default few hundred (a few thousand
// fit in a minute); FUZZ_SEED replays a run fast-check reported; FUZZ_VERBOSE prints the
// answers by status and the routes that answered 2xx.

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 300)
const TIME_LIMIT_MS = 55_000
/** An answer that never ends, and a route whose purpose is to make the bank answer 5xx. */
const SKIPPED = ['GET /sandbox/events', 'PUT /sandbox/banks/{bankId}/faults']

const running = stoppedAfterEach<SandboxProcess>()
const postgres = usePostgres()

async function instances(count: number): Promise<SandboxProcess[]> {
  const database = await postgres().database()
  const started: SandboxProcess[] = []
  for (let i = 0; i < count; i++) {
    const instance = await startSandboxProcess(['--database', database, '--integration', 'none'])
    running.push(instance)
    started.push(instance)
  }
  return started
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })

async function expectHealthy(instance: SandboxProcess) {
  const res = await fetch(`${instance.url}/health`)
  expect(res.status, await res.clone().text()).toBe(200)
}

/** A customer with an account and a card, linked: its ids and a bank token reach past 404 and 401. */
async function knownValues(url: string): Promise<Known> {
  const customers = await (await fetch(`${url}/sandbox/banks/harbor/customers?limit=1`)).json()
  const customer = customers.data[0]
  const grant = await (
    await post(`${url}/sandbox/banks/harbor/customers/${customer.id}/consents`, {
      scopes: ['accounts:read', 'balances:read', 'transactions:read', 'transactions.all:read', 'alerts'],
      purpose: 'account_servicing',
    })
  ).json()
  const credentials = await (await fetch(`${url}/sandbox/credentials`)).json()
  const basic = `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`
  const tokens = await (
    await fetch(`${url}/banks/harbor/oauth/token`, {
      method: 'POST',
      headers: { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: grant.code }),
    })
  ).json()
  return {
    params: {
      bankId: ['harbor', 'meridian', 'pinecrest'],
      customerId: [customer.id],
      accountId: customer.accounts.map((account: { id: string }) => account.id),
      cardId: customer.cards.map((card: { id: string }) => card.id),
      userId: [customer.platformUserId],
      consentId: [grant.consent.id],
    },
    bankToken: tokens.access_token,
    pageToken: credentials.platform.pageToken,
    basic,
  }
}

/** Fresh values after the fuzz may have ended the partnership, reset the world or revoked the consent. */
async function relinked(url: string, known: Known): Promise<Known> {
  await post(`${url}/sandbox/banks/harbor/partnership`, { status: 'active' })
  return knownValues(url).catch(() => known)
}

const shown = (fuzz: FuzzRequest, answer: Answer) =>
  `${fuzz.method} ${fuzz.path.slice(0, 300)} ${String(fuzz.body ?? '').slice(0, 300)} → ${answer.status} ${answer.body.slice(0, 300)}`

describe('every route on PostgreSQL under hostile input', () => {
  test('what the probe found answers 400 invalid_request, and the instance stays healthy', async () => {
    const [sandbox] = await instances(1)
    if (!sandbox) throw new Error('no instance')
    const known = await knownValues(sandbox.url)
    const [account] = known.params.accountId ?? []
    const [card] = known.params.cardId ?? []
    const [user] = known.params.userId ?? []
    const paths = [
      '/banks/%00',
      '/banks/harbor/%00',
      '/banks/%00/v1/accounts',
      '/banks/harbor/%00/accounts',
      '/banks/harbor/v1/%00',
      `/banks/harbor/v1/accounts/%00`,
      `/banks/harbor/v1/accounts/${account}/%00`,
      `/banks/harbor/v1/accounts/%00/transactions`,
      '/banks/harbor/oauth/%00',
      '/banks/harbor/v1/cards/%00',
      '/banks/harbor/v1/alerts/%00/resolution',
      `/banks/harbor/v1/accounts/${account}/transactions?cursor=%00`,
    ]
    const bad = ['\u0000', 'a\u0000b', '\ud800', 'x\udfff']
    const auth = { Authorization: `Bearer ${known.bankToken}` }
    const answers: Response[] = []
    for (const path of paths) answers.push(await fetch(`${sandbox.url}${path}`, { headers: auth }))
    for (const text of bad) {
      answers.push(
        await post(`${sandbox.url}/sandbox/banks/harbor/cards/${card}/transactions`, {
          amount: { amount: -100, currency: 'USD' },
          merchant: { name: `Cafe ${text}`, mcc: '5812', category: 'Restaurants' },
        }),
        await post(
          `${sandbox.url}/platform/v1/messages`,
          { recipient: { id: user }, message: { text } },
          { Authorization: `Bearer ${known.pageToken}` },
        ),
        await post(`${sandbox.url}/sandbox/platform/users/${user}/messages`, { text }),
      )
      await expectHealthy(sandbox)
    }
    for (const answer of answers) {
      expect(answer.status).toBe(400)
      expect(await answer.json()).toMatchObject({ code: 'invalid_request' })
    }
    await expectHealthy(sandbox)
    const made = await post(`${sandbox.url}/sandbox/platform/users/${user}/messages`, { text: 'still fine' })
    expect(made.status).toBe(202)
  }, 60_000)

  test('a fuzz of every route in the OpenAPI document: no 5xx, and every instance healthy after', async () => {
    const sandboxes = await instances(2)
    const [first] = sandboxes
    if (!first) throw new Error('no instance')
    const document = (await (await fetch(`${first.url}/openapi.json`)).json()) as OpenApiDocument
    const operations = operationsOf(document, SKIPPED)
    expect(operations.length).toBeGreaterThan(40)
    const known = await knownValues(first.url)
    const statuses = new Map<number, number>()
    const succeeded = new Map<string, number>()
    let sent = 0

    await fc.assert(
      fc.asyncProperty(requestsFor(operations, document, known, sandboxes.length), async (fuzz) => {
        const port = sandboxes[fuzz.target]?.port ?? first.port
        const answer = await send(port, fuzz)
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
        if (answer.status < 300) succeeded.set(fuzz.route, (succeeded.get(fuzz.route) ?? 0) + 1)
        // A reset or a revocation among the requests ends the bank token: a fresh one keeps the bank routes reachable.
        if (++sent % 50 === 0) Object.assign(known, await relinked(first.url, known))
        expect(answer.status, shown(fuzz, answer)).toBeLessThan(500)
      }),
      {
        numRuns: REQUESTS,
        ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
        plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS)],
      },
    )

    if (process.env.FUZZ_VERBOSE)
      console.log(
        `${sent} requests;`,
        'answers by status:',
        Object.fromEntries(statuses),
        'successes by route:',
        Object.fromEntries(succeeded),
      )
    for (const sandbox of sandboxes) await expectHealthy(sandbox)
  }, 120_000)
})
