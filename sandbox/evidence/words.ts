import type { Answered, ChannelCounts, Evidence } from './schema.ts'

// The evidence in plain words, for the receipt and the dashboard: what each call did,
// what prompted it, and times a person can read.

const ACTIONS: [method: string, route: RegExp, words: string][] = [
  ['GET', /\/v1\/accounts$/, 'Listed the accounts'],
  ['GET', /\/v1\/accounts\/:accountId$/, 'Read an account'],
  ['GET', /\/balances$/, 'Read a balance'],
  ['GET', /\/transactions$/, 'Read transactions'],
  ['GET', /\/v1\/cards$/, 'Listed the cards'],
  ['GET', /\/v1\/cards\/:cardId$/, 'Read a card'],
  ['GET', /\/v1\/alerts$/, 'Listed the fraud alerts'],
  ['POST', /\/resolution$/, 'Answered a fraud alert'],
  ['GET', /\/v1\/consent$/, 'Read the consent'],
  ['DELETE', /\/v1\/consent$/, 'Ended the consent'],
]

/** "Read a balance", or the method and route when the call is not one of the bank's reads. */
export function actionWords(call: { method: string; route: string }): string {
  const found = ACTIONS.find(([method, route]) => method === call.method && route.test(call.route))
  return found ? found[2] : `${call.method} ${call.route}`
}

export function answeredWords(answered: Answered): string {
  switch (answered.kind) {
    case 'user_message':
      return `The user’s message “${answered.text}”`
    case 'webhook':
      return `The bank’s webhook ${answered.type}`
    case 'nothing':
      return 'Nothing: no message or webhook for this person just before'
  }
}

export function channelWords(channels: ChannelCounts | null, records: number): string {
  if (channels === null) return records === 1 ? '1 record' : `${records} records`
  return `${channels.platform} in the platform · ${channels.inStore} in store · ${channels.online} online`
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** "Jun 15, 2026 14:05:09 UTC". */
export function fullTime(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()} ${iso.slice(11, 19)} UTC`
}

/** "350 ms", "4.2 s", "3 h 5 min", "2 days". */
export function durationWords(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`
  const days = Math.round(ms / 86_400_000)
  return days === 1 ? '1 day' : `${days} days`
}

/** "Revoked by the customer", "Expired". */
export function endWords(end: NonNullable<Evidence['end']>): string {
  if (end.reason === 'expired') return 'Expired'
  return end.by ? `Revoked by the ${end.by}` : 'Revoked'
}

/** Ids whose plain-word form would misspell them. */
const SPELLED: Record<string, string> = { atm: 'ATM', amex: 'Amex', mastercard: 'Mastercard' }

/** snake_case and dotted ids as words: "fast_food" → "Fast food". */
export function words(id: string): string {
  const spelled = SPELLED[id]
  if (spelled) return spelled
  const text = id.replace(/[_.]+/g, ' ').trim()
  return text.charAt(0).toUpperCase() + text.slice(1)
}
