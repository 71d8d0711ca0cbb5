import fc from 'fast-check'
import { action, type ExpectationInput, type FuzzAction, window } from './action-kit.ts'
import { served } from './model.ts'

// The bank misbehaving and its secrets changing, interleaved with everything else: a
// webhook secret rotation (every later delivery must still verify), a rate limit (every
// question still answered), and a fault cleared. A bank that had a fault stays "troubled"
// in the model after the clearing: Retry-After is wall time, so a correct integration may
// still be backing off when the next action starts.

const bankId = fc.constantFrom('harbor', 'meridian')

export const FAULT_ACTIONS: readonly FuzzAction[] = [
  action({
    name: 'rotate-secret',
    params: fc.record({ bankId: fc.constantFrom('harbor', 'meridian', 'summit') }),
    play(model, { bankId }) {
      if (!model.banks[bankId]) return undefined
      // What it makes checkable comes later: a burst's alert must still be heard (its
      // delivery signed with the new secret and the previous one), and acknowledged in time.
      return { steps: [{ kind: 'rotateSecret', bankId }], expect: [] }
    },
  }),
  action({
    name: 'rate-limit',
    params: fc.record({ bankId }),
    play(model, { bankId }, id, at) {
      const bank = model.banks[bankId]
      const asker = Object.entries(model.people).find(([r, p]) => p.bank === bankId && served(model, r))?.[0]
      if (!bank || !asker || bank.partnership !== 'active') return undefined
      bank.troubled = true
      const expect: ExpectationInput[] = [
        {
          kind: 'messages',
          id: id('answered-when-limited'),
          says: 'Under a rate limit every question is still answered',
          role: asker,
          ...window(at),
          min: 2,
        },
      ]
      return {
        steps: [
          { kind: 'faults', bankId, faults: { rateLimit: 1 } },
          { kind: 'say', role: asker, text: 'balance' },
          { kind: 'say', role: asker, text: 'spending' },
        ],
        expect,
      }
    },
  }),
  action({
    name: 'clear-faults',
    params: fc.record({ bankId }),
    play(model, { bankId }) {
      if (!model.banks[bankId]?.troubled) return undefined
      return { steps: [{ kind: 'clearFaults', bankId }], expect: [] }
    },
  }),
]
