import type { SandboxState } from '../store/state.ts'
import type { DeliveryAttempt } from '../webhooks/deliver.ts'
import type { Answered } from './schema.ts'

// What a call may have answered: every moment a user message or a bank webhook reached
// the integration for one customer. A call answers the nearest such moment before it
// within the reaction budget, counted on both clocks: the wall clock catches background
// work while the simulation clock stands still, and the simulation clock catches work
// done after a jump of hours or days, which takes no wall time at all in a scripted run.
//
// Time alone cannot tell cause from effect: an unprompted `DELETE /v1/consent` and the
// `consent.revoked` it produced share a millisecond. So a webhook knows the integration
// call that caused it (call-cause.ts), and never counts for that call or any call that
// arrived after the one that caused it. Order is otherwise "at or before" on both clocks:
// timestamps are whole milliseconds, and a reaction to a delivery can arrive within the
// millisecond its attempt was stamped in.

/** The reaction budget the evidence assumes unless told otherwise: the scenario runner's default. */
export const DEFAULT_REACTION_MS = 5_000
/** The least and the most reaction budget a caller may ask for (`--reaction-ms`, `?reactionMs=`). */
export const REACTION_MS_BOUNDS = { min: 100, max: 120_000 } as const

export interface Trigger {
  wallMs: number
  simMs: number
  /** When the integration call that caused it arrived; absent when none did. */
  causedByCallAtMs?: number
  answered: (afterMs: number) => Exclude<Answered, { kind: 'nothing' }>
}

export interface TriggerScope {
  /** The customer's platform user, whose typed messages count. */
  userId: string | null
  /** Order keys of the webhooks that concern the customer: each of their consents, and the bank's partnership. */
  orderKeys: ReadonlySet<string>
}

/** Every delivery attempt of the customer's messages and webhooks, oldest first by wall clock. */
export function triggersFor(state: SandboxState, scope: TriggerScope): Trigger[] {
  const triggers: Trigger[] = []
  const moment = (attempt: DeliveryAttempt, fallbackSim: string) => ({
    wallMs: Date.parse(attempt.at),
    simMs: Date.parse(attempt.simulatedAt ?? fallbackSim),
  })
  for (const line of scope.userId === null ? [] : (state.chats.get(scope.userId) ?? [])) {
    if (line.direction !== 'from_user') continue
    for (const attempt of state.inbound.get(line.mid)?.attempts ?? []) {
      const at = moment(attempt, line.at)
      triggers.push({
        ...at,
        answered: (afterMs) => ({
          kind: 'user_message',
          mid: line.mid,
          text: line.text,
          at: line.at,
          afterMs,
        }),
      })
    }
  }
  for (const delivery of state.deliveries.values()) {
    if (!scope.orderKeys.has(delivery.orderKey)) continue
    for (const attempt of delivery.attempts) {
      const at = moment(attempt, delivery.createdAt)
      triggers.push({
        ...at,
        ...(delivery.causedByCallAtMs === undefined ? {} : { causedByCallAtMs: delivery.causedByCallAtMs }),
        answered: (afterMs) => ({
          kind: 'webhook',
          id: delivery.id,
          type: delivery.type,
          at: attempt.simulatedAt ?? delivery.createdAt,
          afterMs,
        }),
      })
    }
  }
  return triggers.sort((a, b) => a.wallMs - b.wallMs)
}

/** The latest trigger at or before the call, within the budget on both clocks, that no call from then on caused; else nothing. */
export function answeredBy(
  triggers: readonly Trigger[],
  call: { wallMs: number; simMs: number },
  reactionMs: number,
): Answered {
  for (let i = triggers.length - 1; i >= 0; i--) {
    const trigger = triggers[i] as Trigger
    if (trigger.wallMs > call.wallMs) continue
    if (call.wallMs - trigger.wallMs > reactionMs) break
    if (trigger.causedByCallAtMs !== undefined && trigger.causedByCallAtMs >= call.wallMs) continue
    if (trigger.simMs > call.simMs) continue
    if (call.simMs - trigger.simMs <= reactionMs) return trigger.answered(call.wallMs - trigger.wallMs)
  }
  return { kind: 'nothing' }
}
