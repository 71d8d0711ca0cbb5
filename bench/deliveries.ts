import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { startBenchPostgres } from './postgres.ts'
import { benchScript, type ChildGroup, CLI_BUNDLE, NODE, waitForExit, waitForOutput } from './processes.ts'
import { median } from './stats.ts'
import { type Receiver, startReceiver } from './webhook-receiver.ts'

// Webhook deliveries per second with one and with two instances on one PostgreSQL
// database. N consents are revoked while no integration is attached, so N consent.revoked
// webhooks (one per consent, so none waits for another) are held in the outbox; the clock
// runs from attaching a loopback receiver that answers 204 until it has seen every one.
// An instance takes in the others' changes when it is asked something, so the bench asks
// each instance for /health every POLL_MS throughout, as traffic would. Repeats of a
// webhook id are counted, not timed. The baseline is a bare fetch loop posting the same
// body to the same receiver.

const BANK = 'harbor'
const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/
const POLL_MS = 20
const GIVE_UP_MS = 30_000
/** After the last first arrival: how long repeats may still come in. */
const SETTLE_MS = 500
/** What one instance attempts at most at once: its connection pool (max 10) holds a lock per attempt. */
const IN_FLIGHT = 10
/** Requests the bench keeps in flight while it queues webhooks. */
const SETUP_CONCURRENCY = 8
/** Each instance: the database comes from DATABASE_URL, and nothing attached until the clock starts. */
const SERVE = [
  CLI_BUNDLE,
  'serve',
  '--port',
  '0',
  '--host',
  '127.0.0.1',
  '--seed',
  '42',
  '--integration',
  'none',
]

export interface DeliveryFigures {
  webhooks: number
  rounds: number
  /** Median deliveries per second by number of instances. */
  instances: { count: number; perSecond: number; repeats: number }[]
  barePerSecond: number
  postgres: string
}

export async function benchDeliveries(
  children: ChildGroup,
  webhooks = 200,
  rounds = 3,
): Promise<DeliveryFigures> {
  const postgres = await startBenchPostgres()
  const receiver = await startReceiver()
  try {
    const instances: DeliveryFigures['instances'] = []
    for (const count of [1, 2]) {
      const database = await postgres.database()
      const urls: string[] = []
      const started: ReturnType<ChildGroup['start']>[] = []
      try {
        for (let i = 0; i < count; i++) {
          const child = children.start(NODE, SERVE, { env: { ...process.env, DATABASE_URL: database } })
          started.push(child)
          urls.push((await waitForOutput(child, LISTENING))[1] ?? '')
        }
        const rates: number[] = []
        const repeatsBefore = receiver.repeats()
        for (let round = 0; round < rounds; round++) rates.push(await deliverRound(urls, receiver, webhooks))
        instances.push({ count, perSecond: median(rates), repeats: receiver.repeats() - repeatsBefore })
      } finally {
        await Promise.all(started.map((child) => children.stop(child)))
      }
    }
    return {
      webhooks,
      rounds,
      instances,
      barePerSecond: await bareRate(children, receiver, webhooks),
      postgres: postgres.description,
    }
  } finally {
    await receiver.close()
    await postgres.stop()
  }
}

/** Queues `webhooks` held deliveries through the first instance, then times their delivery. */
async function deliverRound(urls: string[], receiver: Receiver, webhooks: number) {
  const [first = ''] = urls
  const seenBefore = receiver.distinct()
  const consents = await linkConsents(first, webhooks)
  await inTurns(consents, (id) => send(first, 'POST', `/sandbox/banks/${BANK}/consents/${id}/revoke`, {}))
  await Promise.all(urls.map((url) => send(url, 'GET', '/health'))) // every instance has them now
  const started = performance.now()
  await send(first, 'PUT', '/sandbox/integration', { url: receiver.url })
  while (receiver.distinct() < seenBefore + webhooks) {
    if (performance.now() - started > GIVE_UP_MS)
      throw new Error(
        `${receiver.distinct() - seenBefore} of ${webhooks} webhooks delivered in ${GIVE_UP_MS} ms`,
      )
    await Promise.all(urls.map((url) => send(url, 'GET', '/health')))
    await sleep(POLL_MS)
  }
  const elapsedMs = performance.now() - started
  await send(first, 'PUT', '/sandbox/integration', { url: null })
  const settled = performance.now() + SETTLE_MS
  while (performance.now() < settled) {
    await Promise.all(urls.map((url) => send(url, 'GET', '/health')))
    await sleep(POLL_MS)
  }
  return webhooks / (elapsedMs / 1000)
}

/** `count` consents through the control shortcut, spread over the world's customers. */
async function linkConsents(url: string, count: number): Promise<string[]> {
  const { data } = (await send(url, 'GET', `/sandbox/banks/${BANK}/customers?limit=500`)) as {
    data: { id: string }[]
  }
  const customers = Array.from({ length: count }, (_, i) => data[i % data.length]?.id ?? '')
  return inTurns(customers, async (customerId) => {
    const granted = (await send(url, 'POST', `/sandbox/banks/${BANK}/customers/${customerId}/consents`, {
      scopes: ['accounts:read'],
      purpose: 'account_servicing',
    })) as { consent: { id: string } }
    return granted.consent.id
  })
}

async function inTurns<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: SETUP_CONCURRENCY }, async () => {
      while (next < items.length) {
        const at = next++
        results[at] = await work(items[at] as T)
      }
    }),
  )
  return results
}

async function send(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`)
  return text ? JSON.parse(text) : null
}

/** The bare fetch loop's deliveries per second, median of three batches. */
async function bareRate(children: ChildGroup, receiver: Receiver, webhooks: number): Promise<number> {
  const rates: number[] = []
  for (let i = 0; i < 3; i++) {
    const child = children.start(NODE, benchScript('./bare-poster.ts'), { stdio: ['pipe', 'pipe', 'pipe'] })
    const exited = waitForExit(child)
    const output = waitForOutput(child, /\{"ms":([\d.]+)\}/)
    child.stdin?.end(
      JSON.stringify({
        url: `${receiver.url}/webhooks/bank/${BANK}`,
        count: webhooks,
        inFlight: IN_FLIGHT,
        body: receiver.sample(),
      }),
    )
    const [, ms = 'NaN'] = await output
    await exited
    rates.push(webhooks / (Number(ms) / 1000))
  }
  return median(rates)
}
