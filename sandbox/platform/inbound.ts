import type { Deps } from '../deps.ts'
import { senderFor } from '../deps.ts'
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

export function userSays(deps: Deps, userId: string, text: string): InboundDelivery {
  const message = recordChat(deps, { mid: deps.ids.next('mid'), userId, direction: 'from_user', text })
  const delivery: InboundDelivery = {
    mid: message.mid,
    userId,
    status: deps.integrationUrl === null ? 'held' : 'pending',
    attempts: [],
  }
  deps.state.inbound.set(delivery.mid, delivery)
  if (delivery.status === 'held') return delivery

  const nowMs = Date.parse(message.at)
  const { pageId } = deps.credentials.platform
  const body = JSON.stringify({
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
            message: { mid: delivery.mid, text },
          },
        ],
      },
    ],
  })
  const queues = userQueues(deps)
  const previous = queues.get(userId) ?? Promise.resolve()
  const turn = previous.catch(() => undefined).then(() => deliver(deps, delivery, body))
  queues.set(userId, turn)
  inBackground(deps, async () => {
    await turn
    if (queues.get(userId) === turn) queues.delete(userId)
  })
  return delivery
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
  for (let attempt = 0; ; attempt++) {
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
