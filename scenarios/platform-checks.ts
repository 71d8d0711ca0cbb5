import { member, type RunContext } from './context.ts'
import { callsIn, type Observations } from './observations.ts'
import type { Expectation } from './schema.ts'
import type { Verdict } from './verdict.ts'

// Expectations about the messaging platform's rules (DESIGN §13): the integration's
// Send API and thread-control calls as the journal kept them, and the opt-in tokens a
// person granted.

type PlatformCalls = Extract<Expectation, { kind: 'platformCalls' }>
type OptIn = Extract<Expectation, { kind: 'optIn' }>
type Judged = Pick<Verdict, 'passed' | 'message' | 'evidence'>

export function evaluatePlatformCalls(
  context: RunContext,
  seen: Observations,
  expectation: PlatformCalls,
): Judged {
  const route = `/platform/v1/${expectation.route}`
  const calls = callsIn(context, seen, expectation).filter(
    (entry) =>
      entry.bankId === null &&
      entry.route === route &&
      (expectation.refused === undefined || entry.status >= 400 === expectation.refused) &&
      (expectation.code === undefined || entry.code === expectation.code) &&
      (expectation.policyViolation === undefined || entry.policyViolation === expectation.policyViolation),
  )
  const evidence = calls.map(
    (entry) =>
      `${entry.method} ${entry.path} → ${entry.status}${entry.code ? ` ${entry.code}` : ''}${entry.policyViolation ? ` (${entry.policyViolation})` : ''}`,
  )
  const kind = [
    expectation.refused === true ? 'refused' : expectation.refused === false ? 'answered' : '',
    expectation.code ?? '',
    expectation.policyViolation ?? '',
  ]
    .filter(Boolean)
    .join(' ')
  const what = `${calls.length} ${kind ? `${kind} ` : ''}call${calls.length === 1 ? '' : 's'} to ${route}`
  if (expectation.min !== undefined && calls.length < expectation.min)
    return { passed: false, message: `${what}; expected at least ${expectation.min}.`, evidence }
  if (expectation.max !== undefined && calls.length > expectation.max)
    return { passed: false, message: `${what}; expected at most ${expectation.max}.`, evidence }
  return { passed: true, message: `${what}, as expected.`, evidence }
}

interface ConversationView {
  optins: { token: string; stoppedAt: string | null; expiresAt: string }[]
}

export async function evaluateOptIn(context: RunContext, expectation: OptIn): Promise<Judged> {
  const person = member(context, expectation.role)
  const { optins } = await context.target.control.call<ConversationView>(
    'GET',
    `/sandbox/platform/users/${person.platformUserId}/conversation`,
  )
  const { now } = await context.target.control.call<{ now: string }>('GET', '/sandbox/clock')
  const usable = optins.filter((o) => o.stoppedAt === null && Date.parse(o.expiresAt) > Date.parse(now))
  const evidence = optins.map(
    (o) => `token granted, ${o.stoppedAt ? `stopped ${o.stoppedAt}` : `until ${o.expiresAt}`}`,
  )
  return usable.length > 0
    ? {
        passed: true,
        message: `${expectation.role} granted ${usable.length} notification token(s).`,
        evidence,
      }
    : {
        passed: false,
        message: `${expectation.role} was never asked to allow notification messages (no usable token).`,
        evidence,
      }
}
