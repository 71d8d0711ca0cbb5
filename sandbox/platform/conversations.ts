import type { Deps } from '../deps.ts'
import type { ConversationRecord, ThreadOwner } from '../store/records.ts'
import { toIso } from '../time/clock.ts'

// Each user's conversation with the page: when they last wrote (which opens the 24 h
// messaging window) and which app owns the thread. Kept in the store, so a restart (or
// another instance) sees the same window and the same owner.

export const WINDOW_MS = 24 * 3_600_000
/** HUMAN_AGENT may answer this long after the user's last message. */
export const HUMAN_AGENT_MS = 7 * 24 * 3_600_000
/** The app id of the page's human inbox, and the one the integration under test has. */
export const INBOX_APP_ID = 'inbox'
export const INTEGRATION_APP_ID = 'integration'

export function conversationOf(deps: Deps, userId: string): ConversationRecord {
  return (
    deps.state.conversations.get(userId) ?? {
      userId,
      lastUserMessageAtMs: null,
      owner: 'integration',
      agent: 'simulated',
      agentTurns: 0,
    }
  )
}

/** Sets a changed copy of the user's conversation and answers it. */
export function updateConversation(
  deps: Deps,
  userId: string,
  change: Partial<Omit<ConversationRecord, 'userId'>>,
): ConversationRecord {
  const before = conversationOf(deps, userId)
  const next = { ...before, ...change }
  deps.state.conversations.set(userId, next)
  // The dashboard hears when the thread changes hands, not of every message.
  if (next.owner !== before.owner || next.agent !== before.agent)
    deps.bus.publish('platform.thread', toIso(deps.clock.now()), next)
  return next
}

/** Whether the user wrote within the last 24 h of simulation time. */
export function windowOpen(deps: Deps, userId: string): boolean {
  const last = conversationOf(deps, userId).lastUserMessageAtMs
  return last !== null && deps.clock.now() - last <= WINDOW_MS
}

export function ownerOf(deps: Deps, userId: string): ThreadOwner {
  return conversationOf(deps, userId).owner
}

export function appIdOf(owner: ThreadOwner): string {
  return owner === 'inbox' ? INBOX_APP_ID : INTEGRATION_APP_ID
}
