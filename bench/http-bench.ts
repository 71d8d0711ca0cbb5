import { type Fixtures, recordFixtures } from './fixtures.ts'
import { DEFAULT_LOAD, type LoadOptions, type LoadResult, load } from './load.ts'
import { benchScript, type ChildGroup, CLI_BUNDLE, NODE, waitForOutput } from './processes.ts'
import { median } from './stats.ts'

// Section 1: the sandbox against a bare node:http server replaying its bytes, each in
// its own child process, loaded in turns. Alternating the order every round spreads
// thermal and background drift over both sides instead of loading it onto one.

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/

export interface EndpointFigures {
  name: string
  sandbox: { requestsPerSecond: number; p99Ms: number }
  bare: { requestsPerSecond: number; p99Ms: number }
  failures: number
  bodyBytes: number
}

export interface HttpFigures {
  endpoints: EndpointFigures[]
  pageSize: number
  rounds: number
  load: LoadOptions
}

export async function benchHttp(
  children: ChildGroup,
  rounds = 3,
  options = DEFAULT_LOAD,
): Promise<HttpFigures> {
  const sandboxChild = children.start(NODE, [
    CLI_BUNDLE,
    'serve',
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--seed',
    '42',
  ])
  const bareChild = children.start(NODE, benchScript('./bare-server.ts'), { stdio: ['pipe', 'pipe', 'pipe'] })
  try {
    const [, sandboxUrl = ''] = await waitForOutput(sandboxChild, LISTENING)
    const fixtures = await recordFixtures(sandboxUrl)
    bareChild.stdin?.end(JSON.stringify([fixtures.balances, fixtures.transactions]))
    const [, bareUrl = ''] = await waitForOutput(bareChild, LISTENING)
    return await measure(sandboxUrl, bareUrl, fixtures, rounds, options)
  } finally {
    await Promise.all([children.stop(sandboxChild), children.stop(bareChild)])
  }
}

async function measure(
  sandboxUrl: string,
  bareUrl: string,
  fixtures: Fixtures,
  rounds: number,
  options: LoadOptions,
) {
  const headers = { Authorization: `Bearer ${fixtures.token}` }
  const endpoints = [
    { name: 'balances', response: fixtures.balances, sandbox: [] as LoadResult[], bare: [] as LoadResult[] },
    {
      name: `${fixtures.pageSize}-transaction page`,
      response: fixtures.transactions,
      sandbox: [] as LoadResult[],
      bare: [] as LoadResult[],
    },
  ]
  for (let round = 0; round < rounds; round++) {
    const targets = round % 2 === 0 ? (['sandbox', 'bare'] as const) : (['bare', 'sandbox'] as const)
    for (const endpoint of endpoints) {
      for (const target of targets) {
        const base = target === 'sandbox' ? sandboxUrl : bareUrl
        endpoint[target].push(await load(`${base}${endpoint.response.path}`, headers, options))
      }
    }
  }
  return {
    endpoints: endpoints.map(({ name, response, sandbox, bare }) => ({
      name,
      sandbox: summarize(sandbox),
      bare: summarize(bare),
      failures: [...sandbox, ...bare].reduce((sum, r) => sum + r.failures, 0),
      bodyBytes: Buffer.byteLength(response.body),
    })),
    pageSize: fixtures.pageSize,
    rounds,
    load: options,
  }
}

function summarize(results: readonly LoadResult[]) {
  return {
    requestsPerSecond: median(results.map((r) => r.requestsPerSecond)),
    p99Ms: median(results.map((r) => r.p99Ms)),
  }
}
