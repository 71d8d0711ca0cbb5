import { type Expectation, Scenario, type ScenarioInput, type Step } from './schema.ts'

// A small typed builder so scenarios read as a script:
//   scenario('consent-revoked', {...}).person('ana', { banks: ['harbor'], linked: ['harbor'] })
//     .say('ana', 'balance').mark('revoked').revokeAtBank('ana', 'harbor').expect({...}).build()

type Meta = Pick<ScenarioInput, 'title' | 'summary' | 'catches'> & {
  seed?: number
  platformPolicy?: 'open' | 'window'
}
type PersonInput = ScenarioInput['people'][number]
type ExpectationInput = ScenarioInput['expectations'][number]

export const MINUTE = 60_000
export const DAY = 86_400_000

export function scenario(name: string, meta: Meta) {
  const input: ScenarioInput = { name, ...meta, people: [], steps: [], expectations: [] }
  const step = (s: z_StepInput) => {
    input.steps.push(s)
    return builder
  }
  const builder = {
    person(role: string, person: Omit<PersonInput, 'role'>) {
      input.people.push({ role, ...person })
      return builder
    },
    mark: (name: string) => step({ kind: 'mark', name }),
    say: (role: string, text: string) => step({ kind: 'say', role, text }),
    spend: (
      role: string,
      bankId: string,
      charge: {
        amount: number
        count?: number
        spreadMs?: number
        mcc?: string
        merchant?: string
        channel?: 'in_store' | 'online' | 'platform'
      },
    ) => step({ kind: 'spend', role, bankId, ...charge }),
    tap: (role: string, title: string) => step({ kind: 'tap', role, title }),
    revokeAtBank: (role: string, bankId: string) => step({ kind: 'revokeAtBank', role, bankId }),
    withdraw: (bankId: string, status: 'terminating' | 'terminated', noticeMs = 0) =>
      step({ kind: 'withdraw', bankId, status, noticeMs }),
    faults: (bankId: string, faults: Record<string, unknown>) => step({ kind: 'faults', bankId, faults }),
    clearFaults: (bankId: string) => step({ kind: 'clearFaults', bankId }),
    rotateSecret: (bankId: string) => step({ kind: 'rotateSecret', bankId }),
    advance: (ms: number) => step({ kind: 'advance', ms }),
    redeliver: (type: string, times: number) => step({ kind: 'redeliver', type, times }),
    forgeWebhook: (
      role: string,
      bankId: string,
      type: string,
      forgery: 'bad-signature' | 'stale-timestamp' | 'unsigned',
    ) => step({ kind: 'forgeWebhook', role, bankId, type, forgery }),
    forgeCallback: (role: string, bankId: string) => step({ kind: 'forgeCallback', role, bankId }),
    mixUpCallback: (role: string, bankId: string) => step({ kind: 'mixUpCallback', role, bankId }),
    completeCallback: (role: string, bankId: string) => step({ kind: 'completeCallback', role, bankId }),
    awaitThread: (role: string, owner: 'inbox' | 'integration') => step({ kind: 'awaitThread', role, owner }),
    expect(expectation: ExpectationInput) {
      input.expectations.push(expectation)
      return builder
    },
    /** Validates: a malformed scenario fails here, at definition, not halfway through a run. */
    build(): Scenario {
      return Scenario.parse(input)
    },
  }
  return builder
}

type z_StepInput = ScenarioInput['steps'][number]

export type { Expectation, Step }
