import { describe, expect, test } from 'vitest'
import { createTestSandbox, firstCustomer, postJson, TEST_NOW } from './support/helpers.ts'

// A local sandbox has no admin key: any web page the developer opens can send it a form
// post or a no-cors fetch. Changes under /sandbox and /demo are taken only from the
// sandbox's own pages or from clients that are not browsers, and a control body must be
// JSON. The bank API, the Send API and the consent page are left as integrations and
// customers' browsers use them. (test/browser-attacks.test.ts does the same in Chromium.)

const ROTATE = '/sandbox/banks/harbor/webhook-secret/rotate'
const secretOf = (sandbox: ReturnType<typeof createTestSandbox>) =>
  sandbox.deps.credentials.banks.harbor?.webhookSecret

describe('a control call’s body', () => {
  test('sent as a form, text/plain or multipart, is refused with 400 invalid_request and changes nothing', async () => {
    const sandbox = createTestSandbox()
    const secret = secretOf(sandbox)
    const asForm = await sandbox.request(ROTATE, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'x=1',
    })
    expect(asForm.status).toBe(400)
    expect(asForm.headers.get('content-type')).toBe('application/problem+json')
    expect(await asForm.json()).toMatchObject({ code: 'invalid_request' })
    const asText = await sandbox.request('/sandbox/clock', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ advanceMs: 86_400_000 }),
    })
    expect(asText.status).toBe(400)
    const multipart = new FormData()
    multipart.set('advanceMs', '86400000')
    expect((await sandbox.request('/sandbox/clock', { method: 'POST', body: multipart })).status).toBe(400)
    expect(secretOf(sandbox)).toBe(secret)
    expect(sandbox.deps.clock.now()).toBe(TEST_NOW)
  })

  test('as JSON, or no body at all, is taken', async () => {
    const sandbox = createTestSandbox()
    const moved = await sandbox.request('/sandbox/clock', postJson({ advanceMs: 60_000 }))
    expect(moved.status).toBe(200)
    expect(sandbox.deps.clock.now()).toBe(TEST_NOW + 60_000)
    const withCharset = await sandbox.request('/sandbox/clock', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ advanceMs: 60_000 }),
    })
    expect(withCharset.status).toBe(200)
    expect((await sandbox.request(ROTATE, { method: 'POST' })).status).toBe(200)
  })
})

describe('a change sent from another page', () => {
  const fromElsewhere: Record<string, string>[] = [
    { 'Sec-Fetch-Site': 'cross-site' },
    // Another port of 127.0.0.1 is the same site, but not the sandbox's own pages.
    { 'Sec-Fetch-Site': 'same-site', Origin: 'http://localhost:8080' },
    { Origin: 'http://evil.example' },
    { Origin: 'null' },
  ]

  test('is refused with 403 forbidden under /sandbox and /demo, and changes nothing', async () => {
    const sandbox = createTestSandbox()
    const secret = secretOf(sandbox)
    for (const headers of fromElsewhere) {
      const rotate = await sandbox.request(ROTATE, { method: 'POST', headers })
      expect(rotate.status, JSON.stringify(headers)).toBe(403)
      expect(await rotate.json()).toMatchObject({ code: 'forbidden' })
      const json = await sandbox.request('/sandbox/clock', postJson({ advanceMs: 60_000 }, headers))
      expect(json.status).toBe(403)
      const keyForm = await sandbox.request('/demo', {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'key=guess',
      })
      expect(keyForm.status).toBe(403)
    }
    expect(secretOf(sandbox)).toBe(secret)
    expect(sandbox.deps.clock.now()).toBe(TEST_NOW)
  })

  test('the sandbox’s own pages still change things, and so do clients that are not browsers', async () => {
    const sandbox = createTestSandbox()
    const own = [
      { 'Sec-Fetch-Site': 'same-origin', Origin: 'http://localhost' },
      { Origin: 'http://localhost' },
      {},
    ]
    for (const headers of own) {
      expect((await sandbox.request('/sandbox/settle', { method: 'POST', headers })).status).toBeLessThan(300)
      const keyForm = await sandbox.request('/demo', {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'key=whatever',
      })
      expect(keyForm.status).toBe(303)
    }
    // Reads are never refused: without CORS the other page cannot see the answer.
    expect(
      (await sandbox.request('/sandbox/clock', { headers: { 'Sec-Fetch-Site': 'cross-site' } })).status,
    ).toBe(200)
  })

  test('the consent page, the token endpoint and the Send API are left alone: integrations and browsers post there', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const crossSite = { 'Sec-Fetch-Site': 'cross-site', Origin: 'http://integration.example' }
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: 'platform-demo',
      redirect_uri: 'http://127.0.0.1:9999/oauth/callback/harbor',
      scope: 'accounts:read',
      purpose: 'account_servicing',
      decision: 'approve',
      customer_id: customer.id,
    })
    const approved = await sandbox.request('/banks/harbor/oauth/authorize', {
      method: 'POST',
      headers: { ...crossSite, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: query.toString(),
    })
    expect(approved.status).toBe(302)
    const code = new URL(approved.headers.get('location') ?? '').searchParams.get('code') ?? ''
    const { clientId, clientSecret } = sandbox.deps.credentials
    const token = await sandbox.request('/banks/harbor/oauth/token', {
      method: 'POST',
      headers: {
        ...crossSite,
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'http://127.0.0.1:9999/oauth/callback/harbor',
      }).toString(),
    })
    expect(token.status).toBe(200)
    const sent = await sandbox.request(
      '/platform/v1/messages',
      postJson(
        { recipient: { id: customer.platformUserId }, message: { text: 'hello' } },
        { ...crossSite, Authorization: `Bearer ${sandbox.deps.credentials.platform.pageToken}` },
      ),
    )
    expect(sent.status).toBe(200)
  })
})
