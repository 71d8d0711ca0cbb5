import { toIso } from '../clock.ts'
import { type AttemptResult, type Send, succeeded } from './deliver.ts'

// At-least-once delivery (DESIGN §4): every event waits in the outbox until a 2xx.
// Retries follow the Standard Webhooks schedule on the simulation clock, so advancing
// the clock fires due retries. Events sharing an order key (one consent) go one at a
// time, oldest first, so an integration that was down sees them in order.

export const RETRY_DELAYS_MS = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]

/** Finished deliveries kept for GET /sandbox/webhooks; pending ones are always kept. */
export const FINISHED_DELIVERY_LIMIT = 10_000

export interface Attempt {
  number: number
  /** Wall-clock time of the attempt (what the signature's timestamp says). */
  at: string
  statusCode: number | null
  latencyMs: number
  error: string | null
}

export interface Delivery {
  id: string
  bankId: string
  type: string
  orderKey: string
  url: string | null
  body: string
  createdAt: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: Attempt[]
  nextAttemptAtMs: number | null
}

export interface OutboxDeps {
  now(): number
  wallNow(): number
  send: Send
  /** Where this bank's webhooks go right now, or null while no integration is attached. */
  target(bankId: string): string | null
  sign(bankId: string, id: string, wallMs: number, body: string): Record<string, string>
  onAttempt(delivery: Delivery, attempt: Attempt): void
}

export interface Outbox {
  enqueue(entry: { id: string; bankId: string; type: string; orderKey: string; body: string }): Delivery
  /** Starts every attempt that is due; returns at once. */
  dispatchDue(): void
  /** One more attempt with the same webhook-id, whatever the status (tests an integration's dedupe). */
  redeliver(id: string): Promise<Attempt | null>
  /** Resolves when no attempt is in flight and nothing due is waiting. */
  idle(): Promise<void>
  /** Every pending delivery and the newest finished ones, oldest first. */
  list(): readonly Delivery[]
}

export function createOutbox(deps: OutboxDeps, finishedLimit = FINISHED_DELIVERY_LIMIT): Outbox {
  let deliveries: Delivery[] = []
  const queues = new Map<string, Delivery[]>()
  const inFlight = new Set<Promise<void>>()
  const busyKeys = new Set<string>()

  /** One signed POST, recorded on the delivery; the caller decides what the result means. */
  async function attemptOnce(delivery: Delivery, url: string): Promise<{ record: Attempt; ok: boolean }> {
    const wallMs = deps.wallNow()
    const result: AttemptResult = await deps.send(
      url,
      deps.sign(delivery.bankId, delivery.id, wallMs, delivery.body),
      delivery.body,
    )
    const record: Attempt = { number: delivery.attempts.length + 1, at: toIso(wallMs), ...result }
    delivery.attempts.push(record)
    delivery.url = url
    deps.onAttempt(delivery, record)
    return { record, ok: succeeded(result) }
  }

  async function attempt(delivery: Delivery, url: string): Promise<void> {
    const { ok } = await attemptOnce(delivery, url)
    if (ok) return finish(delivery, 'delivered')
    const delay = RETRY_DELAYS_MS[delivery.attempts.length]
    if (delay === undefined) finish(delivery, 'failed')
    else delivery.nextAttemptAtMs = deps.now() + delay
  }

  function finish(delivery: Delivery, status: 'delivered' | 'failed') {
    delivery.status = status
    delivery.nextAttemptAtMs = null
    const queue = queues.get(delivery.orderKey)
    if (queue?.[0] === delivery) queue.shift()
    if (queue?.length === 0) queues.delete(delivery.orderKey)
  }

  function dispatchDue(): void {
    const now = deps.now()
    for (const [key, queue] of queues) {
      const head = queue[0]
      if (!head || busyKeys.has(key) || head.nextAttemptAtMs === null || head.nextAttemptAtMs > now) continue
      const url = deps.target(head.bankId)
      if (url === null) continue // held until an integration is attached
      busyKeys.add(key)
      const running: Promise<void> = attempt(head, url).finally(() => {
        busyKeys.delete(key)
        inFlight.delete(running)
        dispatchDue() // the next event of this consent may be due now
      })
      inFlight.add(running)
    }
  }

  return {
    enqueue(entry) {
      const delivery: Delivery = {
        ...entry,
        url: null,
        createdAt: toIso(deps.now()),
        status: 'pending',
        attempts: [],
        nextAttemptAtMs: deps.now(),
      }
      deliveries.push(delivery)
      // Trim in batches, so a long demo's outbox stays bounded at O(1) amortised per event.
      if (deliveries.length > finishedLimit + finishedLimit / 10)
        deliveries = withoutOldestFinished(deliveries, finishedLimit)
      const queue = queues.get(entry.orderKey)
      if (queue) queue.push(delivery)
      else queues.set(entry.orderKey, [delivery])
      dispatchDue()
      return delivery
    },
    dispatchDue,
    async redeliver(id) {
      const delivery = deliveries.find((d) => d.id === id)
      const url = delivery && deps.target(delivery.bankId)
      if (!delivery || !url) return null
      // An extra attempt: it neither completes nor reschedules the delivery itself.
      const running = attemptOnce(delivery, url)
      const settled = running.then(() => undefined)
      inFlight.add(settled)
      const { record } = await running.finally(() => inFlight.delete(settled))
      return record
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight])
    },
    list: () => deliveries,
  }
}

function withoutOldestFinished(deliveries: readonly Delivery[], keep: number): Delivery[] {
  let finished = deliveries.reduce((count, d) => count + (d.status === 'pending' ? 0 : 1), 0)
  return deliveries.filter((d) => d.status === 'pending' || finished-- <= keep)
}
