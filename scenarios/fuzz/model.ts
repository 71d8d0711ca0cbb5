import { DAY } from '../builder.ts'
import type { ScenarioInput } from '../schema.ts'

// What a fuzz run believes the world to be after each action: who is linked where, which
// banks are withdrawing or failing, where the clock is. Actions read it to decide whether
// they can happen and which invariants they instantiate, so a shrunk sequence (an action
// removed) is re-read from scratch and never asks for something that cannot happen.

export const CONSENT_LIFETIME_MS = 365 * DAY
export const EXPIRY_NOTICE_MS = 7 * DAY

export interface PersonModel {
  bank: string
  /** Linked in the setup: the runner judges per-person calls under this first consent. */
  linkedAtSetup: boolean
  linked: boolean
  linkedAtMs: number
  warned: boolean
  /** The setup consent ended (revoked, disconnected or expired): no call under it after. */
  firstEnded: boolean
  /** Some consent of theirs at the bank ended: money from it must not be shown again. */
  anyEnded: boolean
  /**
   * Linked again after a consent ended: money then shown under the new consent is not told
   * apart from the old one's by the evidence, so "nothing shown after the end" is not judged.
   */
  relinked: boolean
  /**
   * The expiry notice reached them: a correct integration may renew through the warning's
   * link (the simulated user taps it), so which consent is live is no longer known here.
   */
  uncertain: boolean
  openAlert: boolean
  /** An alert on their card is open at the bank, heard or not (raised before a link, or under an ended consent). */
  alertAtBank: boolean
  cardFrozen: boolean
}

export interface BankModel {
  partnership: 'active' | 'terminating' | 'terminated'
  effectiveAtMs: number
  /** An outage was injected: answers may be refusals until the run ends (Retry-After is wall time). */
  troubled: boolean
}

export interface Model {
  nowMs: number
  people: Record<string, PersonModel>
  banks: Record<string, BankModel>
  forgeries: number
  /** Some step made the bank send a webhook: "every delivery acknowledged in time" has something to judge. */
  webhooks: boolean
  /** Some fraud.alert.created reached the integration: there is one to send again. */
  alertCreatedDelivered: boolean
  /** Banks whose termination took effect during the latest action: no call from the next one on. */
  justTerminated: string[]
}

/** The fuzz cast: two linked harbor users, a linked meridian user, and a harbor and a summit user not linked yet. */
export const FUZZ_PEOPLE: ScenarioInput['people'] = [
  { role: 'ana', banks: ['harbor'], linked: ['harbor'] },
  { role: 'ben', banks: ['harbor'], linked: ['harbor'] },
  { role: 'cara', banks: ['meridian'], notAt: ['harbor'], linked: ['meridian'] },
  { role: 'eve', banks: ['harbor'] },
  // Summit speaks only FAPI 2.0: PAR, PKCE, private_key_jwt, DPoP. Linked by a step, never in the setup.
  { role: 'dan', banks: ['summit'] },
]

/** `summit: false` leaves the FAPI bank out: dan is never linked, summit's actions never play. */
export function initialModel({ summit = true }: { summit?: boolean } = {}): Model {
  const people: Record<string, PersonModel> = {}
  for (const person of FUZZ_PEOPLE) {
    const bank = person.banks[0] ?? 'harbor'
    const linked = (person.linked ?? []).includes(bank)
    people[person.role] = {
      bank,
      linkedAtSetup: linked,
      linked,
      linkedAtMs: 0,
      warned: false,
      firstEnded: false,
      anyEnded: false,
      relinked: false,
      uncertain: false,
      openAlert: false,
      alertAtBank: false,
      cardFrozen: false,
    }
  }
  const bank = (): BankModel => ({ partnership: 'active', effectiveAtMs: 0, troubled: false })
  return {
    nowMs: 0,
    people,
    banks: { harbor: bank(), meridian: bank(), ...(summit ? { summit: bank() } : {}) },
    forgeries: 0,
    webhooks: false,
    alertCreatedDelivered: false,
    justTerminated: [],
  }
}

/** The bank serves this person's data now: linked, partnership in force, no injected failure. */
export function served(model: Model, role: string): boolean {
  const person = model.people[role]
  const bank = person && model.banks[person.bank]
  return (
    !!person &&
    !!bank &&
    person.linked &&
    !person.uncertain &&
    bank.partnership !== 'terminated' &&
    !bank.troubled
  )
}

export function clone(model: Model): Model {
  return structuredClone(model)
}
