import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { recordFixtures } from './fixtures.ts'
import { load } from './load.ts'
import { startPinnedSandbox } from './pinning.ts'
import { type ChildGroup, waitForOutput } from './processes.ts'

// A subscriber that never reads: GET /sandbox/events on a socket this process then leaves
// paused, while balance reads make an event each for `seconds`. The server must not hold
// what it cannot send: it grows by what the call journal and the replay ring keep, and
// cuts the subscriber off. The baseline is a second server under the same load with
// nobody subscribed.

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/
const SAMPLE_MS = 200

export interface SlowSubscriberFigures {
  seconds: number
  /** Peak RSS over the run less RSS before it, with the never-reading subscriber. */
  growthBytes: number
  /** The same without any subscriber. */
  baselineGrowthBytes: number
  /** The server closed the subscriber's connection. */
  disconnected: boolean
  /** Its last event said why (seen once the socket was read after the run). */
  overflowSeen: boolean
  requests: number
}

export async function benchSlowSubscriber(
  children: ChildGroup,
  seconds = 20,
): Promise<SlowSubscriberFigures> {
  const withSubscriber = await run(children, seconds, true)
  const without = await run(children, seconds, false)
  return {
    seconds,
    growthBytes: withSubscriber.growthBytes,
    baselineGrowthBytes: without.growthBytes,
    disconnected: withSubscriber.disconnected,
    overflowSeen: withSubscriber.overflowSeen,
    requests: withSubscriber.requests,
  }
}

async function run(children: ChildGroup, seconds: number, subscribe: boolean) {
  const { server, pinning } = startPinnedSandbox(children)
  try {
    const [, url = ''] = await waitForOutput(server, LISTENING)
    const fixtures = await recordFixtures(url)
    const subscriber = subscribe ? await stalledSubscriber(url) : null
    await sleep(500)
    const before = rssBytes(server)
    let peak = before
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssBytes(server))
    }, SAMPLE_MS)
    const headers = { Authorization: `Bearer ${fixtures.token}` }
    const result = await load(`${url}${fixtures.balances.path}`, headers, {
      connections: 10,
      warmupSeconds: 0,
      seconds,
    })
    clearInterval(sampler)
    peak = Math.max(peak, rssBytes(server))
    const outcome = subscriber ? await subscriber.drain() : { closed: false, overflow: false }
    return {
      growthBytes: peak - before,
      disconnected: outcome.closed,
      overflowSeen: outcome.overflow,
      requests: Math.round(result.requestsPerSecond * seconds),
    }
  } finally {
    pinning?.release()
    await children.stop(server)
  }
}

/** Subscribes, reads the response head and hello, then stops reading: the kernel's buffers fill, then the server's. */
async function stalledSubscriber(url: string) {
  const { hostname, port } = new URL(url)
  const socket: Socket = connect(Number(port), hostname)
  let seen = ''
  let closed = false
  socket.on('close', () => {
    closed = true
  })
  socket.on('error', () => undefined)
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  socket.write(
    `GET /sandbox/events HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\n\r\n`,
  )
  await new Promise<void>((resolve) => {
    const onData = (chunk: Buffer) => {
      seen += chunk.toString()
      if (!seen.includes('event: hello')) return
      socket.off('data', onData)
      socket.pause()
      resolve()
    }
    socket.on('data', onData)
  })
  return {
    /** Reads what is left, for up to 15 s: did the server close the connection, and say why? */
    async drain(): Promise<{ closed: boolean; overflow: boolean }> {
      let tail = ''
      let overflow = false
      socket.on('data', (chunk: Buffer) => {
        tail = (tail + chunk.toString()).slice(-4096)
        overflow ||= tail.includes('event: overflow')
      })
      socket.resume()
      for (let waited = 0; !closed && waited < 15_000; waited += 100) await sleep(100)
      socket.destroy()
      return { closed, overflow }
    },
  }
}

function rssBytes(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) * 1024
}
