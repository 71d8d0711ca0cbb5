import { cleanBankState } from './clean-state.ts'
import { type RunContext, takeMark } from './context.ts'
import { evaluate, type Verdict } from './expectations.ts'
import { observe } from './observations.ts'
import { probeIntegration } from './preflight.ts'
import { awaitReactions } from './reaction.ts'
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
  /** Set when the run could not finish (setup failed, the integration stopped answering…). */
  error?: string
}

export interface RunHooks {
  onVerdict?: (verdict: Verdict) => void
}

/** Runs one scenario against a target: check it answers, clean the banks, set up, play, judge. */
export async function runScenario(
  scenario: Scenario,
  target: Target,
  hooks: RunHooks = {},
): Promise<ScenarioResult> {
  const started = performance.now()
  const result = (verdicts: Verdict[], error?: string): ScenarioResult => {
    for (const verdict of verdicts) hooks.onVerdict?.(verdict)
    return {
      scenario: scenario.name,
      title: scenario.title,
      integration: target.label,
      passed: error === undefined && verdicts.every((v) => v.passed),
      durationMs: Math.round(performance.now() - started),
      verdicts,
      ...(error === undefined ? {} : { error }),
    }
  }
  // Nothing was judged: every expectation says so, with the cause, and the summary counts it.
  const notEvaluated = (cause: string) =>
    result(
      scenario.expectations.map((e) => ({
        id: e.id,
        says: e.says,
        passed: false,
        evaluated: false,
        message: `Not evaluated: ${cause}`,
        evidence: [],
      })),
      cause,
    )

  const unreachable = await probeIntegration(target.integrationUrl)
  if (unreachable) return notEvaluated(unreachable)

  let mode: string | undefined
  try {
    const context: RunContext = {
      scenario,
      target,
      cast: new Map(),
      marks: new Map(),
      forgeries: [],
      credentials: await target.control.credentials(),
      lastActionWallMs: Date.now(),
    }
    mode = (await target.control.call<{ mode: string }>('GET', '/sandbox/clock')).mode
    await cleanBankState(target, Object.keys(context.credentials.banks))
    await setUp(context)
    context.marks.set('start', await takeMark(context))
    for (const step of scenario.steps) {
      if (step.kind === 'mark') await awaitReactions(context, step.name)
      await runStep(context, step)
    }
    await awaitReactions(context, undefined)
    const seen = await observe(context)
    const verdicts: Verdict[] = []
    for (const expectation of scenario.expectations) verdicts.push(await evaluate(context, seen, expectation))
    // A failure may be the integration dying mid-run: say so rather than blame a step.
    const gone = verdicts.every((v) => v.passed) ? undefined : await probeIntegration(target.integrationUrl)
    return result(verdicts, gone && `${gone} It stopped answering during the run.`)
  } catch (error) {
    const gone = await probeIntegration(target.integrationUrl)
    const cause =
      gone ??
      (error instanceof SetupError
        ? `Setup failed: ${error.message}`
        : `The run stopped: ${(error as Error).message}`)
    return notEvaluated(cause)
  } finally {
    // The sandbox's own clock mode comes back after the run.
    if (mode !== undefined)
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
