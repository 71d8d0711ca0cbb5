import { timingSafeEqual } from 'node:crypto'
import type { Deps } from '../deps.ts'
import { problems } from '../http/problem.ts'
import type { ChatMessage } from '../store/state.ts'
import { tapLinkLater } from './links.ts'
import { personOfUser, recordChat } from './users.ts'

// The Send API's domain: the integration writes to a user's chat. A message carrying an
// authorize link is tapped by the simulated user after the call has been answered.

/** Throws invalid_token unless the Authorization header carries the page token. */
export function checkPageToken(deps: Deps, authorization: string | undefined): void {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')
  const given = Buffer.from(match?.[1] ?? '')
  const expected = Buffer.from(deps.credentials.platform.pageToken)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw problems.invalidToken('Send the page token as Authorization: Bearer <pageToken>.')
  }
}

export function sendToUser(
  deps: Deps,
  recipientId: string,
  text: string,
  quickReplies?: readonly { title: string; payload: string }[],
): ChatMessage {
  if (!personOfUser(deps, recipientId)) throw problems.notFound('No such user on the platform.')
  const message = recordChat(deps, {
    mid: deps.ids.next('mid'),
    userId: recipientId,
    direction: 'to_user',
    text,
    ...(quickReplies?.length
      ? { quickReplies: quickReplies.map(({ title, payload }) => ({ title, payload })) }
      : {}),
  })
  tapLinkLater(deps, message)
  return message
}
