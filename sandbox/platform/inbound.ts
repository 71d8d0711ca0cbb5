import type { Deps } from '../deps.ts'
import { senderFor } from '../deps.ts'
import type { ChatMessage } from '../store/state.ts'
import { toIso } from '../time/clock.ts'
import { succeeded } from '../webhooks/deliver.ts'
import { type InboundDelivery, inBackground, userQueues } from './records.ts'
import { hubSignature, SIGNATURE_HEADER } from './sign.ts'
import { recordChat } from './users.ts'

// A user types; the message goes to the attached integration's /webhooks/platform as a
// signed Messenger-style envelope. Only a 2xx counts, redirects are not followed, one
// attempt waits 10 s. A failed attempt is retried after 1 s, 5 s and 30 s of wall time
// (real platforms retry on their own clock, not the simulation's), with the same body
// and `mid`. One user's messages go one at a time, in the order they were typed.
// Nothing attached: the message is stored and its delivery is `held` (not resent later).

export const PLATFORM_RETRY_DELAYS_MS = [1_000, 5_000, 30_000]

/** `quickReplyPayload`: the user tapped a quick reply whose title is `text`. */
export function userSays(
  deps: Deps,
  userId: string,
  text: string,
  quickReplyPayload?: string,
): InboundDelivery {
  const message = recordChat(deps, {
    mid: deps.ids.next('mid'),
    userId,
    direction: 'from_user',
    text,
    ...(quickReplyPayload === undefined ? {} : { quickReplyPayload }),
  })
  const delivery: InboundDelivery = {
    mid: message.mid,
    userId,
    status: deps.integrationUrl === null ? 'held' : 'pending',
    attempts: [],
  }
  deps.state.inbound.set(delivery.mid, delivery)
  if (delivery.status === 'held') return delivery

  enqueue(deps, delivery, envelope(deps, message))
  return delivery
}

/** The signed Messenger-style body of one user message. */
function envelope(deps: Deps, line: ChatMessage): string {
  const { userId, mid, text, at } = line
  const nowMs = Date.parse(at)
  const quickReply =
    line.quickReplyPayload === undefined ? {} : { quick_reply: { payload: line.quickReplyPayload } }
  const { pageId } = deps.credentials.platform
  return JSON.stringify({
    object: 'page',
    entry: [
      {
        id: pageId,
        time: nowMs,
        messaging: [
          {
            sender: { id: userId },
            recipient: { id: pageId },
            timestamp: nowMs,
            message: { mid, text, ...quickReply },
          },
        ],
      },
    ],
  })
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
    if (!line) continue
    const lastMs = Date.parse(delivery.attempts.at(-1)?.at ?? line.wallAt ?? line.at)
    if (shared && wallNow - lastMs < ORPHANED_AFTER_MS) continue
    enqueue(deps, delivery, envelope(deps, line))
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
