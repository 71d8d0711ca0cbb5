import { getHeapSnapshot } from 'node:v8'
import { afterEach, expect, test } from 'vitest'
import { type Serving, startServing } from '../sandbox/serving/start.ts'
import { createClock } from '../sandbox/time/clock.ts'
import { postJson, TEST_NOW } from './support/helpers.ts'

// A deleted world must free what it held. A server that makes and deletes worlds all day
// (one per CI job) would otherwise grow until it falls over: once, each world left two
// zod schemas behind for good in zod-to-openapi's registry (about 5 KB a world), and its
// event feed for five minutes after its last subscriber left.

const WARM_UP = 100
const MEASURED = 400
/** What V8 keeps of compiled code (code, its deopt data, dependency lists, shapes): it grows while V8 optimises. */
const COMPILER_NODES = new Set(['code', 'hidden', 'object shape', 'synthetic'])

const serve = async () => {
  serving = await startServing({
    port: 0,
    host: '127.0.0.1',
    seed: 42,
    customers: 200,
    days: 30,
    clock: createClock({ startMs: TEST_NOW, mode: 'frozen', wallNow: Date.now }),
    integration: null,
    maxWorlds: 10_000,
  })
  return serving.url
}

let serving: Serving | undefined
afterEach(async () => {
  await serving?.close()
  serving = undefined
})

/**
 * Bytes of live JavaScript values (objects, closures, arrays, strings), from a heap
 * snapshot: taking one collects all garbage first. What V8 keeps of compiled code is left
 * out: it goes on growing for a while as whatever runs hot is optimised, worlds or not.
 */
async function liveValueBytes(): Promise<number> {
  const chunks: Buffer[] = []
  for await (const chunk of getHeapSnapshot()) chunks.push(chunk as Buffer)
  const { snapshot, nodes } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }
    nodes: number[]
  }
  const fields = snapshot.meta.node_fields
  const [types] = snapshot.meta.node_types
  const type = fields.indexOf('type')
  const size = fields.indexOf('self_size')
  let bytes = 0
  for (let at = 0; at < nodes.length; at += fields.length) {
    if (!COMPILER_NODES.has(types[nodes[at + type] ?? 0] ?? '')) bytes += nodes[at + size] ?? 0
  }
  return bytes
}

const inWorld = (id: string) => ({ 'Content-Type': 'application/json', 'X-Sandbox-World': id })

/** A subscriber to a world's events, once it has its hello. */
async function subscribe(url: string, world: string) {
  const res = await fetch(`${url}/sandbox/events`, { headers: inWorld(world) })
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  await reader.read()
  return {
    /** Resolves when the stream ends; rejects if it has not within `ms`. */
    endsWithin: (ms: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`the event stream was still open ${ms} ms later`))
          void reader.cancel()
        }, ms)
        const drain = async () => {
          while (!(await reader.read()).done) {}
        }
        drain().then(() => {
          clearTimeout(timer)
          resolve()
        }, reject)
      }),
    leave: () => reader.cancel(),
  }
}

test('worlds made and deleted leave less than 1 KB each behind', async () => {
  const url = await serve()
  // Every answer is read to its end, so the client holds nothing either.
  const call = async (path: string, init?: RequestInit) => {
    // A heap snapshot stops this process, server and client alike, for seconds: the server
    // may close an idle kept-alive socket just as the client reuses it. Such a request never
    // reached the server, so it is sent once more.
    const res = await fetch(`${url}${path}`, init).catch(() => fetch(`${url}${path}`, init))
    const text = await res.text()
    if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`)
    return text
  }
  const makeAndDelete = async () => {
    const { id } = JSON.parse(await call('/sandbox/worlds', postJson({}))) as { id: string }
    // A dashboard that watched the world for a while and went away before it was deleted,
    // and a CI job that waited for it to settle.
    const events = await subscribe(url, id)
    await events.leave()
    await call('/sandbox/settle', { method: 'POST', headers: inWorld(id) })
    await call(`/sandbox/worlds/${id}`, { method: 'DELETE' })
  }
  for (let n = 0; n < WARM_UP; n++) await makeAndDelete()
  const before = await liveValueBytes()
  for (let n = 0; n < MEASURED; n++) await makeAndDelete()
  const perWorld = ((await liveValueBytes()) - before) / MEASURED
  expect(perWorld, 'bytes left behind per deleted world').toBeLessThan(1024)
}, 120_000)

test('deleting a world ends its event streams at once', async () => {
  const url = await serve()
  const made = await fetch(`${url}/sandbox/worlds`, postJson({}))
  const { id } = (await made.json()) as { id: string }
  const events = await subscribe(url, id)
  expect((await fetch(`${url}/sandbox/worlds/${id}`, { method: 'DELETE' })).status).toBe(204)
  await events.endsWithin(2_000)
})
