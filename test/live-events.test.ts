import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, test, vi } from 'vitest'
import type { Deps } from '../sandbox/deps.ts'
import { feedOf } from '../sandbox/events/sse-feed.ts'
import { type RunningServer, startServer } from '../sandbox/serving/server.ts'
import { createTestSandbox } from './support/helpers.ts'

// GET /sandbox/events at the socket: one serialisation per event however many listen,
// a subscriber that stops reading is cut off with a last event, and Last-Event-ID resumes.

let server: RunningServer | undefined
const sockets: Socket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  await server?.close()
  vi.restoreAllMocks()
})

async function start() {
  const { deps } = createTestSandbox()
  server = await startServer(deps, { port: 0, host: '127.0.0.1' })
  return { deps, url: server.url, port: Number(new URL(server.url).port) }
}

/** A raw subscriber: everything it has received so far, and whether the server closed it. */
function subscribe(port: number, lastEventId?: number) {
  const socket = connect(port, '127.0.0.1')
  sockets.push(socket)
  const state = { text: '', closed: false }
  socket.on('data', (chunk: Buffer) => {
    state.text += chunk.toString('utf8')
  })
  socket.on('close', () => {
    state.closed = true
  })
  socket.on('error', () => {})
  const resume = lastEventId === undefined ? '' : `Last-Event-ID: ${lastEventId}\r\n`
  socket.write(`GET /sandbox/events HTTP/1.1\r\nHost: 127.0.0.1\r\n${resume}\r\n`)
  return { socket, state }
}

async function until(check: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** The body of a chunked HTTP response, as far as it has arrived. */
function body(raw: string): string {
  let rest = raw.slice(raw.indexOf('\r\n\r\n') + 4)
  let out = ''
  for (;;) {
    const eol = rest.indexOf('\r\n')
    if (eol < 0) return out
    const size = Number.parseInt(rest.slice(0, eol), 16)
    if (!(size > 0) || rest.length < eol + 2 + size) return out
    out += rest.slice(eol + 2, eol + 2 + size)
    rest = rest.slice(eol + 4 + size)
  }
}

/** The `sandbox` events in a stream's text, with their ids. */
function sandboxEvents(text: string) {
  return [...text.matchAll(/event: sandbox\ndata: (.*)\nid: (\d+)\n\n/g)].map((m) => ({
    id: Number(m[2]),
    kind: (JSON.parse(m[1] ?? '{}') as { kind: string }).kind,
  }))
}

const publish = (deps: Deps, kind: string, data: unknown = {}) =>
  deps.bus.publish(kind, '2026-01-01T00:00:00.000Z', data)

describe('GET /sandbox/events', () => {
  test('each event is serialised once for fifty subscribers, and all of them receive it with the same id', async () => {
    const { deps, port } = await start()
    const subscribers = Array.from({ length: 50 }, () => subscribe(port))
    await until(() => subscribers.every((s) => s.state.text.includes('event: hello')))

    const stringify = vi.spyOn(JSON, 'stringify')
    publish(deps, 'test.one', { n: 1 })
    expect(stringify).toHaveBeenCalledTimes(1)
    stringify.mockRestore()

    await until(() => subscribers.every((s) => sandboxEvents(s.state.text).length === 1))
    const ids = new Set(subscribers.map((s) => sandboxEvents(s.state.text)[0]?.id))
    expect(ids.size).toBe(1)
  })

  test('a subscriber that never reads is cut off after about 1 MB with an overflow event, while the server answers', async () => {
    const { deps, url, port } = await start()
    const slow = subscribe(port)
    await until(() => slow.state.text.includes('event: hello'))
    slow.socket.pause()
    const feed = feedOf(deps)
    const base = feed.lastId()

    const payload = 'x'.repeat(10_000)
    let published = 0
    while (feed.subscribers() > 0 && published < 5_000) {
      publish(deps, 'test.big', { payload })
      published++
      if (published % 50 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    expect(feed.subscribers()).toBe(0)
    const health = await fetch(`${url}/health`)
    expect(health.status).toBe(200)

    slow.socket.resume()
    await until(() => slow.state.closed)
    const received = body(slow.state.text)
    const tail = received.slice(-300)
    expect(tail).toMatch(
      /event: overflow\ndata: \{"reason":"more than 1048576 bytes of events unread","lastEventId":\d+\}\n\n$/,
    )
    // What the slow subscriber got before its last event is the start of the feed, with no hole.
    const got = sandboxEvents(received).map((e) => e.id)
    expect(got.length).toBeLessThan(published)
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => base + i + 1))
  })

  test('a reconnect with Last-Event-ID replays exactly the events it missed, then the live ones', async () => {
    const { deps, port } = await start()
    const first = subscribe(port)
    await until(() => first.state.text.includes('event: hello'))
    const base = feedOf(deps).lastId()
    for (let i = 1; i <= 5; i++) publish(deps, `test.${i}`)
    await until(() => sandboxEvents(first.state.text).length === 5)
    first.socket.destroy()
    await until(() => feedOf(deps).subscribers() === 0)

    for (let i = 6; i <= 9; i++) publish(deps, `test.${i}`)
    const again = subscribe(port, base + 5)
    await until(() => sandboxEvents(again.state.text).length === 4)
    publish(deps, 'test.10')
    await until(() => sandboxEvents(again.state.text).length === 5)

    expect(again.state.text).not.toContain('event: lost')
    expect(sandboxEvents(again.state.text)).toEqual(
      [6, 7, 8, 9, 10].map((n) => ({ id: base + n, kind: `test.${n}` })),
    )
  })

  test('a Last-Event-ID older than the ring hears that events were lost, then gets what is kept', async () => {
    const { deps, port } = await start()
    const feed = feedOf(deps, { ringEvents: 3, startAfterId: 0 })
    const first = subscribe(port)
    await until(() => first.state.text.includes('event: hello'))
    for (let i = 1; i <= 6; i++) publish(deps, `test.${i}`)

    const again = subscribe(port, 1)
    await until(() => sandboxEvents(again.state.text).length === 3)
    expect(again.state.text).toContain('event: lost\ndata: {"lastEventId":1,"oldestKept":4}\n\n')
    expect(sandboxEvents(again.state.text).map((e) => e.id)).toEqual([4, 5, 6])
    expect(feed.lastId()).toBe(6)
  })

  test('a feed started later (a restart) goes on with higher ids: an old Last-Event-ID hears it lost events', async () => {
    const before = await start()
    const old = subscribe(before.port)
    await until(() => old.state.text.includes('event: hello'))
    for (let i = 1; i <= 3; i++) publish(before.deps, `test.${i}`)
    await until(() => sandboxEvents(old.state.text).length === 3)
    const lastSeen = sandboxEvents(old.state.text).at(-1)?.id ?? 0
    old.socket.destroy()
    await server?.close()

    await new Promise((resolve) => setTimeout(resolve, 5))
    const after = await start()
    const probe = subscribe(after.port)
    await until(() => probe.state.text.includes('event: hello'))
    for (let i = 1; i <= 5; i++) publish(after.deps, `again.${i}`)
    const again = subscribe(after.port, lastSeen)
    await until(() => sandboxEvents(again.state.text).length === 5)
    expect(again.state.text).toContain(`event: lost\ndata: {"lastEventId":${lastSeen},`)
    expect(sandboxEvents(again.state.text).every((event) => event.id > lastSeen)).toBe(true)
  })
})
