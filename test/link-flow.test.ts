import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { findAuthorizeLink } from '../sandbox/platform/links.ts'
import { platformIdle } from '../sandbox/platform/records.ts'
import {
  basic,
  bearer,
  createTestSandbox,
  firstCustomer,
  postForm,
  postJson,
  type TestSandbox,
} from './support/helpers.ts'
import { startTestIntegration, type TestIntegration } from './support/test-integration.ts'

// The whole chat link over real sockets: a user types `link <bankId>`, the
// integration answers with an authorize link through the Send API, the simulated user
// taps it, and the sandbox calls the integration's /oauth/callback/<bankId>.

interface Tap {
  bankId: string
  outcome: string
  error: string | null
  status: number | null
  consentId: string | null
}

/** A minimal bot on the test integration: `link <bankId>` → an authorize link in chat. */
function linkingBot(sandbox: TestSandbox, integration: TestIntegration, query: Record<string, string> = {}) {
  const issued = new Set<string>()
  integration.on('/webhooks/platform', async (request) => {
    const envelope = JSON.parse(request.body) as {
      entry: { messaging: { sender: { id: string }; message: { text: string } }[] }[]
    }
    for (const event of envelope.entry.flatMap((entry) => entry.messaging)) {
      const bankId = /^link (\S+)$/.exec(event.message.text)?.[1]
      if (!bankId) continue
      const state = randomUUID()
      issued.add(state)
      const authorize = new URL(`https://sandbox.example.test/banks/${bankId}/oauth/authorize`)
      authorize.search = new URLSearchParams({
        response_type: 'code',
        client_id: 'platform-demo',
        redirect_uri: `${integration.url}/oauth/callback/${bankId}`,
        scope: 'accounts:read balances:read',
        state,
        purpose: 'account_servicing',
        ...query,
      }).toString()
      const text = `See https://example.com/help first. To link ${bankId}, tap ${authorize}.`
      const sent = await sandbox.request(
        '/platform/v1/messages',
        postJson(
          { recipient: { id: event.sender.id }, message: { text } },
          bearer(sandbox.deps.credentials.platform.pageToken),
        ),
      )
      if (sent.status !== 200) return new Response(null, { status: 500 })
    }
    return new Response(null, { status: 200 })
  })
  return { issued }
}

describe('linking a bank from the chat', () => {
  let integration: TestIntegration
  let sandbox: TestSandbox
  beforeEach(async () => {
    integration = await startTestIntegration()
    sandbox = createTestSandbox()
    const res = await sandbox.request('/sandbox/integration', {
      ...postJson({ url: integration.url }),
      method: 'PUT',
    })
    expect(res.status).toBe(200)
  })
  afterEach(async () => {
    await integration.close()
  })

  const say = (userId: string, text: string) =>
    sandbox.request(`/sandbox/platform/users/${userId}/messages`, postJson({ text }))
  const tapsOf = async (userId: string) =>
    ((await (await sandbox.request(`/sandbox/platform/users/${userId}/messages`)).json()) as { links: Tap[] })
      .links

  test('“link harbor” ends with the integration holding a token that reads the customer’s accounts', async () => {
    const bot = linkingBot(sandbox, integration)
    const customer = await firstCustomer(sandbox, 'harbor')
    expect((await say(customer.platformUserId, 'link harbor')).status).toBe(202)
    await platformIdle(sandbox.deps)

    const [callback, ...more] = integration.received('/oauth/callback/harbor')
    expect(more).toEqual([])
    if (!callback) throw new Error('the callback was never called')
    expect(callback.method).toBe('GET')
    expect(bot.issued.has(callback.query.state ?? '')).toBe(true)
    expect(callback.query.error).toBeUndefined()
    const code = callback.query.code ?? ''

    const exchange = await sandbox.request(
      '/banks/harbor/oauth/token',
      postForm(
        { grant_type: 'authorization_code', code, redirect_uri: `${integration.url}/oauth/callback/harbor` },
        basic(sandbox.deps),
      ),
    )
    expect(exchange.status).toBe(200)
    const tokens = (await exchange.json()) as { access_token: string; consent_id: string }
    const accounts = await sandbox.request('/banks/harbor/v1/accounts', {
      headers: bearer(tokens.access_token),
    })
    expect(accounts.status).toBe(200)
    const { data } = (await accounts.json()) as { data: { id: string }[] }
    expect(data.map((a) => a.id).sort()).toEqual(customer.accounts.map((a) => a.id).sort())

    expect(await tapsOf(customer.platformUserId)).toMatchObject([
      { bankId: 'harbor', outcome: 'linked', error: null, status: 200, consentId: tokens.consent_id },
    ])
    const consent = await sandbox.request('/banks/harbor/v1/consent', {
      headers: bearer(tokens.access_token),
    })
    expect(await consent.json()).toMatchObject({ customerId: customer.id, purpose: 'account_servicing' })
  })

  test('the Send API answers before the user taps', async () => {
    const customer = await firstCustomer(sandbox, 'harbor')
    const url = `http://127.0.0.1:4545/banks/harbor/oauth/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: 'platform-demo',
      redirect_uri: `${integration.url}/oauth/callback/harbor`,
      scope: 'accounts:read',
      state: 's1',
      purpose: 'account_servicing',
    })}`
    const res = await sandbox.request(
      '/platform/v1/messages',
      postJson(
        { recipient: { id: customer.platformUserId }, message: { text: url } },
        bearer(sandbox.deps.credentials.platform.pageToken),
      ),
    )
    expect(res.status).toBe(200)
    expect(integration.received('/oauth/callback')).toEqual([])
    expect(await tapsOf(customer.platformUserId)).toMatchObject([{ outcome: 'pending' }])
    await platformIdle(sandbox.deps)
    expect(integration.received('/oauth/callback/harbor')).toHaveLength(1)
  })

  test('a user with no account at pinecrest gets error=access_denied on the callback', async () => {
    const bot = linkingBot(sandbox, integration)
    const index = Array.from({ length: 200 }, (_, i) => i).find(
      (i) => !sandbox.deps.world.person(i)?.bankIds.includes('pinecrest'),
    )
    const person = index === undefined ? undefined : sandbox.deps.world.person(index)
    if (!person) throw new Error('everyone banks at pinecrest')
    await say(person.platformUserId, 'link pinecrest')
    await platformIdle(sandbox.deps)

    const [callback] = await integration.waitFor('/oauth/callback/pinecrest')
    expect(callback?.query.error).toBe('access_denied')
    expect(callback?.query.code).toBeUndefined()
    expect(bot.issued.has(callback?.query.state ?? '')).toBe(true)
    expect(await tapsOf(person.platformUserId)).toMatchObject([
      { bankId: 'pinecrest', outcome: 'denied', error: 'access_denied', consentId: null },
    ])
    expect(sandbox.deps.state.consents.size).toBe(0)
  })

  test('a user told to deny sends access_denied even where they bank; ignore taps nothing', async () => {
    linkingBot(sandbox, integration)
    const customer = await firstCustomer(sandbox, 'harbor')
    const path = `/sandbox/platform/users/${customer.platformUserId}/link-behaviour`
    expect(await (await sandbox.request(path)).json()).toEqual({ behaviour: 'approve' })
    const put = await sandbox.request(path, { ...postJson({ behaviour: 'deny' }), method: 'PUT' })
    expect(await put.json()).toEqual({ behaviour: 'deny' })
    await say(customer.platformUserId, 'link harbor')
    await platformIdle(sandbox.deps)
    expect(integration.received('/oauth/callback/harbor').map((r) => r.query.error)).toEqual([
      'access_denied',
    ])
    expect(sandbox.deps.state.consents.size).toBe(0)

    await sandbox.request(path, { ...postJson({ behaviour: 'ignore' }), method: 'PUT' })
    await say(customer.platformUserId, 'link harbor')
    await platformIdle(sandbox.deps)
    expect(integration.received('/oauth/callback/harbor')).toHaveLength(1)
    expect((await tapsOf(customer.platformUserId)).map((t) => t.outcome)).toEqual(['denied'])

    const bad = await sandbox.request(path, { ...postJson({ behaviour: 'maybe' }), method: 'PUT' })
    expect(bad.status).toBe(400)
  })

  test('an authorize link with an unknown client is refused by the bank: no callback, outcome recorded', async () => {
    linkingBot(sandbox, integration, { client_id: 'someone-else' })
    const customer = await firstCustomer(sandbox, 'harbor')
    await say(customer.platformUserId, 'link harbor')
    await platformIdle(sandbox.deps)
    expect(integration.received('/oauth/callback')).toEqual([])
    expect(await tapsOf(customer.platformUserId)).toMatchObject([
      { bankId: 'harbor', outcome: 'refused', error: 'invalid_request', status: null },
    ])
  })

  test('a redirect_uri outside the integration is refused: the sandbox calls nobody', async () => {
    linkingBot(sandbox, integration, { redirect_uri: 'http://127.0.0.1:1/oauth/callback/harbor' })
    const customer = await firstCustomer(sandbox, 'harbor')
    await say(customer.platformUserId, 'link harbor')
    await platformIdle(sandbox.deps)
    expect(await tapsOf(customer.platformUserId)).toMatchObject([
      { outcome: 'refused', error: 'invalid_request' },
    ])
  })

  test('a withdrawing bank refuses new links from the chat', async () => {
    linkingBot(sandbox, integration)
    sandbox.deps.state.partnerships.set('harbor', {
      status: 'terminating',
      effectiveAtMs: Date.parse('2026-07-01T00:00:00Z'),
    })
    const customer = await firstCustomer(sandbox, 'harbor')
    await say(customer.platformUserId, 'link harbor')
    await platformIdle(sandbox.deps)
    expect(integration.received('/oauth/callback')).toEqual([])
    expect(await tapsOf(customer.platformUserId)).toMatchObject([
      { outcome: 'refused', error: 'partnership_terminated' },
    ])
  })

  test('a 3xx from the callback completes the link; a 5xx does not', async () => {
    linkingBot(sandbox, integration)
    integration.setResponse('/oauth/callback/harbor', { status: 302, times: 1 })
    integration.setResponse('/oauth/callback/meridian', { status: 500 })
    const person = sandbox.deps.world.person(
      Array.from({ length: 200 }, (_, i) => i).find((i) => {
        const banks = sandbox.deps.world.person(i)?.bankIds ?? []
        return banks.includes('harbor') && banks.includes('meridian')
      }) ?? -1,
    )
    if (!person) throw new Error('nobody banks at both harbor and meridian')
    await say(person.platformUserId, 'link harbor')
    await say(person.platformUserId, 'link meridian')
    await platformIdle(sandbox.deps)
    expect(await tapsOf(person.platformUserId)).toMatchObject([
      { bankId: 'harbor', outcome: 'linked', status: 302 },
      { bankId: 'meridian', outcome: 'callback_failed', status: 500 },
    ])
  })

  test('the dashboard hears about messages and taps', async () => {
    linkingBot(sandbox, integration)
    const kinds: string[] = []
    sandbox.deps.bus.subscribe((event) => kinds.push(event.kind))
    const customer = await firstCustomer(sandbox, 'harbor')
    await say(customer.platformUserId, 'link harbor')
    await platformIdle(sandbox.deps)
    expect(kinds.filter((kind) => kind.startsWith('platform.'))).toEqual([
      'platform.message',
      'platform.message',
      'platform.delivery',
      'platform.link',
    ])
  })
})

describe('finding the link a user taps', () => {
  const authorize = (bankId: string, state: string) =>
    `http://127.0.0.1:4545/banks/${bankId}/oauth/authorize?response_type=code&state=${state}`

  test('the first authorize link wins; other links are not authorize links', () => {
    const text = `Help: https://example.com/banks/harbor/oauth/token then ${authorize('meridian', 'a')} or ${authorize('harbor', 'b')}`
    expect(findAuthorizeLink(text)).toEqual({
      bankId: 'meridian',
      query: { response_type: 'code', state: 'a' },
    })
  })

  test('trailing punctuation is not part of the link, and any host will do', () => {
    expect(findAuthorizeLink(`(tap ${authorize('harbor', 'xyz')}).`)?.query.state).toBe('xyz')
    expect(findAuthorizeLink('https://bank.example/banks/pinecrest/oauth/authorize?x=1')?.bankId).toBe(
      'pinecrest',
    )
  })

  test('relative paths and text without links tap nothing', () => {
    expect(findAuthorizeLink('/banks/harbor/oauth/authorize?state=1')).toBeNull()
    expect(findAuthorizeLink('Your balance is $12.00')).toBeNull()
    expect(findAuthorizeLink('https://x.example/banks/%E0%A4%A/oauth/authorize?state=1')).toBeNull()
  })
})
