import type { Deps } from '../deps.ts'
import { Problem } from '../http/problem.ts'
import type { OptinRecord } from '../store/records.ts'
import { conversationOf, windowOpen } from './conversations.ts'
import { usable } from './optins.ts'
import { platformPolicy } from './policy.ts'

// When the integration may write to a user (Messenger's rules, DESIGN §13):
// - HUMAN_AGENT is the human inbox's tag: the integration using it is refused at any
//   time, under both policies, and the call is marked as breaking that rule;
// - while the inbox owns the thread, the integration may not write at all;
// - under the `window` policy, only within 24 h of the user's last message, or to a
//   notification_messages token the user granted (stopped or expired tokens pass nothing).

/** Messenger's own error, which bots written for Messenger recognise. */
export const OUTSIDE_WINDOW_ERROR = { code: 10, message: 'This message is sent outside of allowed window' }

export const HUMAN_AGENT_FROM_BOT = 'human_agent_tag_from_bot'

export interface SendAsk {
  userId: string
  messagingType: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG'
  tag: string | undefined
  /** Set when the message goes to an opt-in token. */
  optin: OptinRecord | undefined
}

/** The refusal for this send, or null when it may go. `violation` names a rule broken on purpose. */
export function refusalOf(deps: Deps, ask: SendAsk): { problem: Problem; violation?: string } | null {
  if (ask.tag === 'HUMAN_AGENT') {
    const problem = new Problem(
      'tag_not_allowed',
      'HUMAN_AGENT is for the human agent in the page inbox; a bot may not use it.',
      { error: { code: 10, message: 'This message is sent outside of allowed window' } },
    )
    return { problem, violation: HUMAN_AGENT_FROM_BOT }
  }
  if (ask.messagingType === 'MESSAGE_TAG' && ask.tag === undefined)
    return { problem: new Problem('invalid_request', 'MESSAGE_TAG needs a tag.') }
  if (conversationOf(deps, ask.userId).owner === 'inbox')
    return {
      problem: new Problem(
        'thread_owned',
        'The page inbox owns this conversation; wait for it to pass the thread back.',
        { error: { code: 10, message: 'This message is sent outside of allowed window' } },
      ),
    }
  if (ask.optin) {
    if (usable(deps, ask.optin)) return null
    return { problem: outsideWindow('The user stopped this token, or it has expired.') }
  }
  if (platformPolicy(deps) === 'window' && !windowOpen(deps, ask.userId))
    return {
      problem: outsideWindow(
        'More than 24 h since the user last wrote: send to a notification_messages token they granted.',
      ),
    }
  return null
}

function outsideWindow(detail: string): Problem {
  return new Problem('outside_window', detail, { error: OUTSIDE_WINDOW_ERROR })
}
