import type { Deps } from '../deps.ts'
import { updateConversation } from './conversations.ts'
import { messageEnvelope } from './envelopes.ts'
import { agentHears } from './human-agent.ts'
import { queueDelivery } from './inbound.ts'
import type { InboundDelivery } from './records.ts'
import { recordChat } from './users.ts'

// A user types. The message opens (or keeps open) the 24 h window and goes to the
// integration: under `messaging` while it owns the thread, under `standby` while the
// page's inbox does, where the simulated agent answers it.

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
  const { owner } = updateConversation(deps, userId, { lastUserMessageAtMs: Date.parse(message.at) })
  const standby = owner === 'inbox'
  const field = standby ? 'standby' : 'messaging'
  const body = messageEnvelope(deps, userId, message.mid, text, message.at, field, quickReplyPayload)
  const delivery = queueDelivery(deps, userId, message.mid, body, standby)
  if (standby) agentHears(deps, userId)
  return delivery
}
