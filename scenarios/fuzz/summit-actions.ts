import fc from 'fast-check'
import { MINUTE } from '../builder.ts'
import { action, type ExpectationInput, type FuzzAction, window } from './action-kit.ts'
import { advanceModel } from './advance-model.ts'
import { type Model, served } from './model.ts'

// Summit, the FAPI 2.0 bank, as composable actions in the style of the fapi-* scenarios:
// a mix-up attack on a link, the DPoP nonce moving on, and a proof someone else used
// first. Linking summit and asking for its balance are the ordinary `link` and `ask`
// (dan banks at summit); these add what only a FAPI bank can do to a client.

const FAPI_ROLE = 'dan'
const FAPI_BANK = 'summit'

function balanceShown(
  model: Model,
  id: (what: string) => string,
  at: string,
  says: string,
): ExpectationInput[] {
  const expect: ExpectationInput[] = [
    {
      kind: 'messages',
      id: id('answered'),
      says: 'Every user message gets an answer',
      role: FAPI_ROLE,
      ...window(at),
      min: 1,
    },
  ]
  if (served(model, FAPI_ROLE))
    expect.push({
      kind: 'messages',
      id: id('balance-shown'),
      says,
      role: FAPI_ROLE,
      ...window(at),
      money: true,
    })
  return expect
}

export const SUMMIT_ACTIONS: readonly FuzzAction[] = [
  action({
    name: 'mix-up',
    params: fc.constant({}),
    play(model, _params, id, at) {
      const person = model.people[FAPI_ROLE]
      const bank = model.banks[FAPI_BANK]
      if (!person || !bank || person.linked || person.uncertain || bank.partnership !== 'active')
        return undefined
      model.forgeries++
      Object.assign(person, {
        linked: true,
        linkedAtMs: model.nowMs,
        warned: false,
        relinked: person.anyEnded,
      })
      const genuine = `${at}-genuine`
      return {
        steps: [
          { kind: 'mixUpCallback', role: FAPI_ROLE, bankId: FAPI_BANK },
          { kind: 'mark', name: genuine },
          { kind: 'completeCallback', role: FAPI_ROLE, bankId: FAPI_BANK },
        ],
        expect: [
          {
            kind: 'calls',
            id: id('forged-code-not-redeemed'),
            says: 'No code is redeemed from an authorization answer with a wrong or missing iss',
            bankId: FAPI_BANK,
            after: at,
            before: genuine,
            route: '/banks/:bankId/oauth/token',
            max: 0,
          },
        ],
      }
    },
  }),
  action({
    name: 'nonce-moves',
    params: fc.constant({}),
    play(model, _params, id, at) {
      if (!served(model, FAPI_ROLE)) return undefined
      // Past the nonce's lifetime: the next proof with the old nonce is answered use_dpop_nonce.
      const expect = advanceModel(model, 10 * MINUTE, id, at)
      expect.push(
        ...balanceShown(
          model,
          id,
          at,
          'After summit’s DPoP nonce moved on, the challenge is followed and the balance shown',
        ),
      )
      return {
        steps: [
          { kind: 'advance', ms: 10 * MINUTE },
          { kind: 'say', role: FAPI_ROLE, text: 'balance' },
        ],
        expect,
      }
    },
  }),
  action({
    name: 'proof-taken',
    params: fc.constant({}),
    play(model, _params, id, at) {
      if (!served(model, FAPI_ROLE)) return undefined
      return {
        steps: [
          { kind: 'faults', bankId: FAPI_BANK, faults: { dpopProofTaken: true } },
          { kind: 'say', role: FAPI_ROLE, text: 'balance' },
        ],
        expect: balanceShown(
          model,
          id,
          at,
          'After summit refused a proof as already used, a fresh proof still gets the balance',
        ),
      }
    },
  }),
]
