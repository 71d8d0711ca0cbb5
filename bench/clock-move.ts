import { Agent, get, request } from 'node:http'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { startPinnedSandbox } from './pinning.ts'
import { type ChildGroup, waitForOutput } from './processes.ts'

// A long clock move with many linked customers: 400 days with 300 customers linked with
// every scope, so a year of their spending is scanned, judged by the fraud engine and
// announced. Meanwhile /health is asked again as soon as it answers; the longest wait is
// how long the server stopped answering. Baseline: the longest wait over as long again
// with the server idle. A subscriber on GET /sandbox/events counts the move's progress.

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/
const DAY_MS = 86_400_000
const SCOPES = ['accounts:read', 'balances:read', 'transactions:read', 'transactions.all:read', 'alerts']

export interface ClockMoveFigures {
  days: number
  linked: number
  /** POST /sandbox/clock, sent to answered. */
  moveMs: number
  /** The longest /health round trip while the move was under way. */
  longestStallMs: number
  /** The same over as long with the server idle. */
  idleLongestMs: number
  probes: number
  progressEvents: number
}

export async function benchClockMove(
  children: ChildGroup,
  linked = 300,
  days = 400,
): Promise<ClockMoveFigures> {
  const { server, pinning } = startPinnedSandbox(children, ['--customers', '3000'])
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  try {
    const [, url = ''] = await waitForOutput(server, LISTENING)
    const customers = (await (
      await fetch(`${url}/sandbox/banks/harbor/customers?limit=${linked}`)
    ).json()) as {
      data: { id: string }[]
    }
    if (customers.data.length < linked) throw new Error(`only ${customers.data.length} Harbor customers`)
    for (const customer of customers.data) {
      const res = await fetch(`${url}/sandbox/banks/harbor/customers/${customer.id}/consents`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ scopes: SCOPES, purpose: 'fraud_prevention' }),
      })
      if (res.status !== 201) throw new Error(`linking answered ${res.status}`)
    }
    const progress = countProgress(url)
    const probe = () => healthRoundTrip(url, agent)
    const idle = await probeWhile(probe, sleep(2000))
    const started = performance.now()
    const moved = post(`${url}/sandbox/clock`, { advanceMs: days * DAY_MS }).then(() => performance.now())
    const during = await probeWhile(probe, moved)
    const moveMs = (await moved) - started
    return {
      days,
      linked,
      moveMs,
      longestStallMs: during.longestMs,
      idleLongestMs: idle.longestMs,
      probes: during.probes,
      progressEvents: progress.stop(),
    }
  } finally {
    agent.destroy()
    pinning?.release()
    await children.stop(server)
  }
}

/** Asks again and again until `until` settles: how many answers, and the longest wait for one. */
async function probeWhile(probe: () => Promise<number>, until: Promise<unknown>) {
  let done = false
  until.then(
    () => {
      done = true
    },
    () => {
      done = true
    },
  )
  let longestMs = 0
  let probes = 0
  while (!done) {
    longestMs = Math.max(longestMs, await probe())
    probes++
  }
  await until
  return { longestMs, probes }
}

function healthRoundTrip(url: string, agent: Agent): Promise<number> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    get(`${url}/health`, { agent }, (res) => {
      res.resume()
      res.on('end', () => resolve(performance.now() - started))
    }).on('error', reject)
  })
}

function post(url: string, body: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      res.resume()
      res.on('end', () =>
        res.statusCode === 200 ? resolve() : reject(new Error(`moving answered ${res.statusCode}`)),
      )
    })
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}

/** Counts `clock.progress` events on the live feed until stopped. */
function countProgress(url: string): { stop(): number } {
  const marker = '"kind":"clock.progress"'
  let count = 0
  // Too short to hold a whole marker: one split across chunks is counted once.
  let tail = ''
  const req = get(`${url}/sandbox/events`, (res) => {
    res.setEncoding('utf8')
    res.on('data', (chunk: string) => {
      const text = tail + chunk
      count += text.split(marker).length - 1
      tail = text.slice(-(marker.length - 1))
    })
  })
  req.on('error', () => undefined)
  return {
    stop() {
      req.destroy()
      return count
    },
  }
}
