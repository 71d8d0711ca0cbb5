import type { Deps } from '../deps.ts'
import type { ThreadOwner } from '../store/records.ts'
import { agentGreets } from './agent-lines.ts'
import { appIdOf, conversationOf, updateConversation } from './conversations.ts'
import { handoverEnvelope } from './envelopes.ts'
import { queueDelivery } from './inbound.ts'

// Conversation routing (Messenger's handover protocol): two apps share each conversation,
// the integration under test and the page's human inbox. The owner gets the user's
// messages under `messaging`, the other under `standby`; only the owner may write.
// Whenever the inbox gives the thread back, or takes it, the integration is told with a
// `messaging_handovers` event, in the user's delivery queue after their earlier messages.

/** The integration hands the thread to the inbox: the simulated agent (unless a person plays it) greets the user. */
export function passToInbox(deps: Deps, userId: string): void {
  const conversation = conversationOf(deps, userId)
  if (conversation.owner === 'inbox') return
  updateConversation(deps, userId, { owner: 'inbox', agentTurns: 0 })
  if (conversation.agent === 'simulated') agentGreets(deps, userId)
}

/** The inbox takes the thread (a person on the dashboard): the integration is told. */
export function inboxTakes(deps: Deps, userId: string, metadata: string): void {
  const conversation = conversationOf(deps, userId)
  updateConversation(deps, userId, { owner: 'inbox', agent: 'person', agentTurns: 0 })
  if (conversation.owner !== 'inbox')
    tellIntegration(deps, userId, 'take_thread_control', 'integration', metadata)
}

/** The inbox passes the thread back to the integration, which is told with `messaging_handovers`. */
export function inboxHandsBack(deps: Deps, userId: string, metadata: string): boolean {
  if (conversationOf(deps, userId).owner !== 'inbox') return false
  updateConversation(deps, userId, { owner: 'integration', agent: 'simulated', agentTurns: 0 })
  tellIntegration(deps, userId, 'pass_thread_control', 'integration', metadata)
  return true
}

/** The integration takes the thread back itself (take_thread_control): nothing to tell it. */
export function integrationTakes(deps: Deps, userId: string): void {
  updateConversation(deps, userId, { owner: 'integration', agent: 'simulated', agentTurns: 0 })
}

function tellIntegration(
  deps: Deps,
  userId: string,
  kind: 'pass_thread_control' | 'take_thread_control',
  newOwner: ThreadOwner,
  metadata: string,
): void {
  const previous: ThreadOwner = newOwner === 'inbox' ? 'integration' : 'inbox'
  const body = handoverEnvelope(deps, userId, deps.clock.now(), kind, {
    new_owner_app_id: appIdOf(newOwner),
    previous_owner_app_id: appIdOf(previous),
    metadata,
  })
  queueDelivery(deps, userId, deps.ids.next('mid'), body, true)
}
