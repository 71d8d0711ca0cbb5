import type { Context } from 'hono'
import type { Deps } from '../deps.ts'
import { problems } from '../http/problem.ts'
import type { ChatMessage } from '../store/state.ts'
import { notePolicyViolation } from './journal-note.ts'
import { allowLater } from './optins.ts'
import type { SendRequest } from './schemas.ts'
import { sendToUser } from './send.ts'
import { refusalOf } from './send-rules.ts'
import { personOfUser, recordChat } from './users.ts'

// One Send API call: find the user (by id, or by a notification_messages token), apply
// the platform's rules, then write to the chat. An opt-in request is shown by its title,
// and the simulated user allows it once the call has been answered.

export function sendMessage(c: Context, deps: Deps, request: SendRequest): ChatMessage {
  const { recipient, message } = request
  const optin =
    recipient.notification_messages_token === undefined
      ? undefined
      : deps.state.optins.get(recipient.notification_messages_token)
  if (recipient.notification_messages_token !== undefined && !optin)
    throw problems.notFound('No such notification_messages token.')
  const userId = optin?.userId ?? recipient.id ?? ''
  if (!personOfUser(deps, userId)) throw problems.notFound('No such user on the platform.')
  const refusal = refusalOf(deps, {
    userId,
    messagingType: request.messaging_type ?? 'RESPONSE',
    tag: request.tag,
    optin,
  })
  if (refusal) {
    if (refusal.violation) notePolicyViolation(c, refusal.violation)
    throw refusal.problem
  }
  if (message.attachment) {
    const { title, payload } = message.attachment.payload
    const line = recordChat(deps, {
      mid: deps.ids.next('mid'),
      userId,
      direction: 'to_user',
      text: title,
      template: 'notification_messages',
    })
    allowLater(deps, userId, payload)
    return line
  }
  return sendToUser(deps, userId, message.text ?? '', message.quick_replies)
}
