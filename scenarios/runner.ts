import type { RunContext } from './context.ts'
import { takeMark } from './context.ts'
import { evaluate, type Verdict } from './expectations.ts'
import { observe } from './observations.ts'
import type { Scenario } from './schema.ts'
import { runStep, SetupError, setUp } from './steps.ts'
import type { Target } from './target.ts'

export interface ScenarioResult {
  scenario: string
  title: string
  integration: string
  passed: boolean
  durationMs: number
  verdicts: Verdict[]
  /** Set when the run could not finish (setup failed, the sandbox refused a step). */
  error?: string
}

export interface RunHooks {
  onVerdict?: (verdict: Verdict) => void
}

/** Runs one scenario against a target: set up, play the timeline, then judge. */
export async function runScenario(
  scenario: Scenario,
  target: Target,
  hooks: RunHooks = {},
): Promise<ScenarioResult> {
  const started = performance.now()
  const result = (passed: boolean, verdicts: Verdict[], error?: string): ScenarioResult => ({
    scenario: scenario.name,
    title: scenario.title,
    integration: target.label,
    passed,
    durationMs: Math.round(performance.now() - started),
    verdicts,
    ...(error === undefined ? {} : { error }),
  })
  const context: RunContext = {
    scenario,
    target,
    cast: new Map(),
    marks: new Map(),
    forgeries: [],
    credentials: await target.control.credentials(),
  }
  // Simulation time stands still unless a step moves it; the sandbox's own mode comes back after.
  const { mode } = await target.control.call<{ mode: string }>('GET', '/sandbox/clock')
  try {
    await target.control.call('POST', '/sandbox/clock', { mode: 'frozen' })
    await setUp(context)
    context.marks.set('start', await takeMark(context))
    for (const step of scenario.steps) await runStep(context, step)
    const seen = await observe(context)
    const verdicts: Verdict[] = []
    for (const expectation of scenario.expectations) {
      const verdict = await evaluate(context, seen, expectation)
      verdicts.push(verdict)
      hooks.onVerdict?.(verdict)
    }
    return result(
      verdicts.every((v) => v.passed),
      verdicts,
    )
  } catch (error) {
    const why =
      error instanceof SetupError
        ? `Setup failed: ${error.message}`
        : `The run stopped: ${(error as Error).message}`
    return result(false, [], why)
  } finally {
    await target.control.call('POST', '/sandbox/clock', { mode }).catch(() => undefined)
  }
}

/** Runs scenarios one after another on a shared target (an external integration). */
export async function runSerially(
  scenarios: readonly Scenario[],
  target: Target,
  hooks: RunHooks = {},
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = []
  for (const scenario of scenarios) results.push(await runScenario(scenario, target, hooks))
  return results
}
