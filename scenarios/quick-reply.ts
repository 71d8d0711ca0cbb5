import { ControlError } from '../sandbox/client.ts'
import { member, type RunContext } from './context.ts'

// What a simulated user says about their cards, and how they choose among quick replies.

/** `{last4:harbor}` in a user's line becomes the last4 of their card at harbor. */
export function withCardsNamed(context: RunContext, role: string, text: string): string {
  const person = member(context, role)
  return text.replace(
    /\{last4:([a-z0-9_-]+)\}/g,
    (_, bankId: string) => person.banks[bankId]?.last4 ?? '????',
  )
}

/** Taps the newest offered reply whose title contains `title`; with none offered, types `title`. */
export async function tapQuickReply(context: RunContext, role: string, title: string): Promise<void> {
  const { control } = context.target
  const userId = member(context, role).platformUserId
  try {
    await control.call('POST', `/sandbox/platform/users/${userId}/quick-replies/tap`, { title })
  } catch (error) {
    if (!(error instanceof ControlError) || error.status !== 404) throw error
    await control.say(userId, title)
  }
}
