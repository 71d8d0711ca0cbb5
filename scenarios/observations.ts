import type { ChatLine, Delivery, JournalEntry } from '../sandbox/client.ts'
import { type Mark, member, type RunContext } from './context.ts'

// Everything the wires showed by the end of a run, and the slicing by marks that
// expectations use.

export interface Observations {
  journal: JournalEntry[]
  deliveries: Delivery[]
  chats: Map<string, ChatLine[]>
  start: Mark
}

export async function observe(context: RunContext): Promise<Observations> {
  const { control } = context.target
  const chats = new Map<string, ChatLine[]>()
  for (const person of context.cast.values())
    chats.set(person.role, await control.chat(person.platformUserId))
  const start = context.marks.get('start')
  if (!start) throw new Error('The run has no start mark.')
  const [journal, deliveries] = await Promise.all([control.journal(), control.deliveries()])
  return { journal, deliveries, chats, start }
}

export interface Window {
  after?: string | undefined
  before?: string | undefined
}

export function markOf(context: RunContext, name: string | undefined, fallback: Mark | null): Mark | null {
  if (name === undefined) return fallback
  const mark = context.marks.get(name)
  if (!mark) throw new Error(`The scenario has no mark "${name}".`)
  return mark
}

/** Messages the person received inside the window. */
export function messagesIn(
  context: RunContext,
  seen: Observations,
  role: string,
  window: Window,
): ChatLine[] {
  member(context, role)
  const from = markOf(context, window.after, seen.start)?.chat[role] ?? 0
  const until = markOf(context, window.before, null)?.chat[role] ?? Number.POSITIVE_INFINITY
  // What the page's inbox (its human agent) wrote is not the integration's.
  return (seen.chats.get(role) ?? [])
    .slice(from, until)
    .filter((line) => line.direction === 'to_user' && line.appId !== 'inbox')
}

export function callsIn(context: RunContext, seen: Observations, window: Window): JournalEntry[] {
  const from = markOf(context, window.after, seen.start)?.journalId ?? 0
  const until = markOf(context, window.before, null)?.journalId ?? Number.POSITIVE_INFINITY
  return seen.journal.filter((entry) => entry.id > from && entry.id <= until)
}

export function attemptsIn(context: RunContext, seen: Observations, window: Window) {
  const from = markOf(context, window.after, seen.start)?.wallMs ?? 0
  const until = markOf(context, window.before, null)?.wallMs ?? Number.POSITIVE_INFINITY
  return seen.deliveries.flatMap((delivery) =>
    delivery.attempts
      .filter((attempt) => Date.parse(attempt.at) >= from && Date.parse(attempt.at) < until)
      .map((attempt) => ({ delivery, attempt })),
  )
}
