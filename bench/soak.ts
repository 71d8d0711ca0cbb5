import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { recordFixtures } from './fixtures.ts'
import { load } from './load.ts'
import { type ChildGroup, CLI_BUNDLE, NODE, waitForOutput } from './processes.ts'
import { median } from './stats.ts'
import { type Row, verdict } from './table.ts'
import { startReceiver } from './webhook-receiver.ts'

// A soak of the built server under a 160 MB heap: balance and page reads, fraud bursts,
// chat lines through the Send API, polls of the delivery and call lists, and worlds made
// and deleted, from several clients at once. Every few seconds the server collects its
// garbage and says what is left (bench/heap-probe.mjs): a server whose memory is bounded
// holds a flat line once its bounded stores have filled, however long the traffic goes on:
// the call journal is filled to its bound before the soak starts.

const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/
const HEAP_PROBE = fileURLToPath(new URL('./heap-probe.mjs', import.meta.url))
export const SOAK_HEAP_CAP_MB = 160
/** The last third of the samples may stand at most this far above the first third. */
export const SOAK_FLAT_TARGET = 0.1

export interface SoakOptions {
  warmUpSeconds: number
  seconds: number
  sampleEverySeconds: number
  clients: number
}

export const DEFAULT_SOAK: SoakOptions = { warmUpSeconds: 15, seconds: 60, sampleEverySeconds: 5, clients: 6 }

export interface SoakFigures {
  /** Heap after GC, MB, at each sample of the measured run. */
  heapMb: number[]
  requests: number
  /** Answers other than the expected status, and failed requests. */
  failures: number
  /** The server exited (out of memory) before the end. */
  died: string | null
  seconds: number
}

export async function benchSoak(children: ChildGroup, options = DEFAULT_SOAK): Promise<SoakFigures> {
  const receiver = await startReceiver()
  const server = children.start(
    NODE,
    [
      `--max-old-space-size=${SOAK_HEAP_CAP_MB}`,
      '--expose-gc',
      '--import',
      HEAP_PROBE,
      CLI_BUNDLE,
      'serve',
      '--port',
      '0',
      '--customers',
      '200',
      '--integration',
      'none',
    ],
    { env: { ...process.env, DATABASE_URL: '' } },
  )
  let died: string | null = null
  server.once('exit', (code, signal) => {
    died = `exited (${signal ?? code})`
  })
  try {
    const [, url = ''] = await waitForOutput(server, LISTENING)
    await put(`${url}/sandbox/integration`, { url: receiver.url })
    const traffic = await prepareTraffic(url)
    await fillJournal(traffic)
    const counts = { requests: 0, failures: 0 }
    const stopAt = { ms: Date.now() + (options.warmUpSeconds + options.seconds) * 1000 }
    const clients = Array.from({ length: options.clients }, (_, i) => drive(traffic, i, stopAt, counts))
    await sleep(options.warmUpSeconds * 1000)
    const heapMb: number[] = []
    for (let at = 0; at < options.seconds && died === null; at += options.sampleEverySeconds) {
      await sleep(options.sampleEverySeconds * 1000)
      if (died === null) heapMb.push(await heapAfterGc(server))
    }
    stopAt.ms = 0
    await Promise.allSettled(clients)
    return { heapMb, ...counts, died, seconds: options.seconds }
  } finally {
    await children.stop(server)
    await receiver.close()
  }
}

/**
 * Balance reads until the call journal holds all it keeps (its oldest kept call is no
 * longer the first): it grows to its bound as calls come, and a soak that measured that
 * would take a store filling up for a leak.
 */
async function fillJournal(t: Traffic): Promise<void> {
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    const { data } = (await (await fetch(`${t.url}/sandbox/journal?limit=1`)).json()) as {
      data: { id: number }[]
    }
    if ((data[0]?.id ?? 1) > 1) return
    await load(`${t.url}${t.balancesPath}`, t.bearer, { connections: 10, warmupSeconds: 0, seconds: 5 })
  }
  throw new Error('the journal did not fill within 2 minutes')
}

/** The first third of the samples against the last: how much the heap grew while traffic went on. */
export function soakGrowth(heapMb: readonly number[]): number {
  const third = Math.max(1, Math.floor(heapMb.length / 3))
  return median(heapMb.slice(-third)) / median(heapMb.slice(0, third)) - 1
}

interface Traffic {
  url: string
  bearer: Record<string, string>
  balancesPath: string
  pagePath: string
  card: string
  pageToken: string
  userId: string
}

async function prepareTraffic(url: string): Promise<Traffic> {
  const fixtures = await recordFixtures(url)
  const customers = (await (await fetch(`${url}/sandbox/banks/harbor/customers?limit=1`)).json()) as {
    data: { platformUserId: string; cards: { id: string }[] }[]
  }
  const customer = customers.data[0]
  const card = customer?.cards[0]?.id
  if (!customer || !card) throw new Error('the first Harbor customer needs a card')
  const credentials = (await (await fetch(`${url}/sandbox/credentials`)).json()) as {
    platform: { pageToken: string }
  }
  return {
    url,
    bearer: { Authorization: `Bearer ${fixtures.token}` },
    balancesPath: fixtures.balances.path,
    pagePath: fixtures.transactions.path,
    card,
    pageToken: credentials.platform.pageToken,
    userId: customer.platformUserId,
  }
}

/** One client: the actions in turn, each client starting at another, until the end. */
async function drive(
  traffic: Traffic,
  first: number,
  stopAt: { ms: number },
  counts: { requests: number; failures: number },
): Promise<void> {
  const actions = soakActions(traffic)
  for (let i = first; Date.now() < stopAt.ms; i++) {
    const action = actions[i % actions.length]
    if (!action) continue
    try {
      const ok = await action()
      if (ok === null) continue
      counts.requests++
      if (!ok) counts.failures++
    } catch {
      counts.failures++
      await sleep(50)
    }
  }
}

/** How often one client injects a burst: transactions are kept as the book, so bursts are paced to a demo's rate. */
export const SOAK_BURST_EVERY_MS = 500

/** `action` at most once per `everyMs`; null (not sent) in between. */
function paced(everyMs: number, action: () => Promise<boolean>): () => Promise<boolean | null> {
  let last = 0
  return async () => {
    if (Date.now() - last < everyMs) return null
    last = Date.now()
    return action()
  }
}

function soakActions(t: Traffic): (() => Promise<boolean | null>)[] {
  const json = { 'Content-Type': 'application/json' }
  const answered = async (res: Response, status: number) => {
    await res.arrayBuffer()
    return res.status === status
  }
  const read = (path: string) => async () =>
    answered(await fetch(`${t.url}${path}`, { headers: t.bearer }), 200)
  return [
    read(t.balancesPath),
    read(t.pagePath),
    read(t.balancesPath),
    paced(SOAK_BURST_EVERY_MS, async () =>
      answered(
        await fetch(`${t.url}/sandbox/banks/harbor/cards/${t.card}/transactions`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ amount: { amount: -150, currency: 'USD' }, count: 3, spreadMs: 60_000 }),
        }),
        201,
      ),
    ),
    async () =>
      answered(
        await fetch(`${t.url}/platform/v1/messages`, {
          method: 'POST',
          headers: { ...json, Authorization: `Bearer ${t.pageToken}` },
          body: JSON.stringify({
            recipient: { id: t.userId },
            message: { text: 'Your balance is $1,234.56' },
          }),
        }),
        200,
      ),
    read('/sandbox/webhooks?limit=100'),
    read('/sandbox/journal?limit=100'),
    async () => {
      const made = await fetch(`${t.url}/sandbox/worlds`, { method: 'POST' })
      if (made.status !== 201) return answered(made, 201)
      const { id } = (await made.json()) as { id: string }
      return answered(await fetch(`${t.url}/sandbox/worlds/${id}`, { method: 'DELETE' }), 204)
    },
  ]
}

function heapAfterGc(server: ChildProcess): Promise<number> {
  const line = waitForOutput(server, /heap-after-gc (\d+)/, 10_000)
  server.kill('SIGUSR2')
  return line.then(([, bytes = '0']) => Number(bytes) / 1024 / 1024)
}

async function put(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`PUT ${url} answered ${res.status}`)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function soakRows(f: SoakFigures): Row[] {
  const third = Math.max(1, Math.floor(f.heapMb.length / 3))
  const first = median(f.heapMb.slice(0, third))
  const last = median(f.heapMb.slice(-third))
  const growth = soakGrowth(f.heapMb)
  const flat = f.died === null && f.heapMb.length >= 3 && growth <= SOAK_FLAT_TARGET
  return [
    {
      measure: `soak ${f.seconds} s under a ${SOAK_HEAP_CAP_MB} MB heap: heap after GC, last third vs first (MB)`,
      sandbox: last.toFixed(1),
      baseline: first.toFixed(1),
      ratio: (1 + growth).toFixed(2),
      target: `≤ ${(1 + SOAK_FLAT_TARGET).toFixed(2)}, alive`,
      status: verdict(flat),
    },
  ]
}

export function soakNotes(f: SoakFigures): string[] {
  return [
    `Soak: ${f.requests} requests in ${f.seconds} s after a warm-up (reads, bursts of 3 tiny charges paced to one per client every ${SOAK_BURST_EVERY_MS} ms, Send API lines, list polls, worlds made and deleted), ${f.failures} failed; heap after GC every 5 s: ${f.heapMb.map((mb) => mb.toFixed(1)).join(', ')} MB${f.died ? `; the server ${f.died}` : ''}.`,
  ]
}
