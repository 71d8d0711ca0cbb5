import { describe, expect, test } from 'vitest'
import { bearer, createTestSandbox, firstCustomer, postJson, type TestSandbox } from './support/helpers.ts'

// Quick replies on the Send API: at most 13, titles at most 20 characters; a simulated user
// taps the newest offered one whose title contains what they want, and the tap is a user
// message whose text is the title and which carries the reply's payload.

const send = (sandbox: TestSandbox, body: unknown) =>
  sandbox.request(
    '/platform/v1/messages',
    postJson(body, bearer(sandbox.deps.credentials.platform.pageToken)),
  )

const reply = (title: string, payload = `p:${title}`) => ({ content_type: 'text', title, payload })

async function user(sandbox: TestSandbox) {
  return (await firstCustomer(sandbox, 'harbor')).platformUserId
}

describe('quick replies', () => {
  test('a message with quick replies is sent, and the user sees them under it', async () => {
    const sandbox = createTestSandbox()
    const userId = await user(sandbox)
    const res = await send(sandbox, {
      recipient: { id: userId },
      message: {
        text: 'Which charge?',
        quick_replies: [reply('ZEPHYR TOYS $45.99'), reply('BOLT COFFEE $4.50')],
      },
    })
    expect(res.status).toBe(200)
    expect(sandbox.deps.state.chats.get(userId)?.at(-1)).toMatchObject({
      text: 'Which charge?',
      quickReplies: [
        { title: 'ZEPHYR TOYS $45.99', payload: 'p:ZEPHYR TOYS $45.99' },
        { title: 'BOLT COFFEE $4.50', payload: 'p:BOLT COFFEE $4.50' },
      ],
    })
  })

  test.each([
    ['more than 13', Array.from({ length: 14 }, (_, i) => reply(`charge ${i}`))],
    ['a title over 20 characters', [reply('A MERCHANT WITH A LONG NAME')]],
    ['no payload', [{ content_type: 'text', title: 'ZEPHYR' }]],
    ['a content type other than text', [{ content_type: 'user_email', title: 'x', payload: 'y' }]],
    ['an empty list', []],
  ])('%s answers 400 invalid_request and sends nothing', async (_case, quickReplies) => {
    const sandbox = createTestSandbox()
    const userId = await user(sandbox)
    const res = await send(sandbox, {
      recipient: { id: userId },
      message: { text: 'Pick one', quick_replies: quickReplies },
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'invalid_request' })
    expect(sandbox.deps.state.chats.get(userId) ?? []).toEqual([])
  })

  test('a tap sends the title as the user’s message, with the payload; nothing offered is a 404', async () => {
    const sandbox = createTestSandbox()
    const userId = await user(sandbox)
    const tap = (title: string) =>
      sandbox.request(`/sandbox/platform/users/${userId}/quick-replies/tap`, postJson({ title }))
    expect((await tap('ZEPHYR')).status).toBe(404)
    await send(sandbox, {
      recipient: { id: userId },
      message: {
        text: 'Which charge?',
        quick_replies: [reply('ZEPHYR TOYS $45.99', 'dispute:1'), reply('BOLT COFFEE $4.50', 'dispute:2')],
      },
    })
    const res = await tap('bolt coffee')
    expect(res.status).toBe(202)
    expect(await res.json()).toMatchObject({ title: 'BOLT COFFEE $4.50', payload: 'dispute:2' })
    expect(sandbox.deps.state.chats.get(userId)?.at(-1)).toMatchObject({
      direction: 'from_user',
      text: 'BOLT COFFEE $4.50',
      quickReplyPayload: 'dispute:2',
    })
  })
})
