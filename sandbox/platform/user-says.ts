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

export function userSays(deps: Deps, userId: string, text: string): InboundDelivery {
  const message = recordChat(deps, { mid: deps.ids.next('mid'), userId, direction: 'from_user', text })
  const { owner } = updateConversation(deps, userId, { lastUserMessageAtMs: Date.parse(message.at) })
  const standby = owner === 'inbox'
  const body = messageEnvelope(deps, userId, message.mid, text, message.at, standby ? 'standby' : 'messaging')
  const delivery = queueDelivery(deps, userId, message.mid, body, standby)
  if (standby) agentHears(deps, userId)
  return delivery
}
