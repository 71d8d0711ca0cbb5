import { stepWords } from '../after-death.ts'
import { Scenario, type ScenarioInput } from '../schema.ts'
import { NEXT } from './action-kit.ts'
import { FUZZ_ACTIONS } from './actions.ts'
import { clone, FUZZ_PEOPLE, initialModel } from './model.ts'

// A drawn sequence of actions becomes an ordinary scenario: each action that can happen
// opens with a mark, plays its steps and instantiates its invariants between its mark and
// the next; the invariants of the whole run close it. So a violation is a scenario file
// that `scenario run` replays.

export interface Draw {
  action: string
  params: unknown
}

type ExpectationInput = ScenarioInput['expectations'][number]

export function composeScenario(
  draws: readonly Draw[],
  name = 'fuzz-run',
  options: { summit?: boolean } = {},
): Scenario {
  let model = initialModel(options)
  const steps: ScenarioInput['steps'] = []
  const expectations: ExpectationInput[] = []
  let open: ExpectationInput[] = []
  const pendingTerminated: string[] = []
  let n = 0
  for (const draw of draws) {
    const action = FUZZ_ACTIONS.find((a) => a.name === draw.action)
    if (!action) continue
    const at = `s${n + 1}`
    const trial = clone(model)
    trial.justTerminated = []
    const played = action.play(trial, draw.params, (what) => `${at}-${what}`, at)
    if (!played) continue
    n++
    model = trial
    // The previous action's windows end here.
    expectations.push(...open.map((e) => close(e, at)))
    open = []
    steps.push({ kind: 'mark', name: at }, ...played.steps)
    for (const bankId of pendingTerminated.splice(0))
      open.push({
        kind: 'calls',
        id: `${at}-${bankId}-no-calls`,
        says: `No call to ${bankId} once its withdrawal took effect`,
        bankId,
        after: at,
        max: 0,
      })
    pendingTerminated.push(...model.justTerminated)
    open.push(...played.expect)
  }
  expectations.push(...open.map((e) => close(e, undefined)))
  if (model.webhooks)
    expectations.push({
      kind: 'acksInTime',
      id: 'acks-in-time',
      says: 'Every webhook delivery is acknowledged with a 2xx within 2 s',
      withinMs: 2000,
    })
  expectations.push(
    { kind: 'noCardNumbers', id: 'no-card-number', says: 'No message carries a full card number' },
    Object.values(model.people).some((p) => p.relinked || p.uncertain)
      ? {
          kind: 'evidence',
          id: 'evidence-holds',
          says: 'Calls only answer a user or a webhook; nothing withheld is taken',
          checks: ['only-on-request', 'no-withheld-records'],
        }
      : {
          kind: 'evidence',
          id: 'evidence-holds',
          says: 'Calls only answer a user or a webhook; nothing withheld is taken; nothing is shown after a consent ended',
        },
  )
  if (model.forgeries > 0)
    expectations.push({
      kind: 'forgeriesRefused',
      id: 'forgeries-refused',
      says: 'Every forged request is refused',
    })
  return Scenario.parse({
    name,
    title: 'A fuzzed interleaving',
    summary: `${n} random actions, checked against the invariants every correct integration keeps.`,
    catches: 'whatever breaks where events cross',
    people: FUZZ_PEOPLE,
    steps,
    expectations,
  })
}

function close(expectation: ExpectationInput, next: string | undefined): ExpectationInput {
  if (!('before' in expectation) || expectation.before !== NEXT) return expectation
  const { before: _before, ...rest } = expectation
  return next === undefined ? rest : { ...rest, before: next }
}

/** One numbered line per step of the scenario, as it will be saved. */
export function timeline(scenario: Scenario): string[] {
  return scenario.steps.map((step, index) => `${String(index + 1).padStart(3)}. ${stepWords(step)}`)
}
