import type { Context } from 'hono'
import { Problem } from '../http/problem.ts'
import type { JournalNote } from '../store/journal.ts'

// What the journal keeps of a platform call beyond its status: the problem code of a
// refusal, and a rule the call broke (the bot sending HUMAN_AGENT). Scenarios judge on
// these, so a refusal is told apart from another with the same status.

const VIOLATION = 'platformPolicyViolation'

/** Marks the call being answered as breaking a platform rule. */
export function notePolicyViolation(c: Context, violation: string): void {
  c.set(VIOLATION as never, violation as never)
}

/** The note for the call `c` has finished, or null for nothing to note. */
export function journalNoteOf(c: Context): JournalNote | null {
  const violation = c.get(VIOLATION as never) as string | undefined
  const code = c.error instanceof Problem && c.error.status < 500 ? c.error.code : undefined
  if (violation === undefined && code === undefined) return null
  return { ...(code ? { code } : {}), ...(violation ? { policyViolation: violation } : {}) }
}
