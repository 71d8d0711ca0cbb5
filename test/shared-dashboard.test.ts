import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createDeps } from '../sandbox/deps.ts'
import { type RunningServer, startServer } from '../sandbox/serving/server.ts'
import { createClock } from '../sandbox/time/clock.ts'
import { TEST_NOW } from './support/helpers.ts'

// A shared sandbox is one with an admin key (`serve` sets one whenever it binds beyond
// loopback). Binding 0.0.0.0 in CI is not safe, so this server listens on 127.0.0.1 with
// the key set in deps: the dashboard sees exactly what it sees in shared mode.

const ADMIN_KEY = 'team-sandbox-key'
let server: RunningServer

beforeAll(async () => {
  const clock = createClock({ startMs: TEST_NOW, mode: 'frozen', wallNow: () => TEST_NOW })
  const deps = createDeps({ seed: 42, customers: 50, days: 30, clock, adminKey: ADMIN_KEY })
  deps.integrationUrl = 'http://127.0.0.1:9999'
  server = await startServer(deps, { port: 0, host: '127.0.0.1' })
})
afterAll(() => server?.close())

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { headers, redirect: 'manual' })
const browser = { Accept: 'text/html,application/xhtml+xml' }

/** Submits the key form as a browser would; the answer's Set-Cookie, if any. */
async function submitKey(key: string) {
  const res = await fetch(`${server.url}/demo?bank=harbor`, {
    method: 'POST',
    headers: { ...browser, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key }).toString(),
    redirect: 'manual',
  })
  return { res, cookie: res.headers.get('set-cookie') }
}

describe('the dashboard of a shared sandbox', () => {
  test('without the key, /demo is refused: a key form for a browser, problem+json otherwise', async () => {
    const page = await get('/demo', browser)
    expect(page.status).toBe(403)
    const html = await page.text()
    expect(html).toContain('name="key"')
    expect(html).not.toContain('data-customer-id')

    const api = await get('/demo')
    expect(api.status).toBe(403)
    expect(api.headers.get('content-type')).toBe('application/problem+json')
    expect(await api.json()).toMatchObject({ code: 'forbidden' })
  })

  test('with a wrong key, in the header, the form or a cookie, /demo is refused', async () => {
    expect((await get('/demo', { ...browser, 'X-Sandbox-Admin-Key': 'guess' })).status).toBe(403)
    expect((await get('/demo', { ...browser, Cookie: 'sandbox_admin_key=guess' })).status).toBe(403)
    const { res, cookie } = await submitKey('guess')
    expect(res.status).toBe(403)
    expect(cookie).toBeNull()
    expect(await res.text()).toContain('not the admin key')
  })

  test('the key given once in the form is kept in an HttpOnly, SameSite=Strict cookie', async () => {
    const { res, cookie } = await submitKey(ADMIN_KEY)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/demo?bank=harbor')
    expect(cookie).toMatch(/^sandbox_admin_key=/)
    expect(cookie).toMatch(/; HttpOnly/i)
    expect(cookie).toMatch(/; SameSite=Strict/i)
    expect(cookie).toMatch(/; Path=\//i)
  })

  test('with the cookie, the dashboard renders, and so do its fragments, assets and live events', async () => {
    const { cookie } = await submitKey(ADMIN_KEY)
    const session = { Cookie: (cookie ?? '').split(';')[0] ?? '' }

    const page = await get('/demo', { ...browser, ...session })
    expect(page.status).toBe(200)
    const html = await page.text()
    const customerId = /data-customer-id="([^"]+)"/.exec(html)?.[1]
    expect(customerId).toBeDefined()

    const fragment = await get(`/sandbox/demo/panels/person?bankId=harbor&customerId=${customerId}`, session)
    expect(fragment.status).toBe(200)
    expect((await get(`/sandbox/demo/panels/person?bankId=harbor&customerId=${customerId}`)).status).toBe(403)
    expect((await get('/demo/assets/dashboard.js', session)).status).toBe(200)

    const controller = new AbortController()
    const events = await fetch(`${server.url}/sandbox/events`, {
      headers: session,
      signal: controller.signal,
    })
    expect(events.status).toBe(200)
    expect(events.headers.get('content-type')).toContain('text/event-stream')
    const reader = (events.body as ReadableStream<Uint8Array>).getReader()
    const { value } = await reader.read()
    expect(new TextDecoder().decode(value)).toContain('event: hello')
    controller.abort()
  })

  test('a change made with the cookie must come from the dashboard itself, not another page of the same site', async () => {
    const { cookie } = await submitKey(ADMIN_KEY)
    const session = { Cookie: (cookie ?? '').split(';')[0] ?? '' }
    const settle = (headers: Record<string, string>) =>
      fetch(`${server.url}/sandbox/settle`, { method: 'POST', headers: { ...session, ...headers } })
    expect((await settle({ 'Sec-Fetch-Site': 'same-origin' })).status).toBeLessThan(300)
    expect((await settle({ 'Sec-Fetch-Site': 'same-site' })).status).toBe(403)
    expect((await settle({ Origin: 'http://127.0.0.1:9999' })).status).toBe(403)
  })

  test('the X-Sandbox-Admin-Key header opens the dashboard as well', async () => {
    const res = await get('/demo', { ...browser, 'X-Sandbox-Admin-Key': ADMIN_KEY })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('data-customer-id')
  })

  test('the bank’s consent page stays open: it is what a user taps', async () => {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: 'platform-demo',
      redirect_uri: 'http://127.0.0.1:9999/oauth/callback/harbor',
      scope: 'accounts:read',
      state: 'st-1',
      purpose: 'account_servicing',
    })
    const res = await get(`/banks/harbor/oauth/authorize?${query}`, browser)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
  })
})

describe('/health of a shared sandbox', () => {
  test('shows the seed only to a holder of the admin key', async () => {
    const without = await (await fetch(`${server.url}/health`)).json()
    expect(without).toMatchObject({ status: 'ok' })
    expect(without).not.toHaveProperty('seed')
    const holder = await fetch(`${server.url}/health`, { headers: { 'X-Sandbox-Admin-Key': ADMIN_KEY } })
    expect(await holder.json()).toMatchObject({ status: 'ok', seed: 42 })
  })
})
