import type { LinkTap } from '../sandbox/platform/records.ts'
import { member, type RunContext, takeMark } from './context.ts'
import { forgeCallback, forgeWebhook } from './forge.ts'
import { completeCallback, mixUpCallback } from './mix-up.ts'
import { tapQuickReply, withCardsNamed } from './quick-reply.ts'
import { within } from './reaction.ts'
import type { Step } from './schema.ts'

// Each step acts through the control API, then waits until the sandbox and the
// integration seem to have finished reacting, so the next step sees a settled world.
// Verdicts never rest on that: marks wait out the reaction budget (reaction.ts).

const MAX_CLOCK_MOVE_MS = 400 * 86_400_000

export async function runStep(context: RunContext, step: Step): Promise<void> {
  const { control } = context.target
  switch (step.kind) {
    case 'mark':
      context.marks.set(step.name, await takeMark(context))
      return
    case 'say':
      await control.say(
        member(context, step.role).platformUserId,
        withCardsNamed(context, step.role, step.text),
      )
      break
    case 'tap':
      await tapQuickReply(context, step.role, step.title)
      break
    case 'spend': {
      const card = member(context, step.role).banks[step.bankId]
      await control.call('POST', `/sandbox/banks/${step.bankId}/cards/${card?.cardId}/transactions`, {
        amount: { amount: step.amount, currency: 'USD' },
        count: step.count,
        spreadMs: step.spreadMs,
        channel: step.channel,
        ...(step.mcc ? { mcc: step.mcc } : {}),
        ...(step.merchant ? { merchant: step.merchant } : {}),
      })
      break
    }
    case 'revokeAtBank': {
      const consentId = member(context, step.role).consents[step.bankId]
      await control.call('POST', `/sandbox/banks/${step.bankId}/consents/${consentId}/revoke`)
      break
    }
    case 'withdraw': {
      const { now } = await control.call<{ now: string }>('GET', '/sandbox/clock')
      const effectiveAt = new Date(Date.parse(now) + step.noticeMs).toISOString()
      await control.call('POST', `/sandbox/banks/${step.bankId}/partnership`, {
        status: step.status,
        effectiveAt,
      })
      break
    }
    case 'faults': {
      // `outageForMs` is relative to the simulation clock, so a run never leaves an outage
      // (or a Retry-After) that outlives it.
      const { outageForMs, ...faults } = step.faults
      if (typeof outageForMs === 'number') {
        const { now } = await control.call<{ now: string }>('GET', '/sandbox/clock')
        faults.outageUntil = new Date(Date.parse(now) + outageForMs).toISOString()
      }
      await control.call('PUT', `/sandbox/banks/${step.bankId}/faults`, faults)
      break
    }
    case 'clearFaults':
      await control.call('DELETE', `/sandbox/banks/${step.bankId}/faults`)
      break
    case 'rotateSecret':
      await control.call('POST', `/sandbox/banks/${step.bankId}/webhook-secret/rotate`)
      break
    case 'advance':
      for (let left = step.ms; left > 0; left -= MAX_CLOCK_MOVE_MS) {
        await control.call('POST', '/sandbox/clock', { advanceMs: Math.min(left, MAX_CLOCK_MOVE_MS) })
        await context.target.settle()
      }
      break
    case 'redeliver': {
      const deliveries = await control.deliveries()
      const latest = deliveries.filter((d) => d.type === step.type && d.attempts.length > 0).at(-1)
      if (!latest) throw new Error(`No ${step.type} delivery to send again.`)
      for (let i = 0; i < step.times; i++)
        await control.call('POST', `/sandbox/webhooks/${latest.id}/redeliver`)
      break
    }
    case 'forgeWebhook':
      await forgeWebhook(context, step)
      break
    case 'forgeCallback':
      await forgeCallback(context, step)
      break
    case 'mixUpCallback':
      await mixUpCallback(context, step)
      break
    case 'completeCallback':
      await completeCallback(context, step)
      break
    case 'awaitThread': {
      // A wait, not an action: the reaction budget still counts from the step before.
      const userId = member(context, step.role).platformUserId
      await within(context, async () => {
        const { owner } = await control.call<{ owner: string }>(
          'GET',
          `/sandbox/platform/users/${userId}/conversation`,
        )
        return owner === step.owner ? true : undefined
      })
      return
    }
  }
  context.lastActionWallMs = Date.now()
  await context.target.settle()
}

/** Casts every role and links what the scenario says is linked, through the chat, as a user would. */
export async function setUp(context: RunContext): Promise<void> {
  const { control } = context.target
  for (const person of context.scenario.people) {
    const claimed = await control.claim(person.banks, person.notAt)
    context.cast.set(person.role, { ...claimed, role: person.role, consents: {} })
  }
  for (const person of context.scenario.people) {
    const cast = member(context, person.role)
    for (const bankId of person.linked) {
      await control.say(cast.platformUserId, `link ${bankId}`)
      context.lastActionWallMs = Date.now()
      await context.target.settle()
      const customerId = cast.banks[bankId]?.customerId ?? ''
      // The link completes when the user has tapped it and the integration's callback took
      // it (2xx/3xx): give the integration its budget for both.
      const tap = await within(context, async () => {
        const taps = await control.taps(cast.platformUserId)
        return taps.find((t) => t.bankId === bankId && t.outcome !== 'pending')
      })
      const active = (await control.consents(bankId, customerId)).find((c) => c.id === tap?.consentId)
      if (tap?.outcome !== 'linked' || active?.status !== 'active')
        throw new SetupError(
          `Could not link ${person.role} at ${bankId} through the chat ("link ${bankId}"): ${linkOutcome(tap)}.`,
        )
      cast.consents[bankId] = active.id
    }
  }
}

export class SetupError extends Error {}

function linkOutcome(tap: LinkTap | undefined): string {
  if (!tap) return 'no authorize link reached the user, or the tap did not finish in time'
  if (tap.outcome === 'callback_failed')
    return `the integration's callback answered ${tap.status ?? tap.callbackError ?? 'nothing'}`
  return `the link ended ${tap.outcome}${tap.error ? ` (${tap.error})` : ''}`
}
