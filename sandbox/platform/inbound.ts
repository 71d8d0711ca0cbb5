import type { Deps } from '../deps.ts'
import { senderFor } from '../deps.ts'
import { toIso } from '../time/clock.ts'
import { succeeded } from '../webhooks/deliver.ts'
import { messageEnvelope } from './envelopes.ts'
import { type InboundDelivery, inBackground, userQueues } from './records.ts'
import { hubSignature, SIGNATURE_HEADER } from './sign.ts'

// What the platform posts to the integration's /webhooks/platform. A user's message goes as a
// signed Messenger-style envelope. Only a 2xx counts, redirects are not followed, one
// attempt waits 10 s. A failed attempt is retried after 1 s, 5 s and 30 s of wall time
// (real platforms retry on their own clock, not the simulation's), with the same body
// and `mid`. One user's messages go one at a time, in the order they were typed.
// Nothing attached: the message is stored and its delivery is `held` (not resent later).

export const PLATFORM_RETRY_DELAYS_MS = [1_000, 5_000, 30_000]

/**
 * Sends one body to the integration in the user's queue, after what they sent before.
 * `mid` names the delivery; `keepBody` stores the body with it, for what cannot be rebuilt
 * from a chat line (standby entries, opt-ins, handovers), so a restart can resume it.
 */
export function queueDelivery(
  deps: Deps,
  userId: string,
  mid: string,
  body: string,
  keepBody: boolean,
): InboundDelivery {
  const delivery: InboundDelivery = {
    mid,
    userId,
    status: deps.integrationUrl === null ? 'held' : 'pending',
    attempts: [],
    ...(keepBody ? { body } : {}),
  }
  deps.state.inbound.set(delivery.mid, delivery)
  if (delivery.status === 'held') return delivery
  enqueue(deps, delivery, body)
  return delivery
}

declare module '../deps.ts' {
  interface WorldMemory {
    /** The mids of user messages this process is delivering now. */
    inboundInFlight?: Set<string>
    /** When this process last looked for deliveries a crash left pending (wall ms). */
    inboundLookedAtMs?: number
  }
}

/** Delivers after the user's earlier messages, one user's messages one at a time. */
function enqueue(deps: Deps, delivery: InboundDelivery, body: string): void {
  deps.memory.inboundInFlight ??= new Set()
  const inFlight = deps.memory.inboundInFlight
  inFlight.add(delivery.mid)
  const { userId } = delivery
  const queues = userQueues(deps)
  const previous = queues.get(userId) ?? Promise.resolve()
  const turn = previous.catch(() => undefined).then(() => deliver(deps, delivery, body))
  queues.set(userId, turn)
  inBackground(deps, async () => {
    await turn.finally(() => inFlight.delete(delivery.mid))
    if (queues.get(userId) === turn) queues.delete(userId)
  })
}

/** How long a delivery may go without an attempt before another instance takes it for orphaned: past every retry. */
export const ORPHANED_AFTER_MS = 2 * 60_000
/** How often a kept store is looked through for deliveries a crash left pending. */
const LOOK_EVERY_MS = 5_000

/**
 * User messages whose delivery a crash cut short (kept as pending, delivered by nobody)
 * are sent on where they were: the same body and mid, the next attempt's number, each
 * user's in the order typed. Alone on its store, whatever this process is not delivering
 * was left by a process that died; on a shared database, only a delivery nobody has
 * tried for longer than any instance would wait between tries.
 */
export function resumeInbound(deps: Deps): void {
  if (deps.store.engine.kind === 'memory' || deps.integrationUrl === null) return
  const wallNow = deps.clock.wallNow()
  const lookedAt = deps.memory.inboundLookedAtMs
  if (lookedAt !== undefined && wallNow - lookedAt < LOOK_EVERY_MS) return
  deps.memory.inboundLookedAtMs = wallNow
  const shared = deps.store.engine.changesFromOthers !== undefined
  const inFlight = deps.memory.inboundInFlight ?? new Set<string>()
  const pending = [...deps.state.inbound.values()].filter(
    (d) => d.status === 'pending' && !inFlight.has(d.mid),
  )
  for (const delivery of pending) {
    const line = deps.state.chats.get(delivery.userId)?.find((chat) => chat.mid === delivery.mid)
    if (!line && delivery.body === undefined) continue
    const lastAt = delivery.attempts.at(-1)?.at ?? line?.wallAt ?? line?.at
    const lastMs = lastAt === undefined ? 0 : Date.parse(lastAt)
    if (shared && wallNow - lastMs < ORPHANED_AFTER_MS) continue
    const body =
      delivery.body ??
      (line
        ? messageEnvelope(
            deps,
            delivery.userId,
            delivery.mid,
            line.text,
            line.at,
            'messaging',
            line.quickReplyPayload,
          )
        : undefined)
    if (body !== undefined) enqueue(deps, delivery, body)
  }
}

async function deliver(deps: Deps, first: InboundDelivery, body: string): Promise<void> {
  let delivery = first
  const update = (change: Partial<InboundDelivery>) => {
    delivery = { ...delivery, ...change }
    deps.state.inbound.set(delivery.mid, delivery)
  }
  const send = senderFor(deps)
  const headers = {
    [SIGNATURE_HEADER]: hubSignature(deps.credentials.platform.appSecret, body),
    'User-Agent': 'bank-sandbox-platform',
  }
  // A resumed delivery goes on with the retries it had left.
  for (let attempt = first.attempts.length; ; attempt++) {
    const base = deps.integrationUrl
    if (base === null) return update({ status: 'held' })
    const at = toIso(deps.clock.wallNow())
    const simulatedAt = toIso(deps.clock.now())
    const result = await send(`${base.replace(/\/+$/, '')}/webhooks/platform`, headers, body)
    const record = { number: delivery.attempts.length + 1, at, simulatedAt, ...result }
    const delay = PLATFORM_RETRY_DELAYS_MS[attempt]
    update({
      attempts: [...delivery.attempts, record],
      status: succeeded(result) ? 'delivered' : delay === undefined ? 'failed' : delivery.status,
    })
    deps.bus.publish('platform.delivery', at, {
      mid: delivery.mid,
      userId: delivery.userId,
      status: delivery.status,
      attempt: record,
    })
    if (delivery.status !== 'pending' || delay === undefined) return
    await new Promise((resolve) => setTimeout(resolve, delay))
  }
}
