import type { Deps } from '../deps.ts'
import { agentWrites } from './agent-lines.ts'
import { conversationOf, updateConversation } from './conversations.ts'
import { inboxHandsBack } from './thread-control.ts'

// The simulated human agent in the page's inbox. Deterministic: it greets the user when
// the thread reaches it, answers each of the user's messages, and after AGENT_TURNS of
// them says goodbye and passes the thread back to the integration. A person playing the
// agent on the dashboard replaces it until they hand back.

export const AGENT_TURNS = 2
export const HANDBACK_METADATA = 'agent done'

/** The user wrote while the inbox owns the thread: the simulated agent answers, and may hand back. */
export function agentHears(deps: Deps, userId: string): void {
  const conversation = conversationOf(deps, userId)
  if (conversation.owner !== 'inbox' || conversation.agent !== 'simulated') return
  const turns = conversation.agentTurns + 1
  if (turns < AGENT_TURNS) {
    updateConversation(deps, userId, { agentTurns: turns })
    agentWrites(deps, userId, 'Thanks, I have noted that. Anything else?')
    return
  }
  agentWrites(deps, userId, 'Glad I could help. I am passing you back to our assistant now.')
  inboxHandsBack(deps, userId, HANDBACK_METADATA)
}
