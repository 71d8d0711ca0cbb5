import type { Scope } from '../../sandbox/bank/policy.ts'
import { createDeps, type Deps } from '../../sandbox/deps.ts'
import { createApp } from '../../sandbox/serving/app.ts'
import { startServer } from '../../sandbox/serving/server.ts'
import { createClock } from '../../sandbox/time/clock.ts'

export const TEST_NOW = Date.parse('2026-06-15T12:00:00.000Z')

/** A fresh sandbox on a frozen clock (wall clock too, unless given): same inputs, same answers. */
export function createTestSandbox(
  options: { seed?: number; customers?: number; days?: number; now?: number; wallNow?: () => number } = {},
) {
  const now = options.now ?? TEST_NOW
  const deps = createDeps({
    seed: options.seed ?? 42,
    customers: options.customers ?? 200,
    days: options.days ?? 90,
    clock: createClock({ startMs: now, mode: 'frozen', wallNow: options.wallNow ?? (() => now) }),
  })
  const app = createApp(deps)
  return { deps, app, request: (path: string, init?: RequestInit) => app.request(path, init) }
}

export type TestSandbox = ReturnType<typeof createTestSandbox>

/** A sandbox on a loopback socket with a clock that runs, as an outside integration meets it. */
export async function startSocketSandbox() {
  const deps = createDeps({
    seed: 42,
    customers: 400,
    days: 90,
    clock: createClock({ startMs: Date.parse('2026-06-01T12:00:00Z'), mode: 'real', wallNow: Date.now }),
  })
  const { url, close } = await startServer(deps, { port: 0, host: '127.0.0.1' })
  return { deps, url, close }
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

export function basic(deps: Deps) {
  const { clientId, clientSecret } = deps.credentials
  return { Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` }
}

export function postJson(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  }
}

export function postForm(fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  }
}

/** The first customer of a bank, as the control API shows it. */
export async function firstCustomer(sandbox: Pick<TestSandbox, 'request'>, bankId: string, offset = 0) {
  const res = await sandbox.request(`/sandbox/banks/${bankId}/customers?limit=${offset + 1}`)
  const body = (await res.json()) as {
    data: {
      id: string
      platformUserId: string
      accounts: { id: string; type: string }[]
      cards: { id: string }[]
    }[]
  }
  const customer = body.data[offset]
  if (!customer) throw new Error(`no customer at ${bankId}`)
  return customer
}

/** Link through the control shortcut and exchange the code: the access token and the token response. */
export async function link(
  sandbox: Pick<TestSandbox, 'deps' | 'request'>,
  bankId: string,
  customerId: string,
  scopes: Scope[],
  purpose = 'account_servicing',
) {
  const grant = await sandbox.request(
    `/sandbox/banks/${bankId}/customers/${customerId}/consents`,
    postJson({ scopes, purpose }),
  )
  if (grant.status !== 201) throw new Error(`consent failed: ${grant.status} ${await grant.text()}`)
  const { code, consent } = (await grant.json()) as {
    code: string
    consent: { id: string; scopes: string[] }
  }
  const res = await sandbox.request(
    `/banks/${bankId}/oauth/token`,
    postForm({ grant_type: 'authorization_code', code }, basic(sandbox.deps)),
  )
  if (res.status !== 200) throw new Error(`token failed: ${res.status} ${await res.text()}`)
  const tokens = (await res.json()) as {
    access_token: string
    refresh_token: string
    scope: string
    consent_id: string
  }
  return { token: tokens.access_token, tokens, consent }
}

export const ALL_SCOPES: Scope[] = [
  'accounts:read',
  'balances:read',
  'transactions:read',
  'transactions.all:read',
  'alerts',
]
