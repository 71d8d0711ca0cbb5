import { afterAll, describe, expect, test } from 'vitest'
import { type SandboxProcess, startSandboxProcess } from './support/sandbox-process.ts'

// Shared mode is `serve` bound beyond loopback. Its secrets are random, so knowing the seed
// (which anyone could guess or read) yields no client secret, webhook secret or page token;
// `--stable-secrets` derives them from the seed again. Each process here listens on all
// interfaces for a few seconds, behind a random admin key.

const ADMIN_KEY = `key-${process.pid}-${Date.now()}`
const running: SandboxProcess[] = []
afterAll(async () => {
  await Promise.all(running.map((sandbox) => sandbox.stop()))
})

async function sharedServe(...extra: string[]) {
  const sandbox = await startSandboxProcess([
    '--host',
    '0.0.0.0',
    '--admin-key',
    ADMIN_KEY,
    '--seed',
    '7',
    '--customers',
    '50',
    '--integration',
    'none',
    ...extra,
  ])
  running.push(sandbox)
  return sandbox
}

interface Credentials {
  clientId: string
  clientSecret: string
  banks: Record<string, { webhookSecret: string }>
  platform: { appSecret: string; pageToken: string }
}

const admin = { 'X-Sandbox-Admin-Key': ADMIN_KEY }

async function credentialsOf(sandbox: SandboxProcess): Promise<Credentials> {
  const res = await fetch(`${sandbox.url}/sandbox/credentials`, { headers: admin })
  expect(res.status).toBe(200)
  return (await res.json()) as Credentials
}

/** Links the first harbor customer through the control shortcut: the customer id and the access token. */
async function linkFirstCustomer(sandbox: SandboxProcess, credentials: Credentials) {
  const list = await fetch(`${sandbox.url}/sandbox/banks/harbor/customers?limit=1`, { headers: admin })
  const customerId = ((await list.json()) as { data: { id: string }[] }).data[0]?.id
  const grant = await fetch(`${sandbox.url}/sandbox/banks/harbor/customers/${customerId}/consents`, {
    method: 'POST',
    headers: { ...admin, 'Content-Type': 'application/json' },
    body: JSON.stringify({ scopes: ['accounts:read'], purpose: 'account_servicing' }),
  })
  expect(grant.status).toBe(201)
  const { code } = (await grant.json()) as { code: string }
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')
  const token = await fetch(`${sandbox.url}/banks/harbor/oauth/token`, {
    method: 'POST',
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code }).toString(),
  })
  expect(token.status).toBe(200)
  return { customerId, accessToken: ((await token.json()) as { access_token: string }).access_token }
}

describe('secrets of a shared sandbox', () => {
  test('two processes with the same seed have different secrets and different tokens', async () => {
    const [a, b] = await Promise.all([sharedServe(), sharedServe()])
    if (!a || !b) throw new Error('no sandbox')
    const [ca, cb] = await Promise.all([credentialsOf(a), credentialsOf(b)])
    expect(ca.clientSecret).not.toBe(cb.clientSecret)
    expect(ca.platform.appSecret).not.toBe(cb.platform.appSecret)
    expect(ca.platform.pageToken).not.toBe(cb.platform.pageToken)
    for (const bankId of Object.keys(ca.banks))
      expect(ca.banks[bankId]?.webhookSecret).not.toBe(cb.banks[bankId]?.webhookSecret)

    // The same world (same seed), the same customer, yet nothing one process hands out works on the other.
    const [la, lb] = await Promise.all([linkFirstCustomer(a, ca), linkFirstCustomer(b, cb)])
    expect(la.customerId).toBe(lb.customerId)
    expect(la.accessToken).not.toBe(lb.accessToken)
    const crossed = await fetch(`${b.url}/banks/harbor/v1/accounts`, {
      headers: { Authorization: `Bearer ${la.accessToken}` },
    })
    expect(crossed.status).toBe(401)
  })

  test('with --stable-secrets, the same seed gives the same secrets, as locally', async () => {
    const [a, b] = await Promise.all([sharedServe('--stable-secrets'), sharedServe('--stable-secrets')])
    if (!a || !b) throw new Error('no sandbox')
    const [ca, cb] = await Promise.all([credentialsOf(a), credentialsOf(b)])
    expect(ca).toEqual(cb)
  })

  test('--random-secrets and --stable-secrets together are a usage error', async () => {
    await expect(sharedServe('--stable-secrets', '--random-secrets')).rejects.toThrow(/exited \(2\)/)
  })

  test('an --integration URL that resolves to loopback is a usage error in shared mode', async () => {
    await expect(sharedServe('--integration', 'http://localhost:9')).rejects.toThrow(
      /exited \(2\)[\s\S]*loopback/,
    )
  })
})
