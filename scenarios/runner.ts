import { judgeAfterDeath, notEvaluated, stepWords } from './after-death.ts'
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
  const nothingJudged = (cause: string) =>
    result(
      scenario.expectations.map((e) => notEvaluated(e, cause)),
      cause,
    )

  const unreachable = await probeIntegration(target.integrationUrl)
  if (unreachable) return nothingJudged(unreachable)

  // The integration is probed after every step: the last moment it answered bounds what
  // can be judged if it dies (after-death.ts).
  let lastSeen = { wallMs: Date.now(), where: 'the preflight' }
  const probe = async (where: string) => {
    const wallMs = Date.now()
    const gone = await probeIntegration(target.integrationUrl)
    if (!gone) lastSeen = { wallMs, where }
    return gone
  }
  let context: RunContext | undefined
  const judge = async (live: RunContext, gone: string | undefined) => {
    const seen = await observe(live)
    if (gone === undefined) {
      const verdicts: Verdict[] = []
      for (const expectation of scenario.expectations) verdicts.push(await evaluate(live, seen, expectation))
      return result(verdicts)
    }
    const where = `after ${lastSeen.where}`
    const verdicts = await judgeAfterDeath(live, seen, { cause: gone, aliveWallMs: lastSeen.wallMs, where })
    return result(verdicts, `${gone} It stopped answering during the run, ${where}.`)
  }

  let mode: string | undefined
  let policy: { policy: string; default: string } | undefined
  try {
    context = {
      scenario,
      target,
      cast: new Map(),
      marks: new Map(),
      forgeries: [],
      heldCallbacks: new Map(),
      credentials: await target.control.credentials(),
      lastActionWallMs: Date.now(),
    }
    mode = (await target.control.call<{ mode: string }>('GET', '/sandbox/clock')).mode
    await cleanBankState(target, Object.keys(context.credentials.banks))
    policy = await choosePlatformPolicy(target, scenario)
    await setUp(context)
    context.marks.set('start', await takeMark(context))
    let gone = await probe('the setup')
    const steps = scenario.steps
    for (const [index, step] of steps.entries()) {
      if (gone) break
      if (step.kind === 'mark') await awaitReactions(context, step.name)
      await runStep(context, step)
      gone = await probe(`step ${index + 1} of ${steps.length} (${stepWords(step)})`)
    }
    if (!gone) {
      await awaitReactions(context, undefined)
      gone = await probe('the last step')
    }
    return await judge(context, gone)
  } catch (error) {
    const gone = await probeIntegration(target.integrationUrl)
    // Gone after the timeline started: judge what it did while it answered.
    if (gone && context?.marks.has('start')) {
      const judged = await judge(context, gone).catch(() => undefined)
      if (judged) return judged
    }
    const cause =
      gone ??
      (error instanceof SetupError
        ? `Setup failed: ${error.message}`
        : `The run stopped: ${(error as Error).message}`)
    return nothingJudged(cause)
  } finally {
    // The sandbox's own clock mode comes back after the run.
    if (mode !== undefined)
      await target.control.call('POST', '/sandbox/clock', { mode }).catch(() => undefined)
    // And its messaging policy: a default stays a default.
    if (policy !== undefined)
      await target.control
        .call('PUT', '/sandbox/platform/policy', {
          policy: policy.policy === policy.default ? null : policy.policy,
        })
        .catch(() => undefined)
  }
}

/** The scenario's messaging policy for the run (absent: the sandbox's default); answers the one before. */
async function choosePlatformPolicy(target: Target, scenario: Scenario) {
  const before = await target.control.call<{ policy: string; default: string }>(
    'GET',
    '/sandbox/platform/policy',
  )
  await target.control.call('PUT', '/sandbox/platform/policy', { policy: scenario.platformPolicy ?? null })
  return before
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
