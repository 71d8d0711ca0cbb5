import { readFileSync } from 'node:fs'
import { recordFixtures } from './fixtures.ts'
import { type LoadOptions, load } from './load.ts'
import { type ChildGroup, CLI_BUNDLE, NODE, waitForOutput } from './processes.ts'
import { formatNumber, formatRatio, median } from './stats.ts'
import type { Row } from './table.ts'

// Worlds: balance reads on a server holding only its default world, beside the same reads
// in one of 50 live worlds on another server, in rotating rounds; and what each idle world
// costs in resident memory, read from /proc as the server made them.

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/
const LIVE_WORLDS = 50
const WORLDS_LOAD: LoadOptions = { connections: 10, warmupSeconds: 0.5, seconds: 2 }
/** Reads in a world should cost what they cost alone: the routing is a prefix test and a map lookup. */
const THROUGHPUT_TARGET = 0.9

export interface WorldFigures {
  oneWorld: number
  inWorld: number
  defaultBeside: number
  rssPerWorldMb: number
  createMs: number
  failures: number
  rounds: number
}

export async function benchWorlds(children: ChildGroup, rounds = 3): Promise<WorldFigures> {
  const serve = () =>
    children.start(
      NODE,
      [CLI_BUNDLE, 'serve', '--port', '0', '--host', '127.0.0.1', '--integration', 'none'],
      {
        env: { ...process.env, DATABASE_URL: '' },
      },
    )
  const alone = serve()
  const crowded = serve()
  try {
    const [, aloneUrl = ''] = await waitForOutput(alone, LISTENING)
    const [, crowdedUrl = ''] = await waitForOutput(crowded, LISTENING)
    const before = rssMb(crowded.pid)
    const started = performance.now()
    let last = ''
    for (let i = 0; i < LIVE_WORLDS; i++) {
      const res = await fetch(`${crowdedUrl}/sandbox/worlds`, { method: 'POST' })
      if (res.status !== 201) throw new Error(`POST /sandbox/worlds answered ${res.status}`)
      last = ((await res.json()) as { id: string }).id
    }
    const createMs = (performance.now() - started) / LIVE_WORLDS
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const rssPerWorldMb = (rssMb(crowded.pid) - before) / LIVE_WORLDS

    const targets = {
      alone: await balanceTarget(aloneUrl),
      inWorld: await balanceTarget(crowdedUrl, last),
      defaultBeside: await balanceTarget(crowdedUrl),
    }
    const order = Object.keys(targets) as (keyof typeof targets)[]
    const runs = new Map(order.map((name) => [name, [] as number[]]))
    let failures = 0
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < order.length; i++) {
        const name = order[(i + round) % order.length] as keyof typeof targets
        const result = await load(targets[name].url, targets[name].headers, WORLDS_LOAD)
        runs.get(name)?.push(result.requestsPerSecond)
        failures += result.failures
      }
    }
    const rate = (name: keyof typeof targets) => median(runs.get(name) ?? [])
    return {
      oneWorld: rate('alone'),
      inWorld: rate('inWorld'),
      defaultBeside: rate('defaultBeside'),
      rssPerWorldMb,
      createMs,
      failures,
      rounds,
    }
  } finally {
    await Promise.all([alone, crowded].map((child) => children.stop(child)))
  }
}

async function balanceTarget(url: string, world?: string) {
  const fixtures = await recordFixtures(url, world ? { 'X-Sandbox-World': world } : {})
  return { url: `${url}${fixtures.balances.path}`, headers: { Authorization: `Bearer ${fixtures.token}` } }
}

function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024
}

export function worldRows(figures: WorldFigures): Row[] {
  const row = (measure: string, rate: number): Row => {
    const ratio = rate / figures.oneWorld
    return {
      measure,
      sandbox: formatNumber(rate),
      baseline: formatNumber(figures.oneWorld),
      ratio: formatRatio(ratio),
      target: `≥ ${THROUGHPUT_TARGET}× one world`,
      status: figures.failures === 0 && ratio >= THROUGHPUT_TARGET ? 'met' : 'MISSED',
    }
  }
  return [
    row(`HTTP balances in one of ${LIVE_WORLDS} live worlds: req/s`, figures.inWorld),
    row(`HTTP balances, default world beside ${LIVE_WORLDS} live worlds: req/s`, figures.defaultBeside),
    {
      measure: 'Worlds: resident memory per idle world',
      sandbox: `${figures.rssPerWorldMb.toFixed(2)} MB`,
      baseline: '',
      ratio: '',
      target: '',
      status: '',
    },
  ]
}

export function worldNotes(figures: WorldFigures): string[] {
  return [
    `Worlds: two memory sandboxes from the bundled CLI; the baseline serves only its default world, the other holds ${LIVE_WORLDS} worlds made with POST /sandbox/worlds (${figures.createMs.toFixed(0)} ms each). Balance reads by a linked customer's token, autocannon over 127.0.0.1, ${WORLDS_LOAD.connections} connections, ${WORLDS_LOAD.seconds} s, median of ${figures.rounds} rounds in rotating order. Memory per idle world is the growth of the server's RSS over the ${LIVE_WORLDS} worlds, divided by ${LIVE_WORLDS}. Non-2xx/errors/timeouts: ${figures.failures}.`,
  ]
}
