import { createHmac } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { platformIdle } from '../sandbox/platform/records.ts'
import { bearer, createTestSandbox, firstCustomer, postJson, type TestSandbox } from './support/helpers.ts'
import { startTestIntegration, type TestIntegration } from './support/test-integration.ts'

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toBe('application/problem+json')
  const text = await res.text()
  expect(JSON.parse(text)).toMatchObject({ status, code, type: `urn:bank-sandbox:problem:${code}` })
  return { text, body: JSON.parse(text) as { errors?: { path: string; message: string }[] } }
}

const send = (sandbox: TestSandbox, body: unknown, token = sandbox.deps.credentials.platform.pageToken) =>
  sandbox.request('/platform/v1/messages', postJson(body, bearer(token)))

const chatOf = async (sandbox: TestSandbox, userId: string) =>
  (await (await sandbox.request(`/sandbox/platform/users/${userId}/messages`)).json()) as {
    data: { mid: string; direction: string; text: string; userId: string; at: string }[]
    deliveries: { mid: string; status: string; attempts: { statusCode: number | null }[] }[]
    links: unknown[]
  }

describe('Send API', () => {
  test('a message to a user lands in their chat and answers recipient_id and message_id', async () => {
    const sandbox = createTestSandbox()
    const { platformUserId } = await firstCustomer(sandbox, 'harbor')
    const res = await send(sandbox, {
      recipient: { id: platformUserId },
      message: { text: 'Hello from the bot' },
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { recipient_id: string; message_id: string }
    expect(body.recipient_id).toBe(platformUserId)
    expect(body.message_id).toMatch(/^mid_/)

    const chat = await chatOf(sandbox, platformUserId)
    expect(chat.data).toEqual([
      {
        mid: body.message_id,
        userId: platformUserId,
        direction: 'to_user',
        text: 'Hello from the bot',
        at: '2026-06-15T12:00:00.000Z',
        wallAt: '2026-06-15T12:00:00.000Z',
      },
    ])
    expect(chat.links).toEqual([])
  })

  test('a chat keeps its newest 1,000 lines or so: a bot talking all day does not grow the sandbox', async () => {
    const sandbox = createTestSandbox({ customers: 20 })
    const { platformUserId } = await firstCustomer(sandbox, 'harbor')
    for (let i = 1; i <= 1_250; i++)
      expect(
        (await send(sandbox, { recipient: { id: platformUserId }, message: { text: `line ${i}` } })).status,
      ).toBe(200)
    const { data } = await chatOf(sandbox, platformUserId)
    expect(data.length).toBeGreaterThanOrEqual(1_000)
    expect(data.length).toBeLessThanOrEqual(1_100)
    expect(data.at(-1)?.text).toBe('line 1250')
    expect(data.map((line) => Number(line.text.slice(5)))).toEqual(
      Array.from({ length: data.length }, (_, i) => 1_251 - data.length + i),
    )
  })

  test('a missing or wrong page token answers 401 invalid_token and stores nothing', async () => {
    const sandbox = createTestSandbox()
    const { platformUserId } = await firstCustomer(sandbox, 'harbor')
    const message = { recipient: { id: platformUserId }, message: { text: 'hi' } }
    const { text } = await expectProblem(
      await send(sandbox, message, 'pt_guessed-token-123'),
      401,
      'invalid_token',
    )
    expect(text).not.toContain('pt_guessed-token-123')
    expect(text).not.toContain(sandbox.deps.credentials.platform.pageToken)
    await expectProblem(
      await sandbox.request('/platform/v1/messages', postJson(message)),
      401,
      'invalid_token',
    )
    expect((await chatOf(sandbox, platformUserId)).data).toEqual([])
  })

  test('an unknown recipient answers 404 not_found', async () => {
    const sandbox = createTestSandbox({ customers: 200 })
    for (const id of ['usr_zzzzz', 'usr_0005k', 'cus_harbor_00000', 'usr_00000x']) {
      await expectProblem(
        await send(sandbox, { recipient: { id }, message: { text: 'hi' } }),
        404,
        'not_found',
      )
    }
  })

  test('empty or over-long text answers 400 with a field error that does not echo the text', async () => {
    const sandbox = createTestSandbox()
    const { platformUserId } = await firstCustomer(sandbox, 'harbor')
    const empty = await expectProblem(
      await send(sandbox, { recipient: { id: platformUserId }, message: { text: '  ' } }),
      400,
      'invalid_request',
    )
    expect(empty.body.errors).toEqual([{ path: 'message.text', message: 'Must not be empty' }])

    const long = 'x'.repeat(2000)
    expect((await send(sandbox, { recipient: { id: platformUserId }, message: { text: long } })).status).toBe(
      200,
    )
    const tooLong = await expectProblem(
      await send(sandbox, { recipient: { id: platformUserId }, message: { text: `${long}y` } }),
      400,
      'invalid_request',
    )
    expect(tooLong.body.errors).toEqual([{ path: 'message.text', message: 'At most 2000 characters' }])
    expect(tooLong.text).not.toContain('xxxxxxxxxx')

    const missing = await expectProblem(await send(sandbox, { recipient: {} }), 400, 'invalid_request')
    expect(missing.body.errors?.map((e) => e.path).sort()).toEqual(['message', 'recipient.id'])
  })

  test('2000 emoji are 2000 characters, not 4000', async () => {
    const sandbox = createTestSandbox()
    const { platformUserId } = await firstCustomer(sandbox, 'harbor')
    const res = await send(sandbox, {
      recipient: { id: platformUserId },
      message: { text: '💳'.repeat(2000) },
    })
    expect(res.status).toBe(200)
  })

  test('every Send API call is in the journal with its status', async () => {
    const sandbox = createTestSandbox()
    const { platformUserId } = await firstCustomer(sandbox, 'harbor')
    await send(sandbox, { recipient: { id: platformUserId }, message: { text: 'hi' } })
    await send(sandbox, { recipient: { id: platformUserId }, message: { text: 'hi' } }, 'wrong')
    const { data } = (await (await sandbox.request('/sandbox/journal')).json()) as {
      data: { path: string; status: number }[]
    }
    expect(data.filter((e) => e.path === '/platform/v1/messages').map((e) => e.status)).toEqual([200, 401])
  })

  test('message ids stay unique across a reset', async () => {
    const sandbox = createTestSandbox()
    const { platformUserId } = await firstCustomer(sandbox, 'harbor')
    const mid = async () =>
      (
        (await (
          await send(sandbox, { recipient: { id: platformUserId }, message: { text: 'hi' } })
        ).json()) as { message_id: string }
      ).message_id
    const before = await mid()
    expect((await sandbox.request('/sandbox/reset', postJson({}))).status).toBe(200)
    const after = await mid()
    expect(after).not.toBe(before)
    expect((await chatOf(sandbox, platformUserId)).data.map((m) => m.mid)).toEqual([after])
  })
})

describe('user messages to the integration', () => {
  let integration: TestIntegration
  beforeEach(async () => {
    integration = await startTestIntegration()
  })
  afterEach(async () => {
    await integration.close()
  })

  const attach = async (sandbox: TestSandbox) => {
    const res = await sandbox.request('/sandbox/integration', {
      ...postJson({ url: integration.url }),
      method: 'PUT',
    })
    expect(res.status).toBe(200)
  }
  const say = (sandbox: TestSandbox, userId: string, text: string) =>
    sandbox.request(`/sandbox/platform/users/${userId}/messages`, postJson({ text }))

  test('a typed message reaches the integration as a page envelope signed with the app secret', async () => {
    const sandbox = createTestSandbox()
    await attach(sandbox)
    const { platformUserId } = await firstCustomer(sandbox, 'harbor')
    const res = await say(sandbox, platformUserId, 'balance')
    expect(res.status).toBe(202)
    const { mid, delivery } = (await res.json()) as { mid: string; delivery: string }
    expect(delivery).toBe('pending')
    await platformIdle(sandbox.deps)

    const [request, ...more] = integration.received('/webhooks/platform')
    expect(more).toEqual([])
    if (!request) throw new Error('no delivery')
    expect(request.method).toBe('POST')
    expect(request.headers['content-type']).toBe('application/json')
    const { appSecret, pageId } = sandbox.deps.credentials.platform
    const expected = `sha256=${createHmac('sha256', appSecret).update(request.body).digest('hex')}`
    expect(request.headers['x-hub-signature-256']).toBe(expected)
    // A signature made with another secret, or over another body, does not match.
    expect(
      `sha256=${createHmac('sha256', 'not-the-app-secret').update(request.body).digest('hex')}`,
    ).not.toBe(expected)
    const tampered = request.body.replace('balance', 'spending')
    expect(`sha256=${createHmac('sha256', appSecret).update(tampered).digest('hex')}`).not.toBe(expected)

    const at = Date.parse('2026-06-15T12:00:00.000Z')
    expect(JSON.parse(request.body)).toEqual({
      object: 'page',
      entry: [
        {
          id: pageId,
          time: at,
          messaging: [
            {
              sender: { id: platformUserId },
              recipient: { id: pageId },
              timestamp: at,
              message: { mid, text: 'balance' },
            },
          ],
        },
      ],
    })
    expect(request.body).not.toContain(appSecret)

    const chat = await chatOf(sandbox, platformUserId)
    expect(chat.data).toMatchObject([{ mid, direction: 'from_user', text: 'balance' }])
    expect(chat.deliveries).toMatchObject([{ mid, status: 'delivered', attempts: [{ statusCode: 200 }] }])
  })

  test('an integration answering 500 gets the same message again, with the same mid', async () => {
    const sandbox = createTestSandbox()
    await attach(sandbox)
    integration.setResponse('/webhooks/platform', { status: 500, times: 1 })
    const { platformUserId } = await firstCustomer(sandbox, 'harbor')
    const { mid } = (await (await say(sandbox, platformUserId, 'spending')).json()) as { mid: string }
    await platformIdle(sandbox.deps)

    const deliveries = integration.received('/webhooks/platform')
    expect(deliveries).toHaveLength(2)
    const mids = deliveries.map((d) => JSON.parse(d.body).entry[0].messaging[0].message.mid)
    expect(mids).toEqual([mid, mid])
    expect(deliveries[1]?.body).toBe(deliveries[0]?.body)
    const chat = await chatOf(sandbox, platformUserId)
    expect(chat.deliveries).toMatchObject([
      { mid, status: 'delivered', attempts: [{ statusCode: 500 }, { statusCode: 200 }] },
    ])
  })

  test('one user’s messages arrive in the order typed, even when the first needs a retry', async () => {
    const sandbox = createTestSandbox()
    await attach(sandbox)
    integration.setResponse('/webhooks/platform', { status: 503, times: 1 })
    const { platformUserId } = await firstCustomer(sandbox, 'harbor')
    await say(sandbox, platformUserId, 'link harbor')
    await say(sandbox, platformUserId, 'balance')
    await platformIdle(sandbox.deps)
    const texts = integration
      .received('/webhooks/platform')
      .map((d) => JSON.parse(d.body).entry[0].messaging[0].message.text)
    expect(texts).toEqual(['link harbor', 'link harbor', 'balance'])
  })

  test('with no integration attached the message is stored and its delivery held', async () => {
    const sandbox = createTestSandbox()
    const { platformUserId } = await firstCustomer(sandbox, 'harbor')
    const res = await say(sandbox, platformUserId, 'balance')
    expect(res.status).toBe(202)
    const { mid, delivery } = (await res.json()) as { mid: string; delivery: string }
    expect(delivery).toBe('held')
    await platformIdle(sandbox.deps)
    expect(integration.requests).toEqual([])
    const chat = await chatOf(sandbox, platformUserId)
    expect(chat.data).toMatchObject([{ mid, direction: 'from_user', text: 'balance' }])
    expect(chat.deliveries).toEqual([{ mid, userId: platformUserId, status: 'held', attempts: [] }])
  })

  test('typing as an unknown user is 404; blank text is 400', async () => {
    const sandbox = createTestSandbox()
    await expectProblem(await say(sandbox, 'usr_zzzzz', 'hi'), 404, 'not_found')
    await expectProblem(await sandbox.request('/sandbox/platform/users/usr_zzzzz/messages'), 404, 'not_found')
    const { platformUserId } = await firstCustomer(sandbox, 'harbor')
    const blank = await expectProblem(await say(sandbox, platformUserId, ''), 400, 'invalid_request')
    expect(blank.body.errors).toEqual([{ path: 'text', message: 'Must not be empty' }])
  })
})
