import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { platformIdle } from '../sandbox/platform/records.ts'
import { bearer, createTestSandbox, firstCustomer, postJson, type TestSandbox } from './support/helpers.ts'
import { startTestIntegration, type TestIntegration } from './support/test-integration.ts'

// The messaging platform's rules (DESIGN §13): the 24 h window under the `window` policy,
// opt-in notification tokens, HUMAN_AGENT for the human agent only, and conversation
// routing with the page's human inbox.

const DAY = 86_400_000

const platform = (sandbox: TestSandbox, path: string, body: unknown) =>
  sandbox.request(`/platform/v1/${path}`, postJson(body, bearer(sandbox.deps.credentials.platform.pageToken)))
const send = (sandbox: TestSandbox, body: unknown) => platform(sandbox, 'messages', body)
const text = (userId: string, words: string, extra: Record<string, unknown> = {}) => ({
  recipient: { id: userId },
  message: { text: words },
  ...extra,
})
const control = (sandbox: TestSandbox, method: string, path: string, body?: unknown) =>
  sandbox.request(`/sandbox${path}`, { ...postJson(body ?? {}), method })
const say = (sandbox: TestSandbox, userId: string, words: string) =>
  control(sandbox, 'POST', `/platform/users/${userId}/messages`, { text: words })
const advance = (sandbox: TestSandbox, ms: number) => control(sandbox, 'POST', '/clock', { advanceMs: ms })
const conversation = async (sandbox: TestSandbox, userId: string) =>
  (await (await sandbox.request(`/sandbox/platform/users/${userId}/conversation`)).json()) as {
    owner: string
    windowOpen: boolean
    optins: { token: string; stoppedAt: string | null }[]
  }
const journalOf = async (sandbox: TestSandbox) =>
  (
    (await (await sandbox.request('/sandbox/journal')).json()) as {
      data: { route: string; status: number; code?: string; policyViolation?: string }[]
    }
  ).data

async function expectRefusal(res: Response, status: number, code: string) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toBe('application/problem+json')
  const body = await res.json()
  expect(body).toMatchObject({ status, code, type: `urn:bank-sandbox:problem:${code}` })
  return body as { error?: { code: number; message: string } }
}

describe('the messaging window', () => {
  test('under the open policy the integration may write at any time', async () => {
    const sandbox = createTestSandbox()
    const { platformUserId } = await firstCustomer(sandbox, 'harbor')
    expect((await send(sandbox, text(platformUserId, 'Hello'))).status).toBe(200)
  })

  test('under the window policy a message more than 24 h after the user wrote is refused outside_window', async () => {
    const sandbox = createTestSandbox()
    const { platformUserId } = await firstCustomer(sandbox, 'harbor')
    expect((await control(sandbox, 'PUT', '/platform/policy', { policy: 'window' })).status).toBe(200)
    const never = await expectRefusal(await send(sandbox, text(platformUserId, 'Hi')), 400, 'outside_window')
    expect(never.error).toEqual({ code: 10, message: 'This message is sent outside of allowed window' })
    await say(sandbox, platformUserId, 'balance')
    expect((await send(sandbox, text(platformUserId, 'In the window'))).status).toBe(200)
    await advance(sandbox, DAY + 1)
    await expectRefusal(await send(sandbox, text(platformUserId, 'Too late')), 400, 'outside_window')
    const [last] = (await journalOf(sandbox)).slice(-1)
    expect(last).toMatchObject({ route: '/platform/v1/messages', status: 400, code: 'outside_window' })
  })

  test('the serve default comes back when a world chooses null', async () => {
    const sandbox = createTestSandbox()
    await control(sandbox, 'PUT', '/platform/policy', { policy: 'window' })
    const res = await control(sandbox, 'PUT', '/platform/policy', { policy: null })
    expect(await res.json()).toEqual({ policy: 'open', default: 'open' })
  })
})

describe('HUMAN_AGENT', () => {
  for (const policy of ['open', 'window'])
    test(`the integration using HUMAN_AGENT is refused tag_not_allowed under the ${policy} policy, and the journal says why`, async () => {
      const sandbox = createTestSandbox()
      const { platformUserId } = await firstCustomer(sandbox, 'harbor')
      await control(sandbox, 'PUT', '/platform/policy', { policy })
      await say(sandbox, platformUserId, 'hello')
      const res = await send(
        sandbox,
        text(platformUserId, 'Hi from a person', { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' }),
      )
      const body = await expectRefusal(res, 403, 'tag_not_allowed')
      expect(body.error?.code).toBe(10)
      const [last] = (await journalOf(sandbox)).slice(-1)
      expect(last).toMatchObject({
        status: 403,
        code: 'tag_not_allowed',
        policyViolation: 'human_agent_tag_from_bot',
      })
    })
})

describe('with an integration attached', () => {
  let integration: TestIntegration
  beforeEach(async () => {
    integration = await startTestIntegration()
  })
  afterEach(async () => {
    await integration.close()
  })
  const attached = async () => {
    const sandbox = createTestSandbox()
    await control(sandbox, 'PUT', '/integration', { url: integration.url })
    const { platformUserId } = await firstCustomer(sandbox, 'harbor')
    return { sandbox, userId: platformUserId }
  }
  const events = () =>
    integration
      .received('/webhooks/platform')
      .map((r) => JSON.parse(r.body) as { entry: Record<string, Record<string, unknown>[]>[] })

  test('an opt-in request is allowed by the user; the token carries a message outside the window until stopped', async () => {
    const { sandbox, userId } = await attached()
    await control(sandbox, 'PUT', '/platform/policy', { policy: 'window' })
    await say(sandbox, userId, 'link harbor')
    const ask = await send(sandbox, {
      recipient: { id: userId },
      message: {
        attachment: {
          type: 'template',
          payload: { template_type: 'notification_messages', title: 'Fraud alerts?', payload: 'alerts' },
        },
      },
    })
    expect(ask.status).toBe(200)
    await platformIdle(sandbox.deps)
    const optin = events()
      .flatMap((e) => e.entry.flatMap((entry) => entry.messaging ?? []))
      .map((item) => item.optin as Record<string, unknown> | undefined)
      .find(Boolean)
    expect(optin).toMatchObject({ type: 'notification_messages', payload: 'alerts' })
    const token = optin?.notification_messages_token as string
    expect(token).toMatch(/^ntok_/)

    await advance(sandbox, 3 * DAY)
    await expectRefusal(await send(sandbox, text(userId, 'Alert')), 400, 'outside_window')
    const viaToken = { recipient: { notification_messages_token: token }, message: { text: 'Alert ••1234' } }
    const sent = await send(sandbox, viaToken)
    expect(sent.status).toBe(200)
    expect(await sent.json()).toMatchObject({ recipient_id: userId })

    await control(sandbox, 'POST', `/platform/users/${userId}/optins/stop`)
    expect((await conversation(sandbox, userId)).optins[0]?.stoppedAt).not.toBeNull()
    await expectRefusal(await send(sandbox, viaToken), 400, 'outside_window')
  })

  test('while the inbox owns the thread the integration gets standby and may not write; handback is announced', async () => {
    const { sandbox, userId } = await attached()
    await say(sandbox, userId, 'agent')
    const pass = await platform(sandbox, 'pass_thread_control', {
      recipient: { id: userId },
      target_app_id: 'inbox',
      metadata: 'asked for a person',
    })
    expect(pass.status).toBe(200)
    expect((await conversation(sandbox, userId)).owner).toBe('inbox')
    await expectRefusal(await send(sandbox, text(userId, 'Still here')), 403, 'thread_owned')

    await say(sandbox, userId, 'my card was declined')
    await say(sandbox, userId, 'thanks')
    await platformIdle(sandbox.deps)
    const entries = events().flatMap((e) => e.entry)
    expect(entries.filter((entry) => entry.standby).length).toBe(2)
    const handover = entries
      .flatMap((entry) => entry.messaging ?? [])
      .find((item) => item.pass_thread_control)
    expect(handover?.pass_thread_control).toEqual({
      new_owner_app_id: 'integration',
      previous_owner_app_id: 'inbox',
      metadata: 'agent done',
    })
    expect((await conversation(sandbox, userId)).owner).toBe('integration')
    expect((await send(sandbox, text(userId, 'You are talking to our automated assistant'))).status).toBe(200)

    const chat = (await (await sandbox.request(`/sandbox/platform/users/${userId}/messages`)).json()) as {
      data: { appId?: string }[]
    }
    expect(chat.data.filter((line) => line.appId === 'inbox').length).toBe(3)
  })

  test('a person on the dashboard takes the thread, types as the agent and hands it back', async () => {
    const { sandbox, userId } = await attached()
    await say(sandbox, userId, 'hello')
    expect((await control(sandbox, 'POST', `/platform/users/${userId}/inbox/take`)).status).toBe(200)
    const typed = await control(sandbox, 'POST', `/platform/users/${userId}/inbox/messages`, {
      text: 'Hi, I am Jo',
    })
    expect(typed.status).toBe(200)
    await say(sandbox, userId, 'one')
    await say(sandbox, userId, 'two')
    // A person does not hand back by turns: only when they say so.
    expect((await conversation(sandbox, userId)).owner).toBe('inbox')
    await control(sandbox, 'POST', `/platform/users/${userId}/inbox/handback`, { metadata: 'done' })
    await platformIdle(sandbox.deps)
    const items = events().flatMap((e) => e.entry.flatMap((entry) => entry.messaging ?? []))
    expect(items.some((item) => item.take_thread_control)).toBe(true)
    expect(items.find((item) => item.pass_thread_control)?.pass_thread_control).toMatchObject({
      metadata: 'done',
    })
  })
})
