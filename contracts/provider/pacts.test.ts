import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { EVENT_TYPES } from '../../sandbox/bank/events.ts'
import { PACT_DIR, PROVIDERS, STATES, stateName, webhookDescription } from '../vocabulary.ts'
import { webhookTypeOf } from './messages.ts'
import { findState } from './state-lookup.ts'

// Checks over the pacts themselves: the committed ones (contracts/pacts) and the
// handcrafted team examples (contracts/examples), in V2, V3 or V4 shape.

const EXAMPLES_DIR = new URL('../examples/', import.meta.url).pathname

interface PactInteraction {
  description: string
  type?: string
  providerState?: string
  providerStates?: { name: string }[]
  response?: { body?: unknown; matchingRules?: { body?: object } }
}
interface PactFile {
  provider: { name: string }
  interactions?: PactInteraction[]
  messages?: PactInteraction[]
}

function pactsIn(dir: string): { name: string; pact: PactFile }[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => ({ name, pact: JSON.parse(readFileSync(join(dir, name), 'utf8')) as PactFile }))
}
const ALL = [...pactsIn(PACT_DIR), ...pactsIn(EXAMPLES_DIR)]
const interactionsOf = (pact: PactFile) => [...(pact.interactions ?? []), ...(pact.messages ?? [])]
const statesOf = (i: PactInteraction) => [
  ...(i.providerState ? [i.providerState] : []),
  ...(i.providerStates ?? []).map((s) => s.name),
]

describe('provider states in pacts', () => {
  test('every provider-state name used by any pact has a handler', () => {
    const used = ALL.flatMap(({ name, pact }) =>
      interactionsOf(pact).flatMap((i) => statesOf(i).map((state) => ({ pact: name, state }))),
    )
    expect(used.length).toBeGreaterThan(0)
    expect(used.filter(({ state }) => findState(state) === null)).toEqual([])
  })

  test('a filled-in name carries its parameters', () => {
    expect(findState('a linked customer at meridian with scopes alerts balances:read')).toEqual({
      key: 'linkedCustomer',
      params: { bankId: 'meridian', scopes: 'alerts balances:read' },
    })
    expect(findState('the bank is rate limiting')).toEqual({ key: 'rateLimiting', params: {} })
  })

  test('the template itself takes its parameters from the pact, which win', () => {
    const params = { bankId: 'pinecrest', scopes: ['alerts', 'accounts:read'] }
    const expected = {
      key: 'linkedCustomer',
      params: { bankId: 'pinecrest', scopes: 'alerts accounts:read' },
    }
    expect(findState('a linked customer at {bankId} with scopes {scopes}', params)).toEqual(expected)
    expect(findState(STATES.linkedCustomer, params)).toEqual(expected)
    expect(findState('a linked customer at harbor', params)).toEqual(expected)
  })

  test('every template fills back to a name that finds it', () => {
    const params = {
      bankId: 'harbor',
      scopes: 'alerts',
      cardId: 'card_harbor_00000_d',
      outcome: 'fraud',
      count: '5',
    }
    for (const key of Object.keys(STATES) as (keyof typeof STATES)[])
      expect(findState(stateName(key, params))?.key).toBe(key)
    expect(stateName('linkedCustomer')).toBe('a linked customer')
  })

  test('a name outside the vocabulary finds nothing', () => {
    expect(findState('a customer with a pet dragon')).toBeNull()
    expect(findState('a linked customer at')).toBeNull()
  })

  test('contracts/STATES.md documents every template', () => {
    const doc = readFileSync(new URL('../STATES.md', import.meta.url), 'utf8')
    for (const template of Object.values(STATES)) expect(doc).toContain(`\`${template}\``)
  })
})

describe('the committed pacts', () => {
  const committed = pactsIn(PACT_DIR)

  test('there is one per provider the sandbox plays', () => {
    expect(committed.map(({ pact }) => pact.provider.name).sort()).toEqual(Object.values(PROVIDERS).sort())
  })

  test('the webhook pact has a message for every bank webhook type', () => {
    const webhooks = committed.find(({ pact }) => pact.provider.name === PROVIDERS.webhooks)?.pact
    const described = interactionsOf(webhooks ?? { provider: { name: '' } }).map((i) => i.description)
    expect(described.sort()).toEqual(EVENT_TYPES.map(webhookDescription).sort())
    expect(described.map(webhookTypeOf).sort()).toEqual([...EVENT_TYPES].sort())
  })

  test('every JSON response body is matched by rules, not compared literally', () => {
    const literal = committed.flatMap(({ pact }) =>
      interactionsOf(pact)
        .filter((i) => i.response?.body !== undefined && i.response.matchingRules?.body === undefined)
        .map((i) => i.description),
    )
    expect(literal).toEqual([])
  })
})
