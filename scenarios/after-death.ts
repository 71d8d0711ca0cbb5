import type { Mark, RunContext } from './context.ts'
import { evaluate, type Verdict } from './expectations.ts'
import type { Observations } from './observations.ts'
import { judgedAfterQuiet } from './reaction.ts'
import type { Expectation, Step } from './schema.ts'

// An integration that stops answering in the middle of a run. The runner probes it after
// every step, so it knows the last moment it answered. A window that closed before that
// moment is judged as usual. One still open then (or never closed: the run stopped) is
// judged on everything seen, which a dead integration adds nothing to: a positive check
// that held, or a breach of a negative one (a card number sent, a call after a
// revocation), decides it. Anything else depends on what it would have done afterwards,
// and is "not evaluated", with the cause.

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

/** The mark of the moment the integration was last seen answering. */
export const LAST_SEEN = '(last seen)'

export interface Death {
  /** The probe's words: why it is gone. */
  cause: string
  /** Wall time just before the last probe it answered. */
  aliveWallMs: number
  /** Where in the timeline, in words: "after step 4 of 11 (ana says "balance")". */
  where: string
}

export function notEvaluated(expectation: Expectation, cause: string): Verdict {
  return {
    id: expectation.id,
    says: expectation.says,
    passed: false,
    evaluated: false,
    message: `Not evaluated: ${cause}`,
    evidence: [],
  }
}

/** Judges every expectation of a run the integration did not live through. */
export async function judgeAfterDeath(
  context: RunContext,
  seen: Observations,
  death: Death,
): Promise<Verdict[]> {
  context.marks.set(LAST_SEEN, markAt(context, seen, death.aliveWallMs))
  const unknown = `the integration stopped answering ${death.where}; what it would have done after that is unknown.`
  const verdicts: Verdict[] = []
  for (const expectation of context.scenario.expectations) {
    const verdict = await judgedWhileAlive(context, seen, expectation, death.aliveWallMs)
    verdicts.push(verdict ?? notEvaluated(expectation, unknown))
  }
  return verdicts
}

/** The verdict that what happened while it answered decides; undefined when that is not enough. */
async function judgedWhileAlive(
  context: RunContext,
  seen: Observations,
  expectation: Expectation,
  aliveWallMs: number,
): Promise<Verdict | undefined> {
  const window = windowOf(expectation)
  if (window?.after !== undefined && !context.marks.has(window.after)) return undefined // never opened
  const closesAt = window?.before === undefined ? undefined : context.marks.get(window.before)
  if (closesAt && closesAt.wallMs <= aliveWallMs) return evaluate(context, seen, expectation)
  // Open when it died: judged on everything seen, which a dead integration added nothing to.
  const seenAll = window?.before !== undefined && !closesAt ? withoutBefore(expectation) : expectation
  if (!judgedAfterQuiet(expectation)) {
    const verdict = await evaluate(context, seen, seenAll)
    return verdict.passed ? verdict : undefined
  }
  // A negative check holds only once nothing more can happen: only a breach decides it.
  // Deliveries that found it gone are no late acknowledgement: those count until it was last seen.
  const negative = negativePart(seenAll)
  if (!negative) return undefined
  const judged = negative.kind === 'acksInTime' ? { ...negative, before: LAST_SEEN } : negative
  const verdict = await evaluate(context, seen, judged)
  if (verdict.passed || verdict.evidence.length === 0) return undefined
  return { ...verdict, message: `${verdict.message} (while it still answered)` }
}

type Windowed = Extract<
  Expectation,
  { kind: 'acksInTime' | 'messages' | 'calls' | 'evidence' | 'platformCalls' }
>

function windowOf(expectation: Expectation): Windowed | undefined {
  switch (expectation.kind) {
    case 'acksInTime':
    case 'messages':
    case 'calls':
    case 'evidence':
    case 'platformCalls':
      return expectation
    default:
      return undefined
  }
}

function withoutBefore(expectation: Expectation): Expectation {
  if (!windowOf(expectation)) return expectation
  const { before: _before, ...rest } = expectation as Windowed
  return rest
}

/** What of an expectation only a breach can fail (a failed negative check always names its breach). */
function negativePart(expectation: Expectation): Expectation | undefined {
  switch (expectation.kind) {
    case 'messages': {
      const {
        min: _min,
        contains: _contains,
        matches: _matches,
        namesLast4Of: _last4,
        money,
        ...rest
      } = expectation
      if (rest.max === undefined && rest.lacks === undefined && money !== false) return undefined
      return money === false ? { ...rest, money } : rest
    }
    case 'calls':
    case 'platformCalls': {
      const { min: _min, ...rest } = expectation
      return rest.max === undefined ? undefined : rest
    }
    case 'acksInTime':
    case 'evidence':
    case 'noCardNumbers':
      return expectation
    case 'consent':
    case 'card':
    case 'forgeriesRefused':
    case 'optIn':
      return undefined
  }
}

/** The mark a step would have taken at a wall-clock moment, read off what the wires kept. */
function markAt(context: RunContext, seen: Observations, wallMs: number): Mark {
  const before = (at: string | undefined) => at === undefined || Date.parse(at) <= wallMs
  let journalId = seen.start.journalId
  for (const entry of seen.journal) if (entry.id > journalId && before(entry.wallAt)) journalId = entry.id
  // A chat is in the order its lines were written.
  const chat: Record<string, number> = {}
  for (const person of context.cast.values())
    chat[person.role] = (seen.chats.get(person.role) ?? []).filter((line) => before(line.wallAt)).length
  return { journalId, chat, wallMs }
}

/** A step in a few words, to say where a run stopped. */
export function stepWords(step: Step): string {
  switch (step.kind) {
    case 'mark':
      return `mark ${step.name}`
    case 'say':
      return `${step.role} says "${step.text}"`
    case 'spend':
      return `${step.role} spends at ${step.bankId}`
    case 'tap':
      return `${step.role} taps "${step.title}"`
    case 'revokeAtBank':
      return `${step.role} revokes at ${step.bankId}`
    case 'withdraw':
      return `${step.bankId} withdraws (${step.status})`
    case 'faults':
      return `faults at ${step.bankId}`
    case 'clearFaults':
      return `faults at ${step.bankId} cleared`
    case 'rotateSecret':
      return `${step.bankId} rotates its webhook secret`
    case 'advance':
      return `the clock moves ${step.ms >= HOUR_MS ? `${+(step.ms / DAY_MS).toFixed(2)} days` : `${step.ms} ms`}`
    case 'redeliver':
      return `${step.type} sent again`
    case 'forgeWebhook':
      return `a forged ${step.type} webhook`
    case 'forgeCallback':
      return `a forged callback for ${step.role}`
    case 'mixUpCallback':
      return `${step.role}'s answer from ${step.bankId} with a wrong and a missing iss`
    case 'completeCallback':
      return `${step.role}'s genuine answer from ${step.bankId}`
    case 'awaitThread':
      return `${step.role}'s conversation reaches the ${step.owner}`
  }
}
