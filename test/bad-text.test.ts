import { describe, expect, test } from 'vitest'
import { createTestSandbox, firstCustomer, postForm, postJson, type TestSandbox } from './support/helpers.ts'

// U+0000 and a surrogate without its pair are text no database keeps (PostgreSQL's JSONB
// refuses both): the sandbox refuses them where they come in, as 400 invalid_request,
// before anything journals or keeps the request.

const NUL = '\u0000'
const LONE = '\ud800'

async function expectRefused(res: Response) {
  expect(res.status).toBe(400)
  expect(res.headers.get('content-type')).toBe('application/problem+json')
  const body = (await res.json()) as { code: string; detail: string }
  expect(body.code).toBe('invalid_request')
  expect(body.detail).toMatch(/U\+0000 or an unpaired UTF-16 surrogate/)
}

const journalLength = async (sandbox: TestSandbox) =>
  ((await (await sandbox.request('/sandbox/journal')).json()) as { data: unknown[] }).data.length

async function cardOf(sandbox: TestSandbox) {
  const customer = await firstCustomer(sandbox, 'harbor')
  return customer.cards[0]?.id ?? ''
}

describe('text the database cannot keep', () => {
  test('%00 in a bank path segment is 400 invalid_request, and nothing is journaled', async () => {
    const sandbox = createTestSandbox()
    const before = await journalLength(sandbox)
    await expectRefused(await sandbox.request('/banks/harbor/%00'))
    await expectRefused(await sandbox.request('/banks/%00/v1/accounts'))
    expect(await journalLength(sandbox)).toBe(before)
  })

  test('%00 in a query value or name is 400 invalid_request', async () => {
    const sandbox = createTestSandbox()
    await expectRefused(await sandbox.request('/sandbox/banks/harbor/customers?limit=%00'))
    await expectRefused(await sandbox.request('/sandbox/banks/harbor/customers?a%00=1'))
  })

  test('a merchant name with U+0000 or a lone surrogate is refused, and no transaction is booked', async () => {
    const sandbox = createTestSandbox()
    const cardId = await cardOf(sandbox)
    const booked = sandbox.deps.state.injected.size
    for (const name of [`Cafe${NUL}`, `Cafe${LONE}`, '\udc00Cafe']) {
      const res = await sandbox.request(
        `/sandbox/banks/harbor/cards/${cardId}/transactions`,
        postJson({ amount: { amount: -100, currency: 'USD' }, merchant: name }),
      )
      await expectRefused(res)
    }
    expect(sandbox.deps.state.injected.size).toBe(booked)
  })

  test('Send API text and chat text with bad text are refused, in keys as well as values', async () => {
    const sandbox = createTestSandbox()
    const { platformUserId } = await firstCustomer(sandbox, 'harbor')
    const token = sandbox.deps.credentials.platform.pageToken
    const sent = await sandbox.request(
      '/platform/v1/messages',
      postJson(
        { recipient: { id: platformUserId }, message: { text: `hi${LONE}` } },
        { Authorization: `Bearer ${token}` },
      ),
    )
    await expectRefused(sent)
    const typed = `/sandbox/platform/users/${platformUserId}/messages`
    await expectRefused(await sandbox.request(typed, postJson({ text: `hi${NUL}` })))
    await expectRefused(await sandbox.request(typed, postJson({ text: 'hi', [`x${NUL}`]: 1 })))
    // However deep it sits: the look walks without recursion.
    const deep = `${'['.repeat(20_000)}"\\u0000"${']'.repeat(20_000)}`
    const res = await sandbox.request(typed, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: `{"text":"hi","extra":${deep}}`,
    })
    await expectRefused(res)
  })

  test('a form body with U+0000 is refused', async () => {
    const sandbox = createTestSandbox()
    await expectRefused(
      await sandbox.request(
        '/banks/harbor/oauth/token',
        postForm({ grant_type: `client_credentials${NUL}` }),
      ),
    )
  })

  test('well-formed text passes: a surrogate pair (an emoji), escapes that decode to no NUL', async () => {
    const sandbox = createTestSandbox()
    const cardId = await cardOf(sandbox)
    const res = await sandbox.request(
      `/sandbox/banks/harbor/cards/${cardId}/transactions`,
      postJson({ amount: { amount: -100, currency: 'USD' }, merchant: 'Café 🍕' }),
    )
    expect(res.status).toBe(201)
    expect((await sandbox.request('/sandbox/banks/harbor/customers?limit=%31')).status).toBe(200)
    expect((await sandbox.request('/banks/harbor/%2500')).status).toBe(404)
  })
})
