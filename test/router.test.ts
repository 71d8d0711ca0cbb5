import { expect, test } from 'vitest'
import { createTestSandbox, postJson } from './support/helpers.ts'

// Hono serves every route through its fast RegExpRouter only while no two routes confuse
// it; one that does makes the whole app fall back to the slow TrieRouter, silently, at a
// sixth of every bank read.
test('the app keeps Hono’s fast router, with every route mounted', async () => {
  const { app } = createTestSandbox()
  await app.request('/health')
  const router = app.router as unknown as { activeRouter?: { name: string } }
  expect(router.activeRouter?.name).toBe('RegExpRouter')
})

test('POST /sandbox/webhooks/recover sends deliveries again; a bad body is 400, another action 404', async () => {
  const sandbox = createTestSandbox()
  const ok = await sandbox.request('/sandbox/webhooks/recover', postJson({ since: '2026-01-01T00:00:00Z' }))
  expect(ok.status).toBe(200)
  expect(await ok.json()).toEqual({ recovered: 0 })
  const bad = await sandbox.request('/sandbox/webhooks/recover', postJson({ since: 'yesterday' }))
  expect(bad.status).toBe(400)
  expect(await bad.json()).toMatchObject({ code: 'invalid_request' })
  expect((await sandbox.request('/sandbox/webhooks/rewind', postJson({}))).status).toBe(404)
})
