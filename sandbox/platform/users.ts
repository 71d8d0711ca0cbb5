import type { Deps } from '../deps.ts'
import type { ChatMessage } from '../store/state.ts'
import { parseP36 } from '../synthetic/ids.ts'
import type { Person } from '../synthetic/types.ts'
import { toIso } from '../time/clock.ts'

// Platform users are the world's people, addressed by platformUserId (`usr_<base36>`).

/** The person behind a platformUserId, or undefined when the world has no such user. */
export function personOfUser(deps: Deps, userId: string): Person | undefined {
  if (typeof userId !== 'string' || !userId.startsWith('usr_')) return undefined
  const index = parseP36(userId.slice(4))
  return index === undefined ? undefined : deps.world.person(index)
}

/** Appends a line to the user's chat and tells the dashboard. */
export function recordChat(deps: Deps, line: Omit<ChatMessage, 'at'>): ChatMessage {
  const message: ChatMessage = { ...line, at: toIso(deps.clock.now()), wallAt: toIso(deps.clock.wallNow()) }
  deps.state.chats.set(message)
  deps.bus.publish('platform.message', message.at, message)
  return message
}
