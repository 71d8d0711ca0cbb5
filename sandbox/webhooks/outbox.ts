import type { Attempt, Delivery } from '../store/records.ts'
import { StoreUnavailable } from '../store/unavailable.ts'
import { toIso } from '../time/clock.ts'
import { type AttemptResult, type Send, succeeded } from './deliver.ts'

// At-least-once delivery: every event waits in the outbox until a 2xx, however long
// the integration is down; nothing is ever dropped. Retries follow the Standard Webhooks
// schedule on the simulation clock, then go on every 10 hours, so advancing the clock
// fires due retries. Events sharing an order key (one consent) go one at a time, oldest
// first, so an integration that was down sees them in order.

/** Delay before each attempt, counted from the one before; past the end, every 10 h. */
export const RETRY_DELAYS_MS = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]
const LAST_DELAY_MS = 36_000_000

export function retryDelay(attemptsMade: number): number {
  return RETRY_DELAYS_MS[attemptsMade] ?? LAST_DELAY_MS
}

/** Finished deliveries kept for GET /sandbox/webhooks; pending ones are always kept. */
export const FINISHED_DELIVERY_LIMIT = 10_000

/** `at` is what the attempt's signature timestamp says. */
export type { Attempt, Delivery, DeliveryStatus } from '../store/records.ts'
export { DELIVERY_STATUSES } from '../store/records.ts'

export interface OutboxDeps {
  now(): number
  wallNow(): number
  send: Send
  /** Where this bank's webhooks go right now, or null while no integration is attached. */
  target(bankId: string): string | null
  sign(bankId: string, id: string, wallMs: number, body: string): Record<string, string>
  onAttempt(delivery: Delivery, attempt: Attempt): void
  /**
   * Runs an attempt holding the delivery's lock (instances sharing a database); false
   * when another instance holds it. Default: no lock, one process owns every delivery.
   */
  withLock?(id: string, work: (kept: unknown) => Promise<unknown>): Promise<boolean>
}

export interface Outbox {
  enqueue(entry: {
    id: string
    bankId: string
    type: string
    orderKey: string
    body: string
    causedByCallAtMs?: number | undefined
  }): Delivery
  /** Starts every attempt that is due; returns at once. */
  dispatchDue(): void
  /**
   * One more attempt with the same webhook-id, whatever the status (tests an integration's
   * dedupe). A 2xx completes a delivery still waiting; the order of its consent is not held up.
   */
  redeliver(id: string): Promise<Attempt | null>
  /**
   * Sends again, in order, every delivery created at or after `sinceMs` (simulation clock):
   * per order key, oldest first, before anything of that key still waiting.
   */
  recover(sinceMs: number): number
  /** Takes in a delivery another instance created or changed (already kept). */
  adopt(delivery: Delivery): void
  /** Resolves when no attempt is in flight and nothing due is waiting. */
  idle(): Promise<void>
  /** Every pending delivery and the newest finished ones, oldest first. */
  list(): readonly Delivery[]
}

/** Where the outbox keeps its deliveries: a table of the store, so they outlive a restart. */
export interface DeliveryTable {
  get(id: string): Delivery | undefined
  set(id: string, delivery: Delivery): unknown
  delete(id: string): boolean
  values(): IterableIterator<Delivery>
  readonly size: number
  /** Takes in a record already kept elsewhere, without keeping it again (store tables have it). */
  apply?(id: string, delivery: Delivery): void
}

export function createOutbox(
  deps: OutboxDeps,
  table: DeliveryTable = new Map<string, Delivery>(),
  finishedLimit = FINISHED_DELIVERY_LIMIT,
): Outbox {
  // orderKey → ids of the deliveries still to go, oldest first. Rebuilt from the table, so
  // deliveries kept before a restart resume where they were.
  const queues = new Map<string, string[]>()
  const inFlight = new Set<Promise<void>>()
  const busyKeys = new Set<string>()
  /** orderKey → wall time before which another instance's lock is not tried again. */
  const heldElsewhere = new Map<string, number>()
  let finished = 0

  const update = (delivery: Delivery, change: Partial<Delivery>): Delivery => {
    const next = { ...delivery, ...change }
    table.set(next.id, next)
    return next
  }
  const enqueueId = (delivery: Delivery) => {
    const queue = queues.get(delivery.orderKey)
    if (queue) queue.push(delivery.id)
    else queues.set(delivery.orderKey, [delivery.id])
  }
  for (const delivery of table.values()) {
    if (delivery.status === 'delivered') finished++
    else enqueueId(delivery)
  }

  /** One signed POST, recorded on the delivery; the caller decides what the result means. */
  async function attemptOnce(id: string, url: string): Promise<{ record: Attempt; ok: boolean } | null> {
    const before = table.get(id)
    if (!before) return null
    const wallMs = deps.wallNow()
    const simMs = deps.now()
    const result: AttemptResult = await deps.send(
      url,
      deps.sign(before.bankId, id, wallMs, before.body),
      before.body,
    )
    // The record may have changed while the request was out (a redelivery, a recovery).
    const current = table.get(id)
    if (!current) return null
    const record: Attempt = {
      number: current.attempts.length + 1,
      at: toIso(wallMs),
      simulatedAt: toIso(simMs),
      ...result,
    }
    const delivery = update(current, { attempts: [...current.attempts, record], url })
    deps.onAttempt(delivery, record)
    return { record, ok: succeeded(result) }
  }

  async function attempt(id: string, url: string): Promise<void> {
    const outcome = await attemptOnce(id, url)
    const delivery = table.get(id)
    if (!outcome || !delivery) return
    if (outcome.ok || delivery.status === 'delivered') return finish(delivery)
    update(delivery, {
      status: 'retrying',
      nextAttemptAtMs: deps.now() + retryDelay(delivery.attempts.length),
    })
  }

  function finish(delivery: Delivery) {
    if (delivery.status !== 'delivered') finished++
    update(delivery, { status: 'delivered', nextAttemptAtMs: null })
    const queue = queues.get(delivery.orderKey)
    const at = queue?.indexOf(delivery.id) ?? -1
    if (queue && at >= 0) queue.splice(at, 1)
    if (queue?.length === 0) queues.delete(delivery.orderKey)
  }

  function requeue(delivery: Delivery) {
    if (delivery.status !== 'delivered') {
      update(delivery, { nextAttemptAtMs: deps.now() })
      return
    }
    finished--
    enqueueId(update(delivery, { status: 'pending', nextAttemptAtMs: deps.now() }))
  }

  /**
   * Puts queues that took back older deliveries (a recovery) in the order their deliveries
   * were made, which is the table's: an event sent again goes before a later one of its
   * consent still waiting, so a revocation never overtakes the events before it.
   */
  function inMadeOrder(keys: ReadonlySet<string>) {
    if (keys.size === 0) return
    const made = new Map<string, number>()
    for (const delivery of table.values()) if (keys.has(delivery.orderKey)) made.set(delivery.id, made.size)
    for (const key of keys) queues.get(key)?.sort((a, b) => (made.get(a) ?? 0) - (made.get(b) ?? 0))
  }

  /** Takes in a delivery as another instance kept it: its queue follows its status. */
  function adopt(delivery: Delivery): void {
    table.apply?.(delivery.id, delivery)
    const queue = queues.get(delivery.orderKey) ?? []
    const queued = queue.includes(delivery.id)
    if (delivery.status === 'delivered' && queued) {
      queue.splice(queue.indexOf(delivery.id), 1)
      if (queue.length === 0) queues.delete(delivery.orderKey)
    } else if (delivery.status !== 'delivered' && !queued) {
      enqueueId(delivery)
      // Tried before, yet queued again: another instance's recovery. It goes back in its place.
      if (delivery.attempts.length > 0) inMadeOrder(new Set([delivery.orderKey]))
    }
  }

  function dispatchDue(): void {
    const now = deps.now()
    for (const [key, queue] of queues) {
      const head = queue[0] === undefined ? undefined : table.get(queue[0])
      if (!head || busyKeys.has(key) || head.nextAttemptAtMs === null || head.nextAttemptAtMs > now) continue
      const url = deps.target(head.bankId)
      if (url === null) continue // held until an integration is attached
      if ((heldElsewhere.get(key) ?? 0) > deps.wallNow()) continue
      busyKeys.add(key)
      const locked = deps.withLock
        ? deps.withLock(head.id, async (kept) => {
            // Another instance may have attempted it since this one last looked.
            const current = kept as Delivery
            if (current.status === 'delivered' || (current.nextAttemptAtMs ?? 0) > deps.now()) {
              adopt(current)
              return null
            }
            await attempt(head.id, url)
            return table.get(head.id) ?? null
          })
        : attempt(head.id, url).then(() => true)
      const running: Promise<void> = locked
        .catch((error: unknown) => {
          // Its lock could not be taken or kept (the database is away): like one held elsewhere.
          if (!(error instanceof StoreUnavailable)) console.error('A webhook attempt failed to run:', error)
          return false
        })
        .then((ran) => {
          busyKeys.delete(key)
          inFlight.delete(running)
          // Held by another instance, or not run: look again in a second, not in a loop.
          if (!ran) heldElsewhere.set(key, deps.wallNow() + 1_000)
          else dispatchDue() // the next event of this consent may be due now
        })
      inFlight.add(running)
    }
  }

  /** Drops the oldest finished deliveries in batches: O(1) amortised per event. */
  function trim() {
    if (finished <= finishedLimit + finishedLimit / 10) return
    for (const delivery of table.values()) {
      if (finished <= finishedLimit) break
      if (delivery.status !== 'delivered') continue
      table.delete(delivery.id)
      finished--
    }
  }

  return {
    enqueue({ causedByCallAtMs, ...entry }) {
      const delivery: Delivery = {
        ...entry,
        ...(causedByCallAtMs === undefined ? {} : { causedByCallAtMs }),
        url: null,
        createdAt: toIso(deps.now()),
        status: 'pending',
        attempts: [],
        nextAttemptAtMs: deps.now(),
      }
      table.set(delivery.id, delivery)
      enqueueId(delivery)
      trim()
      dispatchDue()
      return delivery
    },
    dispatchDue,
    async redeliver(id) {
      const delivery = table.get(id)
      const url = delivery && deps.target(delivery.bankId)
      if (!delivery || !url) return null
      // An extra attempt: it does not reschedule the delivery, but a 2xx is a delivery.
      const running = attemptOnce(id, url)
      const settled = running.then(() => undefined)
      inFlight.add(settled)
      const outcome = await running.finally(() => inFlight.delete(settled))
      const after = table.get(id)
      if (outcome?.ok && after && after.status !== 'delivered') {
        finish(after)
        dispatchDue()
      }
      return outcome?.record ?? null
    },
    recover(sinceMs) {
      const again = [...table.values()].filter((d) => Date.parse(d.createdAt) >= sinceMs)
      for (const delivery of again) requeue(delivery)
      inMadeOrder(new Set(again.map((d) => d.orderKey)))
      dispatchDue()
      return again.length
    },
    adopt,
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight])
    },
    list: () => [...table.values()],
  }
}
