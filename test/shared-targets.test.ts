import { afterEach, describe, expect, test } from 'vitest'
import { createDeps, outboundRules } from '../sandbox/deps.ts'
import { ADMIN_KEY_HEADER } from '../sandbox/http/guards.ts'
import type { Resolve, TargetRules } from '../sandbox/http/url-guard.ts'
import { platformIdle } from '../sandbox/platform/records.ts'
import { createApp } from '../sandbox/serving/app.ts'
import { createClock } from '../sandbox/time/clock.ts'
import { bearer, postJson, TEST_NOW } from './support/helpers.ts'
import { startTestIntegration, type TestIntegration } from './support/test-integration.ts'

// A shared sandbox (bound beyond loopback) resolves every URL it is to call and refuses
// loopback, private, link-local and metadata addresses. Names resolve through a table
// here, so no real DNS is needed; the sandbox runs on app.request() with its admin key.

const ADMIN_KEY = 'team-sandbox-key'
const hosts: Record<string, string[]> = {
  'internal.example.com': ['10.0.0.5'],
  'metadata-alias.example.com': ['169.254.169.254'],
  'public.example.com': ['8.8.8.8'],
}
const resolve: Resolve = async (host) => {
  const found = hosts[host]
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
  return found
}

function sandbox(targets: TargetRules | null) {
  const clock = createClock({ startMs: TEST_NOW, mode: 'frozen', wallNow: Date.now })
  const deps = createDeps({
    seed: 42,
    customers: 50,
    days: 30,
    clock,
    adminKey: ADMIN_KEY,
    ...(targets ? { targets } : {}),
  })
  const app = createApp(deps)
  const request = (path: string, init: RequestInit = {}) =>
    app.request(path, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), [ADMIN_KEY_HEADER]: ADMIN_KEY },
    })
  const attach = (url: string) =>
    request('/sandbox/integration', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ url }),
    })
  return { deps, request, attach }
}

const SHARED: TargetRules = { shared: true, allowLoopback: false, resolve }
const SHARED_LOOPBACK_OK: TargetRules = { shared: true, allowLoopback: true, resolve }

let cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const step of cleanup) await step()
  cleanup = []
})

async function firstPerson(request: ReturnType<typeof sandbox>['request']) {
  const res = await request('/sandbox/banks/harbor/customers?limit=1')
  const body = (await res.json()) as { data: { id: string; platformUserId: string }[] }
  const person = body.data[0]
  if (!person) throw new Error('no customer')
  return person
}

function authorizeQuery(redirectUri: string) {
  return new URLSearchParams({
    response_type: 'code',
    client_id: 'platform-demo',
    redirect_uri: redirectUri,
    scope: 'accounts:read',
    state: 'xyz',
    purpose: 'account_servicing',
  }).toString()
}

describe('PUT /sandbox/integration in shared mode', () => {
  test('an integration URL whose name resolves to a private address answers 400 invalid_request, saying why', async () => {
    const { request, attach } = sandbox(SHARED)
    const res = await attach('http://internal.example.com:8080')
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    const body = (await res.json()) as { code: string; detail: string }
    expect(body.code).toBe('invalid_request')
    expect(body.detail).toMatch(/resolves to a private address/)
    expect(body.detail).not.toContain('10.0.0.5')
    expect(await (await request('/sandbox/integration')).json()).toEqual({ url: null })
  })

  test('metadata names and addresses are refused in any spelling', async () => {
    const { attach } = sandbox(SHARED)
    for (const url of [
      'http://metadata-alias.example.com/',
      'http://metadata.google.internal./',
      'http://[fd00:ec2::254]/',
      'http://0xa9fea9fe/',
    ]) {
      expect((await attach(url)).status, url).toBe(400)
    }
  })

  test('loopback is refused, unless allow-loopback-targets; locally it is fine', async () => {
    expect((await sandbox(SHARED).attach('http://127.0.0.1:9999')).status).toBe(400)
    expect((await sandbox(SHARED).attach('http://localhost:9999')).status).toBe(400)
    expect((await sandbox(SHARED_LOOPBACK_OK).attach('http://127.0.0.1:9999')).status).toBe(200)
    expect((await sandbox(null).attach('http://127.0.0.1:9999')).status).toBe(200)
  })

  test('a public integration is attached', async () => {
    const res = await sandbox(SHARED).attach('https://public.example.com/base')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ url: 'https://public.example.com/base' })
  })

  test('a built-in integration runs in-process on loopback and is always allowed', async () => {
    const { deps, attach } = sandbox(SHARED)
    const res = await attach('reference')
    cleanup.push(async () => deps.runningIntegration?.close())
    expect(res.status).toBe(200)
    const { url } = (await res.json()) as { url: string }
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    // Its webhooks go out without the shared rules; anything else keeps them.
    expect(outboundRules(deps, `${url}/webhooks/bank/harbor`)).toBeNull()
    expect(outboundRules(deps, 'http://127.0.0.1:1/webhooks/bank/harbor')).toBe(deps.server.targets)
  })
})

describe('redirect_uri and link taps in shared mode', () => {
  test('the consent page refuses a redirect_uri whose name resolves to a metadata address', async () => {
    const { request } = sandbox(SHARED)
    const res = await request(
      `/banks/harbor/oauth/authorize?${authorizeQuery('http://metadata-alias.example.com/cb')}`,
    )
    expect(res.status).toBe(400)
    const body = (await res.json()) as { code: string; errors: { path: string; message: string }[] }
    expect(body.code).toBe('invalid_request')
    expect(body.errors[0]).toMatchObject({
      path: 'redirect_uri',
      message: expect.stringMatching(/link-local/),
    })
  })

  test('a tapped link whose redirect_uri is not at the attached integration is refused before any consent', async () => {
    const { deps, request } = sandbox(SHARED)
    const person = await firstPerson(request)
    const link = `http://sandbox.example.test/banks/harbor/oauth/authorize?${authorizeQuery('http://public.example.com/cb')}`
    const sent = await request(
      '/platform/v1/messages',
      postJson(
        { recipient: { id: person.platformUserId }, message: { text: `Tap ${link}` } },
        bearer(deps.credentials.platform.pageToken),
      ),
    )
    expect(sent.status).toBe(200)
    await platformIdle(deps)
    const chat = (await (
      await request(`/sandbox/platform/users/${person.platformUserId}/messages`)
    ).json()) as {
      links: { outcome: string; error: string | null; consentId: string | null; status: number | null }[]
    }
    expect(chat.links).toMatchObject([
      { outcome: 'refused', error: 'forbidden', consentId: null, status: null },
    ])
    expect(deps.state.consents.size).toBe(0)
  })

  test('with allow-loopback-targets, a chat link to a loopback integration still completes', async () => {
    const integration: TestIntegration = await startTestIntegration()
    cleanup.push(() => integration.close())
    const { deps, request, attach } = sandbox(SHARED_LOOPBACK_OK)
    expect((await attach(integration.url)).status).toBe(200)
    const person = await firstPerson(request)
    integration.on('/webhooks/platform', async () => {
      const link = `http://sandbox.example.test/banks/harbor/oauth/authorize?${authorizeQuery(`${integration.url}/oauth/callback/harbor`)}`
      await request(
        '/platform/v1/messages',
        postJson(
          { recipient: { id: person.platformUserId }, message: { text: `Tap ${link}` } },
          bearer(deps.credentials.platform.pageToken),
        ),
      )
      return new Response(null, { status: 200 })
    })
    await request(
      `/sandbox/platform/users/${person.platformUserId}/messages`,
      postJson({ text: 'link harbor' }),
    )
    const [callback] = await integration.waitFor('/oauth/callback/harbor')
    expect(callback?.query.code).toBeDefined()
    await platformIdle(deps)
    const chat = (await (
      await request(`/sandbox/platform/users/${person.platformUserId}/messages`)
    ).json()) as {
      links: { outcome: string }[]
    }
    expect(chat.links).toMatchObject([{ outcome: 'linked' }])
  })
})
