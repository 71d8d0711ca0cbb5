import fc from 'fast-check'
import type { ScenarioInput } from '../schema.ts'
import type { Model } from './model.ts'

// What every fuzz action is made of: its shape, the cast it draws from, and the window its
// invariants look in. The actions themselves live in actions.ts (chat and plain-OAuth
// banks), summit-actions.ts (the FAPI bank) and fault-actions.ts (faults and secrets).

export type StepInput = ScenarioInput['steps'][number]
export type ExpectationInput = ScenarioInput['expectations'][number]

/** Where an action's invariants look: from its own mark to the next action's (`NEXT`). */
export const NEXT = '__next__'

export interface Played {
  steps: StepInput[]
  expect: ExpectationInput[]
}

export interface FuzzAction<P = unknown> {
  name: string
  /** How often it is drawn, relative to the others (default 1). */
  weight?: number
  params: fc.Arbitrary<P>
  /** Plays against the model (which it updates); undefined when it cannot happen now. */
  play(model: Model, params: P, id: (what: string) => string, at: string): Played | undefined
}

export const ROLES = ['ana', 'ben', 'cara', 'dan', 'eve'] as const
export const role = fc.constantFrom(...ROLES)
export const window = (at: string) => ({ after: at, before: NEXT })

export function action<P>(a: FuzzAction<P>): FuzzAction {
  return a as FuzzAction
}
