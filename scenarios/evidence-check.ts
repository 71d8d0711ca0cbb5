import { type CallWindow, checkEvidence } from '../sandbox/evidence/checks.ts'
import type { Evidence } from '../sandbox/evidence/schema.ts'
import { type CastMember, member, type RunContext } from './context.ts'
import { markOf, type Observations } from './observations.ts'
import type { Expectation } from './schema.ts'
import type { Verdict } from './verdict.ts'

// The `evidence` expectation: the sandbox's privacy evidence for every consent the cast
// holds (the links of the setup and any made during the run), judged on the calls of the
// expectation's window with the run's reaction budget.

type EvidenceExpectation = Extract<Expectation, { kind: 'evidence' }>

export async function evaluateEvidence(
  context: RunContext,
  seen: Observations,
  expectation: EvidenceExpectation,
): Promise<Omit<Verdict, 'id' | 'says'>> {
  const window: CallWindow = {
    afterCallId: markOf(context, expectation.after, seen.start)?.journalId ?? 0,
    untilCallId: markOf(context, expectation.before, null)?.journalId ?? Number.POSITIVE_INFINITY,
  }
  const people = expectation.role ? [member(context, expectation.role)] : [...context.cast.values()]
  const breaches: string[] = []
  let consents = 0
  for (const person of people) {
    for (const evidence of await evidenceOf(context, person)) {
      consents++
      const where = `${person.role} at ${evidence.consent.bankId}`
      for (const check of checkEvidence(evidence, window)) {
        if (!expectation.checks.includes(check.id) || check.held) continue
        breaches.push(...check.breaches.map((breach) => `${where}: ${describe(evidence, check.id, breach)}`))
      }
    }
  }
  const checked = `${consents} consent${consents === 1 ? '' : 's'}`
  return breaches.length === 0
    ? { passed: true, message: `The evidence of ${checked} holds.`, evidence: [] }
    : {
        passed: false,
        message: `${breaches.length} breach${breaches.length === 1 ? '' : 'es'} in the evidence of ${checked}.`,
        evidence: breaches,
      }
}

/**
 * The chat lines that showed the person money drawn from one of their consents at a bank
 * after that consent ended, by message id: each consent's evidence names its own.
 */
export async function shownAfterEndedConsents(
  context: RunContext,
  person: CastMember,
  bankId: string,
): Promise<Set<string>> {
  const mids = new Set<string>()
  for (const evidence of await evidenceOf(context, person, bankId))
    for (const line of evidence.shownAfterEnd) mids.add(line.mid)
  return mids
}

/** The evidence of each consent the person holds at each of their banks (or at one). */
async function evidenceOf(context: RunContext, person: CastMember, onlyAt?: string): Promise<Evidence[]> {
  const { control } = context.target
  const found: Evidence[] = []
  for (const [bankId, { customerId }] of Object.entries(person.banks)) {
    if (onlyAt !== undefined && bankId !== onlyAt) continue
    for (const consent of await control.consents(bankId, customerId)) {
      found.push(
        await control.call<Evidence>(
          'GET',
          `/sandbox/banks/${bankId}/consents/${consent.id}/evidence?reactionMs=${context.target.reactionMs}`,
        ),
      )
    }
  }
  return found
}

function describe(evidence: Evidence, check: string, breach: string): string {
  const call = evidence.calls.find((c) => String(c.id) === breach)
  const line = evidence.shownAfterEnd.find((l) => l.mid === breach)
  if (line) return `shown after the end: "${line.text}"`
  if (!call) return breach
  const what = `${call.method} ${call.path} → ${call.status}`
  if (check === 'only-on-request') return `${what} answered no user message or webhook`
  if (check === 'no-withheld-records')
    return `${what} served ${(call.channels?.inStore ?? 0) + (call.channels?.online ?? 0)} off-platform records`
  return `${what} served data after the end`
}
