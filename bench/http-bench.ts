import type { SpawnOptions } from 'node:child_process'
import { type Fixtures, type RecordedResponse, recordFixtures } from './fixtures.ts'
import { DEFAULT_LOAD, type LoadOptions, type LoadResult, load } from './load.ts'
import { detectPinning } from './pinning.ts'
import { cpuSecondsOf } from './process-cpu.ts'
import { benchScript, type ChildGroup, CLI_BUNDLE, NODE, waitForOutput } from './processes.ts'
import { median } from './stats.ts'

// Section 1: the sandbox against a bare node:http server replaying its bytes, and a
// one-route Hono app replaying them too (the framework floor), each in its own child
// process, loaded in turns. Rotating the order every round spreads thermal and
// background drift over all sides instead of loading it onto one. A second sandbox, the
// same in every way but for 100 dashboard-style subscribers on GET /sandbox/events,
// takes its turns beside them: every bank call is an event each subscriber is sent.

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/
export const SUBSCRIBERS = 100

const SERVERS = ['sandbox', 'subscribed', 'floor', 'bare'] as const
type Server = (typeof SERVERS)[number]

interface Figures {
  requestsPerSecond: number
  p99Ms: number
  /** Requests answered per CPU-second of the server: its capacity on one core. Null without /proc. */
  requestsPerCpuSecond: number | null
}

export interface EndpointFigures {
  name: string
  sandbox: Figures
  /** The sandbox with SUBSCRIBERS subscribers; null where not measured. */
  subscribed: Figures | null
  floor: Figures
  bare: Figures
  failures: number
  bodyBytes: number
}

export interface HttpFigures {
  /** Balances, the settled page (kept for good), the newest page (kept until it could change). */
  endpoints: EndpointFigures[]
  pageSize: number
  rounds: number
  load: LoadOptions
  /** Where servers and load generator ran, or null when they could not be pinned. */
  pinning: string | null
  /** How often a subscriber was cut off for falling behind (and came back with Last-Event-ID). */
  resubscribed: number
}

export async function benchHttp(
  children: ChildGroup,
  rounds = 5,
  options = DEFAULT_LOAD,
): Promise<HttpFigures> {
  const pinning = detectPinning()
  const startServer = (args: string[], options?: SpawnOptions) =>
    pinning
      ? children.start('taskset', [...pinning.serverPrefix, NODE, ...args], options)
      : children.start(NODE, args, options)
  const serve = [CLI_BUNDLE, 'serve', '--port', '0', '--host', '127.0.0.1', '--seed', '42']
  const sandboxChild = startServer(serve)
  const subscribedChild = startServer(serve)
  const replaying: SpawnOptions = { stdio: ['pipe', 'pipe', 'pipe'] }
  const bareChild = startServer(benchScript('./bare-server.ts'), replaying)
  const floorChild = startServer(benchScript('./hono-floor-server.ts'), replaying)
  const started = [sandboxChild, subscribedChild, bareChild, floorChild]
  pinning?.hold()
  try {
    const [, sandboxUrl = ''] = await waitForOutput(sandboxChild, LISTENING)
    const [, subscribedUrl = ''] = await waitForOutput(subscribedChild, LISTENING)
    const fixtures = await recordFixtures(sandboxUrl)
    const subscribedFixtures = await recordFixtures(subscribedUrl)
    // Started after hold(): the subscribers are clients, on the load generator's core.
    const subscribers = children.start(NODE, [
      ...benchScript('./subscribers.ts'),
      subscribedUrl,
      String(SUBSCRIBERS),
    ])
    started.push(subscribers)
    let resubscribed = 0
    subscribers.stderr?.on('data', (chunk: Buffer) => {
      resubscribed += chunk.toString().split('resubscribed').length - 1
    })
    await waitForOutput(subscribers, /subscribed \d+/)
    const recorded = JSON.stringify([fixtures.balances, fixtures.settledTransactions, fixtures.transactions])
    const listening = [bareChild, floorChild].map((child) => {
      child.stdin?.end(recorded)
      return waitForOutput(child, LISTENING).then(([, url = '']) => url)
    })
    const [bareUrl = '', floorUrl = ''] = await Promise.all(listening)
    const urls: Record<Server, string> = {
      sandbox: sandboxUrl,
      subscribed: subscribedUrl,
      floor: floorUrl,
      bare: bareUrl,
    }
    const tokens: Record<Server, string> = {
      sandbox: fixtures.token,
      subscribed: subscribedFixtures.token,
      floor: fixtures.token,
      bare: fixtures.token,
    }
    const pids: Record<Server, number | undefined> = {
      sandbox: sandboxChild.pid,
      subscribed: subscribedChild.pid,
      floor: floorChild.pid,
      bare: bareChild.pid,
    }
    const figures = await measure({ urls, tokens, pids }, fixtures, rounds, options)
    return { ...figures, pinning: pinning?.description ?? null, resubscribed }
  } finally {
    pinning?.release()
    await Promise.all(started.map((child) => children.stop(child)))
  }
}

interface Endpoint {
  name: string
  response: RecordedResponse
  servers: readonly Server[]
}

interface Servers {
  urls: Record<Server, string>
  tokens: Record<Server, string>
  /** Each server's process (taskset execs node in place), to read its CPU time. */
  pids: Record<Server, number | undefined>
}

async function measure(
  { urls, tokens, pids }: Servers,
  fixtures: Fixtures,
  rounds: number,
  options: LoadOptions,
): Promise<Omit<HttpFigures, 'pinning' | 'resubscribed'>> {
  const page = `${fixtures.pageSize}-transaction page`
  const endpoints: Endpoint[] = [
    { name: 'balances', response: fixtures.balances, servers: SERVERS },
    { name: `${page} of settled days (cached)`, response: fixtures.settledTransactions, servers: SERVERS },
    {
      name: `${page} reaching today`,
      response: fixtures.transactions,
      servers: SERVERS.filter((s) => s !== 'subscribed'),
    },
  ]
  const results = endpoints.map(() => new Map<Server, LoadResult[]>(SERVERS.map((s) => [s, []])))
  for (let round = 0; round < rounds; round++) {
    for (const [e, endpoint] of endpoints.entries()) {
      const order = endpoint.servers.map((_, i, all) => all[(i + round) % all.length] as Server)
      for (const server of order) {
        const headers = { Authorization: `Bearer ${tokens[server]}` }
        const url = `${urls[server]}${endpoint.response.path}`
        const result = await load(url, headers, options, () => cpuSecondsOf(pids[server]))
        results[e]?.get(server)?.push(result)
      }
    }
  }
  return {
    endpoints: endpoints.map(({ name, response }, e) => {
      const of = (server: Server) => results[e]?.get(server) ?? []
      return {
        name,
        sandbox: summarize(of('sandbox')),
        subscribed: of('subscribed').length > 0 ? summarize(of('subscribed')) : null,
        floor: summarize(of('floor')),
        bare: summarize(of('bare')),
        failures: [...(results[e]?.values() ?? [])].flat().reduce((sum, r) => sum + r.failures, 0),
        bodyBytes: Buffer.byteLength(response.body),
      }
    }),
    pageSize: fixtures.pageSize,
    rounds,
    load: options,
  }
}

function summarize(results: readonly LoadResult[]): Figures {
  const cpu = results.map((r) => r.cpuSecondsPerRequest)
  const known = cpu.filter((seconds): seconds is number => seconds !== null && seconds > 0)
  return {
    requestsPerSecond: median(results.map((r) => r.requestsPerSecond)),
    p99Ms: median(results.map((r) => r.p99Ms)),
    requestsPerCpuSecond: known.length === cpu.length && known.length > 0 ? 1 / median(known) : null,
  }
}
