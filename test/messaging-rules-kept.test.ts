import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { type SandboxProcess, startSandboxProcess, stoppedAfterEach } from './support/sandbox-process.ts'

// The platform's rules keep their state in the store: a user's window, the notification
// tokens they granted and who owns their thread outlive a kill -9 with --data-dir.

const running = stoppedAfterEach<{ stop(): Promise<void> }>()

async function sandbox(args: string[], port?: number): Promise<SandboxProcess> {
  const started = await startSandboxProcess(args, port)
  running.push(started)
  return started
}

const json = async (pending: Response | Promise<Response>) => {
  const res = await pending
  if (!res.ok) throw new Error(`${res.status}: ${await res.text()}`)
  return res.json()
}
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })

describe('serve --data-dir --platform-policy window', () => {
  test('after a kill -9, the window, the granted token and the inbox owning the thread are all still there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-sandbox-data-'))
    try {
      const args = ['--data-dir', dir, '--integration', 'none', '--platform-policy', 'window']
      const first = await sandbox(args)
      const { platform } = await json(await fetch(`${first.url}/sandbox/credentials`))
      const auth = { Authorization: `Bearer ${platform.pageToken}` }
      const customers = await json(await fetch(`${first.url}/sandbox/banks/harbor/customers?limit=1`))
      const userId: string = customers.data[0].platformUserId
      await json(await post(`${first.url}/sandbox/platform/users/${userId}/messages`, { text: 'hello' }))
      const template = { template_type: 'notification_messages', title: 'Alerts?', payload: 'alerts' }
      const ask = {
        recipient: { id: userId },
        message: { attachment: { type: 'template', payload: template } },
      }
      await json(await post(`${first.url}/platform/v1/messages`, ask, auth))
      const conversationAt = (url: string) =>
        json(fetch(`${url}/sandbox/platform/users/${userId}/conversation`))
      await expect.poll(async () => (await conversationAt(first.url)).optins.length).toBe(1)
      const handover = { recipient: { id: userId }, target_app_id: 'inbox', metadata: 'a person' }
      await json(await post(`${first.url}/platform/v1/pass_thread_control`, handover, auth))
      const before = await conversationAt(first.url)
      expect(before).toMatchObject({ owner: 'inbox', windowOpen: true, policy: 'window' })

      await first.kill()
      const again = await sandbox(args, first.port)
      expect(await conversationAt(again.url)).toEqual(before)
      // The inbox still owns the thread: the integration may not write.
      const refused = await post(
        `${again.url}/platform/v1/messages`,
        { recipient: { id: userId }, message: { text: 'hi' } },
        auth,
      )
      expect(refused.status).toBe(403)
      expect((await refused.json()).code).toBe('thread_owned')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
