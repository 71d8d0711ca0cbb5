import type { Deps } from '../deps.ts'
import { recordChat } from './users.ts'

// What the page's inbox writes in a user's chat: the agent's lines, marked as the inbox's
// (`appId: "inbox"`), so nothing mistakes them for the integration's.

export function agentWrites(deps: Deps, userId: string, text: string): void {
  recordChat(deps, { mid: deps.ids.next('mid'), userId, direction: 'to_user', text, appId: 'inbox' })
}

/** The simulated agent's first words when the thread reaches the inbox. */
export function agentGreets(deps: Deps, userId: string): void {
  agentWrites(deps, userId, 'Hi, this is Sam from customer service. How can I help?')
}
