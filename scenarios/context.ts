import type { ClaimedPerson } from '../sandbox/client.ts'
import type { Scenario } from './schema.ts'
import type { Target } from './target.ts'

// What a run knows as it goes: who plays each role, where the marks fell, and what the
// forged requests got back.

export interface CastMember extends ClaimedPerson {
  role: string
  /** bankId → the consent the setup linked */
  consents: Record<string, string>
}

/** A point in the run: everything observed before it has a lower journal id, chat index or wall time. */
export interface Mark {
  journalId: number
  chat: Record<string, number>
  wallMs: number
}

export interface Forgery {
  what: string
  status: number | null
}

export interface RunContext {
  scenario: Scenario
  target: Target
  cast: Map<string, CastMember>
  marks: Map<string, Mark>
  forgeries: Forgery[]
  /** `${role}/${bankId}` → a genuine authorization answer held back by a mix-up step. */
  heldCallbacks: Map<string, string>
  credentials: Awaited<ReturnType<Target['control']['credentials']>>
  /** Wall time of the scenario's latest action: the reaction budget counts from here. */
  lastActionWallMs: number
}

export function member(context: RunContext, role: string): CastMember {
  const found = context.cast.get(role)
  if (!found) throw new Error(`The scenario names a role "${role}" it never cast.`)
  return found
}

export async function takeMark(context: RunContext): Promise<Mark> {
  const { control } = context.target
  const journal = await control.journal()
  const chat: Record<string, number> = {}
  for (const person of context.cast.values())
    chat[person.role] = (await control.chat(person.platformUserId)).length
  return { journalId: journal.at(-1)?.id ?? 0, chat, wallMs: Date.now() }
}
