import type { SpawnOptions } from 'node:child_process'
import { type Fixtures, recordFixtures } from './fixtures.ts'
import { DEFAULT_LOAD, type LoadOptions, type LoadResult, load } from './load.ts'
import { detectPinning } from './pinning.ts'
import { benchScript, type ChildGroup, CLI_BUNDLE, NODE, waitForOutput } from './processes.ts'
import { median } from './stats.ts'

// Section 1: the sandbox against a bare node:http server replaying its bytes, and a
// one-route Hono app replaying them too (the framework floor), each in its own child
// process, loaded in turns. Rotating the order every round spreads thermal and
// background drift over all sides instead of loading it onto one.

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/

const SERVERS = ['sandbox', 'floor', 'bare'] as const
type Server = (typeof SERVERS)[number]

interface Figures {
  requestsPerSecond: number
  p99Ms: number
}

export interface EndpointFigures extends Record<Server, Figures> {
  name: string
  failures: number
  bodyBytes: number
}

export interface HttpFigures {
  endpoints: EndpointFigures[]
  pageSize: number
  rounds: number
  load: LoadOptions
  /** Where servers and load generator ran, or null when they could not be pinned. */
  pinning: string | null
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
  const sandboxChild = startServer([
    CLI_BUNDLE,
    'serve',
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--seed',
    '42',
  ])
  const replaying: SpawnOptions = { stdio: ['pipe', 'pipe', 'pipe'] }
  const bareChild = startServer(benchScript('./bare-server.ts'), replaying)
  const floorChild = startServer(benchScript('./hono-floor-server.ts'), replaying)
  pinning?.hold()
  try {
    const [, sandboxUrl = ''] = await waitForOutput(sandboxChild, LISTENING)
    const fixtures = await recordFixtures(sandboxUrl)
    const recorded = JSON.stringify([fixtures.balances, fixtures.transactions])
    const listening = [bareChild, floorChild].map((child) => {
      child.stdin?.end(recorded)
      return waitForOutput(child, LISTENING).then(([, url = '']) => url)
    })
    const [bareUrl = '', floorUrl = ''] = await Promise.all(listening)
    const urls: Record<Server, string> = { sandbox: sandboxUrl, floor: floorUrl, bare: bareUrl }
    return { ...(await measure(urls, fixtures, rounds, options)), pinning: pinning?.description ?? null }
  } finally {
    pinning?.release()
    await Promise.all([sandboxChild, bareChild, floorChild].map((child) => children.stop(child)))
  }
}

async function measure(
  urls: Record<Server, string>,
  fixtures: Fixtures,
  rounds: number,
  options: LoadOptions,
): Promise<Omit<HttpFigures, 'pinning'>> {
  const headers = { Authorization: `Bearer ${fixtures.token}` }
  const endpoints = [
    { name: 'balances', response: fixtures.balances },
    { name: `${fixtures.pageSize}-transaction page`, response: fixtures.transactions },
  ].map((endpoint) => ({
    ...endpoint,
    results: { sandbox: [], floor: [], bare: [] } as Record<Server, LoadResult[]>,
  }))
  for (let round = 0; round < rounds; round++) {
    const order = SERVERS.map((_, i) => SERVERS[(i + round) % SERVERS.length] as Server)
    for (const endpoint of endpoints) {
      for (const server of order) {
        endpoint.results[server].push(
          await load(`${urls[server]}${endpoint.response.path}`, headers, options),
        )
      }
    }
  }
  return {
    endpoints: endpoints.map(({ name, response, results }) => ({
      name,
      sandbox: summarize(results.sandbox),
      floor: summarize(results.floor),
      bare: summarize(results.bare),
      failures: Object.values(results)
        .flat()
        .reduce((sum, r) => sum + r.failures, 0),
      bodyBytes: Buffer.byteLength(response.body),
    })),
    pageSize: fixtures.pageSize,
    rounds,
    load: options,
  }
}

function summarize(results: readonly LoadResult[]): Figures {
  return {
    requestsPerSecond: median(results.map((r) => r.requestsPerSecond)),
    p99Ms: median(results.map((r) => r.p99Ms)),
  }
}
