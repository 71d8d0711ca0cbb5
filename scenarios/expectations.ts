import { MONEY } from '../sandbox/evidence/money.ts'
import { member, type RunContext } from './context.ts'
import { checkDispute } from './dispute-check.ts'
import { evaluateEvidence, shownAfterEndedConsents } from './evidence-check.ts'
import { attemptsIn, callsIn, messagesIn, type Observations } from './observations.ts'
import { evaluateOptIn, evaluatePlatformCalls } from './platform-checks.ts'
import type { Expectation } from './schema.ts'
import type { Verdict } from './verdict.ts'

// Expectations check facts, never wording, so any integration written from
// the design can pass. Each verdict carries the evidence that decided it.

export type { Verdict } from './verdict.ts'

export const CARD_NUMBER_RUN = /\d{12,}/

const quote = (text: string) => `"${text.length > 140 ? `${text.slice(0, 137)}…` : text}"`

export async function evaluate(
  context: RunContext,
  seen: Observations,
  expectation: Expectation,
): Promise<Verdict> {
  const verdict = (passed: boolean, message: string, evidence: string[] = []): Verdict => ({
    id: expectation.id,
    says: expectation.says,
    passed,
    message,
    evidence: evidence.slice(0, 8),
  })

  switch (expectation.kind) {
    case 'acksInTime': {
      const attempts = attemptsIn(context, seen, expectation)
      const late = attempts.filter(
        ({ attempt }) =>
          attempt.statusCode === null ||
          attempt.statusCode >= 300 ||
          attempt.statusCode < 200 ||
          attempt.latencyMs > expectation.withinMs,
      )
      const evidence = late.map(
        ({ delivery, attempt }) =>
          `${delivery.type} ${delivery.id} attempt ${attempt.number}: ${attempt.statusCode ?? attempt.error} after ${attempt.latencyMs} ms`,
      )
      if (attempts.length === 0) return verdict(false, 'No webhook was delivered in this part of the run.')
      return late.length === 0
        ? verdict(
            true,
            `All ${attempts.length} deliveries were acknowledged with a 2xx within ${expectation.withinMs} ms.`,
          )
        : verdict(
            false,
            `${late.length} of ${attempts.length} deliveries were not acknowledged with a 2xx within ${expectation.withinMs} ms.`,
            evidence,
          )
    }

    case 'messages': {
      const person = member(context, expectation.role)
      const lines = messagesIn(context, seen, expectation.role, expectation)
      const evidence = lines.map((line) => quote(line.text))
      const who = `${expectation.role} got ${lines.length} message${lines.length === 1 ? '' : 's'}`
      if (expectation.min !== undefined && lines.length < expectation.min) {
        return verdict(false, `${who}; expected at least ${expectation.min}.`, evidence)
      }
      if (expectation.max !== undefined && lines.length > expectation.max) {
        return verdict(false, `${who}; expected at most ${expectation.max}.`, evidence)
      }
      if (expectation.namesLast4Of !== undefined) {
        const last4 = person.banks[expectation.namesLast4Of]?.last4 ?? '????'
        if (!lines.some((line) => line.text.includes(last4)))
          return verdict(false, `No message names the card ending ${last4}.`, evidence)
      }
      if (expectation.money === true && !lines.some((line) => MONEY.test(line.text))) {
        return verdict(false, `${who}, none with a money amount.`, evidence)
      }
      if (expectation.money === false) {
        let leaks = lines.filter((line) => MONEY.test(line.text))
        if (expectation.fromEndedConsentAt !== undefined && leaks.length > 0) {
          const ended = await shownAfterEndedConsents(context, person, expectation.fromEndedConsentAt)
          leaks = leaks.filter((line) => ended.has(line.mid))
        }
        if (leaks.length > 0)
          return verdict(
            false,
            expectation.fromEndedConsentAt === undefined
              ? `${leaks.length} message(s) showed a money amount.`
              : `${leaks.length} message(s) showed money from a consent at ${expectation.fromEndedConsentAt} after it ended.`,
            leaks.map((l) => quote(l.text)),
          )
      }
      if (
        expectation.contains !== undefined &&
        !lines.some((line) => line.text.includes(expectation.contains ?? ''))
      ) {
        return verdict(false, `No message contains "${expectation.contains}".`, evidence)
      }
      if (expectation.matches !== undefined) {
        const pattern = new RegExp(expectation.matches)
        if (!lines.some((line) => pattern.test(line.text)))
          return verdict(false, `No message matches /${expectation.matches}/.`, evidence)
      }
      if (
        expectation.offersQuickReply !== undefined &&
        !lines.some((line) =>
          line.quickReplies?.some((r) => r.title.includes(expectation.offersQuickReply ?? '')),
        )
      ) {
        return verdict(
          false,
          `No message offers a quick reply titled with "${expectation.offersQuickReply}".`,
          evidence,
        )
      }
      if (expectation.lacks !== undefined) {
        const found = lines.filter((line) => line.text.includes(expectation.lacks ?? ''))
        if (found.length > 0)
          return verdict(
            false,
            `A message contains "${expectation.lacks}".`,
            found.map((l) => quote(l.text)),
          )
      }
      return verdict(true, `${who}, as expected.`, evidence)
    }

    case 'noCardNumbers': {
      const leaks = [...seen.chats.entries()].flatMap(([role, lines]) =>
        lines
          .filter((line) => line.direction === 'to_user' && CARD_NUMBER_RUN.test(line.text))
          .map((line) => `${role}: ${quote(line.text)}`),
      )
      return leaks.length === 0
        ? verdict(true, 'No message carries a run of 12 or more digits.')
        : verdict(
            false,
            `${leaks.length} message(s) carry a run of 12 or more digits (a card number?).`,
            leaks,
          )
    }

    case 'calls': {
      const consentId = expectation.role
        ? member(context, expectation.role).consents[expectation.bankId]
        : undefined
      const calls = callsIn(context, seen, expectation).filter(
        (entry) =>
          entry.bankId === expectation.bankId &&
          (consentId === undefined || entry.consentId === consentId) &&
          (expectation.method === undefined || entry.method === expectation.method) &&
          (expectation.route === undefined || routeMatches(entry.route, expectation.route)),
      )
      const evidence = calls.map((entry) => `${entry.method} ${entry.path} → ${entry.status}`)
      const what = `${calls.length} call${calls.length === 1 ? '' : 's'} to ${expectation.bankId}${expectation.route ? ` (${expectation.route})` : ''}`
      if (expectation.min !== undefined && calls.length < expectation.min)
        return verdict(false, `${what}; expected at least ${expectation.min}.`, evidence)
      if (expectation.max !== undefined && calls.length > expectation.max)
        return verdict(false, `${what}; expected at most ${expectation.max}.`, evidence)
      return verdict(true, `${what}, as expected.`, evidence)
    }

    case 'consent': {
      const person = member(context, expectation.role)
      const customerId = person.banks[expectation.bankId]?.customerId ?? ''
      const consents = await context.target.control.consents(expectation.bankId, customerId)
      const linked = consents.find((c) => c.id === person.consents[expectation.bankId])
      const evidence = consents.map((c) => `${c.id}: ${c.status}${c.revokedBy ? ` by ${c.revokedBy}` : ''}`)
      if (expectation.status === 'none') {
        const active = consents.filter((c) => c.status === 'active')
        return active.length === 0
          ? verdict(true, `${expectation.role} holds no active consent at ${expectation.bankId}.`, evidence)
          : verdict(
              false,
              `${expectation.role} holds ${active.length} active consent(s) at ${expectation.bankId}.`,
              evidence,
            )
      }
      if (!linked) return verdict(false, `The consent linked at setup is gone.`, evidence)
      const ok =
        linked.status === expectation.status &&
        (expectation.revokedBy === undefined || linked.revokedBy === expectation.revokedBy)
      return verdict(
        ok,
        `The consent is ${linked.status}${linked.revokedBy ? ` (revoked by ${linked.revokedBy})` : ''}.`,
        evidence,
      )
    }

    case 'card': {
      const person = member(context, expectation.role)
      const bank = person.banks[expectation.bankId]
      const customer = await context.target.control.customer(expectation.bankId, bank?.customerId ?? '')
      const card = customer.cards.find((c) => c.id === bank?.cardId)
      return verdict(
        card?.status === expectation.status,
        `Card ••${bank?.last4} is ${card?.status ?? 'missing'}.`,
      )
    }

    case 'dispute': {
      const found = await checkDispute(context, seen, expectation)
      return verdict(found.passed, found.message, found.evidence)
    }

    case 'evidence': {
      const found = await evaluateEvidence(context, seen, expectation)
      return verdict(found.passed, found.message, found.evidence)
    }

    case 'platformCalls': {
      const found = evaluatePlatformCalls(context, seen, expectation)
      return verdict(found.passed, found.message, found.evidence)
    }

    case 'optIn': {
      const found = await evaluateOptIn(context, expectation)
      return verdict(found.passed, found.message, found.evidence)
    }

    case 'forgeriesRefused': {
      // Silence is not a refusal: an integration that is not there refuses nothing.
      const accepted = context.forgeries.filter((f) => f.status === null || f.status < 400)
      const evidence = context.forgeries.map((f) => `${f.what} → ${f.status ?? 'no answer'}`)
      if (context.forgeries.length === 0) return verdict(false, 'No forged request was sent.')
      return accepted.length === 0
        ? verdict(true, `All ${context.forgeries.length} forged requests were refused.`, evidence)
        : verdict(
            false,
            `${accepted.length} of ${context.forgeries.length} forged requests were accepted or not answered with a 4xx.`,
            evidence,
          )
    }
  }
}

/** A route pattern, or a prefix ending in `*`. */
function routeMatches(route: string, pattern: string): boolean {
  return pattern.endsWith('*') ? route.startsWith(pattern.slice(0, -1)) : route === pattern
}
