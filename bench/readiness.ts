import { get } from 'node:http'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { type ChildGroup, CLI_BUNDLE, freePort, NODE } from './processes.ts'
import { median } from './stats.ts'

// Section 2: how long `serve` keeps a developer (or a CI job) waiting. The clock runs
// from spawn to the first 200 on /health, polled every few ms on a port chosen up front,
// so listen() time, first-request time and everything before them all count.

const POLL_MS = 5
const GIVE_UP_MS = 30_000

/** A plain node:http server, started the same way: what Node itself costs before a first 200. */
const BARE_SERVER = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.argv[1]), '127.0.0.1')`

export interface ReadinessFigures {
  sandboxMs: number
  bareMs: number
  /** The very first sandbox spawn, left out of the median: it may pay a cold file-system cache. */
  firstSandboxMs: number
  runs: number
}

export async function benchReadiness(children: ChildGroup, runs = 5): Promise<ReadinessFigures> {
  const sandbox = (port: number) => [CLI_BUNDLE, 'serve', '--port', String(port), '--host', '127.0.0.1']
  const bare = (port: number) => ['-e', BARE_SERVER, String(port)]
  const firstSandboxMs = await timeToFirst200(children, sandbox)
  const sandboxTimes: number[] = []
  const bareTimes: number[] = []
  for (let i = 0; i < runs; i++) {
    sandboxTimes.push(await timeToFirst200(children, sandbox))
    bareTimes.push(await timeToFirst200(children, bare))
  }
  return { sandboxMs: median(sandboxTimes), bareMs: median(bareTimes), firstSandboxMs, runs }
}

/** Spawn → first 200 from /health, in ms; `env` replaces the child's environment when given. */
export async function timeToFirst200(
  children: ChildGroup,
  args: (port: number) => string[],
  env?: NodeJS.ProcessEnv,
): Promise<number> {
  const port = await freePort()
  const started = performance.now()
  const child = children.start(NODE, args(port), { stdio: 'ignore', ...(env ? { env } : {}) })
  try {
    while (performance.now() - started < GIVE_UP_MS) {
      if (child.exitCode !== null)
        throw new Error(`server exited (${child.exitCode}) before answering /health`)
      if ((await status(port)) === 200) return performance.now() - started
      await sleep(POLL_MS)
    }
    throw new Error(`no 200 from /health within ${GIVE_UP_MS} ms`)
  } finally {
    await children.stop(child)
  }
}

/** The status of GET /health, or 0 while nothing listens yet. */
function status(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', () => resolve(0))
  })
}
