import fc from 'fast-check'
import { runScenario, type ScenarioResult } from '../runner.ts'
import type { Scenario } from '../schema.ts'
import type { Target } from '../target.ts'
import { FUZZ_ACTIONS } from './actions.ts'
import { composeScenario, type Draw } from './compose.ts'
import { createEventLog } from './event-log.ts'

// Seeded random interleavings, run one sandbox state at a time from a clean start, each
// judged against the invariants its actions instantiate (actions.ts). The runs are drawn
// with fast-check: the first failing one is replayed by its seed and path and shrunk to the
// fewest actions that still fail.

export interface FuzzOptions {
  seed: number
  runs: number
  /** Wall time for finding a violation; shrinking one gets at most 30 s more. */
  budgetMs: number
  minActions?: number
  maxActions?: number
  /** Runs at once: several for built-in integrations (a sandbox each), one for an external one. */
  concurrency: number
  /** False for an integration that does not link summit (the FAPI bank): its actions are left out. */
  summit?: boolean
  /** A fresh, clean target for one run (built-ins: a new sandbox; external: the shared one, cleaned). */
  target(): Promise<{ target: Target; release(): Promise<void> }>
  onProgress?(event: FuzzProgress): void
}

export type FuzzProgress =
  | { kind: 'run'; done: number; total: number; failed: boolean }
  | { kind: 'shrink'; attempts: number; steps: number }

export interface FuzzOutcome {
  seed: number
  /** Runs played in the search (shrink attempts not counted). */
  runs: number
  durationMs: number
  eventLogHash: string
  /** The first violation, shrunk: its scenario and how it failed. */
  violation?: {
    scenario: Scenario
    result: ScenarioResult
    foundAtRun: number
    /** Wall time from the start until the violating run had been judged. */
    foundAfterMs: number
    shrinkAttempts: number
  }
  /** True when the budget ran out before every run was played. */
  budgetExhausted: boolean
  /** Every run of the search, in order (up to the violating one). */
  results: ScenarioResult[]
}

/** Sequences of actions; built from records and constants only, so fast-check can shrink any sequence it is given. */
const SHRINK_MS = 30_000

export function drawArbitrary(minActions = 12, maxActions = 24): fc.Arbitrary<Draw[]> {
  const draw = fc.oneof(
    ...FUZZ_ACTIONS.map((a) => ({
      arbitrary: fc.record({ action: fc.constant(a.name), params: a.params }),
      weight: a.weight ?? 1,
    })),
  )
  return fc.array(draw, { minLength: minActions, maxLength: maxActions })
}

export async function fuzz(options: FuzzOptions): Promise<FuzzOutcome> {
  const started = Date.now()
  const arbitrary = drawArbitrary(options.minActions, options.maxActions)
  const draws = fc.sample(arbitrary, { seed: options.seed, numRuns: options.runs })
  const log = createEventLog()
  const compose = (draw: readonly Draw[], name: string) =>
    composeScenario(draw, name, { summit: options.summit ?? true })
  const play = async (scenario: Scenario) => {
    const { target, release } = await options.target()
    try {
      return await runScenario(scenario, target)
    } finally {
      await release()
    }
  }

  // The search: runs in order, a few at once; the lowest failing index is the violation.
  const results: (ScenarioResult | undefined)[] = new Array(draws.length)
  let next = 0
  let done = 0
  let failedAt = Number.POSITIVE_INFINITY
  const deadline = started + options.budgetMs
  const worker = async () => {
    while (next < draws.length && next < failedAt && Date.now() < deadline) {
      const index = next++
      const result = await play(compose(draws[index] ?? [], `fuzz-${options.seed}-${index + 1}`))
      results[index] = result
      done++
      if (!result.passed) failedAt = Math.min(failedAt, index)
      options.onProgress?.({ kind: 'run', done, total: draws.length, failed: !result.passed })
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker))
  const played = results.slice(0, Number.isFinite(failedAt) ? failedAt + 1 : results.length)
  for (const [index, result] of played.entries())
    if (result) log.add(compose(draws[index] ?? [], `fuzz-${options.seed}-${index + 1}`), result)
  const playedResults = played.filter((r): r is ScenarioResult => r !== undefined)
  const runs = playedResults.length
  const budgetExhausted = !Number.isFinite(failedAt) && runs < draws.length

  if (!Number.isFinite(failedAt))
    return {
      seed: options.seed,
      runs,
      durationMs: Date.now() - started,
      eventLogHash: log.hash(),
      budgetExhausted,
      results: playedResults,
    }

  const foundAfterMs = Date.now() - started
  // The shrink: fast-check takes the failing sequence as an example and tries shorter ones.
  const shrinkDeadline = Date.now() + SHRINK_MS
  let attempts = 0
  let smallest: { scenario: Scenario; result: ScenarioResult } = {
    scenario: compose(draws[failedAt] ?? [], 'fuzz-failure'),
    result: results[failedAt] as ScenarioResult,
  }
  await fc.check(
    fc.asyncProperty(drawArbitrary(0, options.maxActions), async (candidate) => {
      const scenario = compose(candidate, 'fuzz-failure')
      if (Date.now() > shrinkDeadline) return true
      // Longer than what already fails: worth nothing to run.
      if (attempts > 0 && scenario.steps.length > smallest.scenario.steps.length) return true
      attempts++
      const result = await play(scenario)
      options.onProgress?.({ kind: 'shrink', attempts, steps: scenario.steps.length })
      if (!result.passed && scenario.steps.length <= smallest.scenario.steps.length)
        smallest = { scenario, result }
      return result.passed
    }),
    { seed: options.seed, examples: [[draws[failedAt] ?? []]], numRuns: 1 },
  )
  log.add(smallest.scenario, smallest.result)
  return {
    seed: options.seed,
    runs,
    durationMs: Date.now() - started,
    eventLogHash: log.hash(),
    violation: { ...smallest, foundAtRun: failedAt + 1, foundAfterMs, shrinkAttempts: attempts },
    budgetExhausted: false,
    results: playedResults,
  }
}
