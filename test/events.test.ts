import { describe, expect, test } from 'vitest'
import { createTestSandbox, postJson } from './support/helpers.ts'

describe('GET /sandbox/events', () => {
  test('streams what happens as server-sent events', async () => {
    const sandbox = createTestSandbox()
    const controller = new AbortController()
    const res = await sandbox.request('/sandbox/events', { signal: controller.signal })
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const decoder = new TextDecoder()
    let text = ''
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read()
        if (done) break
        text += decoder.decode(value)
      }
    }
    await readUntil('event: hello')
    await sandbox.request('/sandbox/clock', postJson({ advanceMs: 60_000 }))
    await sandbox.request('/sandbox/banks/harbor/partnership', postJson({ status: 'terminating' }))
    await readUntil('partnership.changed')
    await readUntil('webhook.queued')
    controller.abort()
    const events = text
      .split('\n\n')
      .filter((block) => block.includes('event: sandbox'))
      .map((block) =>
        JSON.parse(
          block
            .split('\n')
            .find((line) => line.startsWith('data: '))
            ?.slice(6) ?? '{}',
        ),
      )
    expect(events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['clock.moved', 'webhook.queued', 'partnership.changed']),
    )
    expect(events.find((e) => e.kind === 'clock.moved')?.data).toEqual({
      now: '2026-06-15T12:01:00.000Z',
      mode: 'frozen',
    })
  })
})
