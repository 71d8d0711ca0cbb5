import { matchState, STATES, type StateKey } from '../vocabulary.ts'
import type { VerificationSandbox } from './harness.ts'
import { type Params, STATE_HANDLERS } from './states.ts'

// From a pact's provider-state name (and V3/V4 params) to the handler that sets it up.

/**
 * The template a state name belongs to, with its parameters (the pact's `params` win).
 * A pact may also quote the template, optional brackets and all.
 */
export function findState(name: string, pactParams: Record<string, unknown> = {}) {
  const unbracketed = name.replace(/[[\]]/g, '')
  for (const key of Object.keys(STATES) as StateKey[]) {
    const fromName = matchState(key, unbracketed)
    if (fromName) return { key, params: { ...fromName, ...stringParams(pactParams) } }
  }
  return null
}

export class UnknownStateError extends Error {
  constructor(name: string) {
    super(
      `Unknown provider state "${name}". Known states (contracts/STATES.md):\n${Object.values(STATES)
        .map((template) => `  - ${template}`)
        .join('\n')}`,
    )
  }
}

/** Sets up one provider state; answers the values `fromProviderState` may use. */
export async function setUpState(
  sandbox: VerificationSandbox,
  name: string,
  pactParams: Record<string, unknown> = {},
): Promise<Record<string, string>> {
  // The core asks for an empty state before an interaction that has none: nothing to do.
  if (name === '') return { ...sandbox.context }
  const found = findState(name, pactParams)
  if (!found) throw new UnknownStateError(name)
  await STATE_HANDLERS[found.key](sandbox, found.params)
  return { ...sandbox.context }
}

/** V3 `params` may be any JSON; states take strings (a list of scopes becomes "a b c"). */
function stringParams(params: Record<string, unknown>): Params {
  const out: Params = {}
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue
    out[key] = Array.isArray(value) ? value.join(' ') : String(value)
  }
  return out
}
