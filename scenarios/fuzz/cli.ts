import { randomInt } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { DEFAULT_SANDBOX_URL } from '../../sandbox/cli/defaults.ts'
import type { CliIo } from '../../sandbox/cli/io.ts'
import { parseReactionMs } from '../../sandbox/cli/options.ts'
import { refuseTargetUrl } from '../../sandbox/http/url-guard.ts'
import { builtInNames, integrationTarget } from '../../sandbox/serving/integration-target.ts'
import { UsageError } from '../../sandbox/usage-error.ts'
import { jsonReport, junitReport, textReport } from '../report.ts'
import { scenarioToYaml } from '../scenario-file.ts'
import { DEFAULT_REACTION_MS, type Target } from '../target.ts'
import { timeline } from './compose.ts'
import type { FuzzOutcome } from './fuzz.ts'

// `bank-sandbox fuzz`: exit 0 when no run broke an invariant, 1 on a violation (shrunk,
// printed as a timeline and saved as a scenario file), 2 on a usage error.

export const FUZZ_USAGE = `  bank-sandbox fuzz --integration URL|reference|faulty/<name> [--seed S] [--runs 100] [--budget 60s] [--out DIR]
                    [--report FILE.json|FILE.xml] [--sandbox URL] [--admin-key KEY] [--reaction-ms 5000]
                    [--actions 12-24] [--skip-summit]
`

export async function fuzzCommand(args: string[], io: Pick<CliIo, 'stdout' | 'stderr'>): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      integration: { type: 'string' },
      seed: { type: 'string' },
      runs: { type: 'string' },
      budget: { type: 'string' },
      out: { type: 'string' },
      report: { type: 'string' },
      sandbox: { type: 'string' },
      'admin-key': { type: 'string' },
      'reaction-ms': { type: 'string' },
      world: { type: 'string' },
      'skip-summit': { type: 'boolean' },
      actions: { type: 'string' },
    },
  })
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`)
  const integration = values.integration
  if (!integration)
    throw new UsageError('Name the integration to fuzz: --integration URL, reference or faulty/<name>.')
  const seed = values.seed === undefined ? randomInt(1, 2 ** 31) : integerOption('--seed', values.seed, 0)
  const runs = values.runs === undefined ? 100 : integerOption('--runs', values.runs, 1)
  const budgetMs = parseBudget(values.budget ?? '60s')
  const actions = parseActions(values.actions ?? '12-24')
  const out = values.out ?? 'fuzz-failures'
  if (values.report && !/\.(xml|json)$/.test(values.report))
    throw new UsageError('--report must name a .xml (JUnit) or .json file.')
  const reactionMs = parseReactionMs(values['reaction-ms']) ?? DEFAULT_REACTION_MS
  const named = integrationTarget(integration)
  if (!named)
    throw new UsageError(`Unknown integration "${integration}". Give a URL, or one of: ${builtInNames()}.`)
  const external = 'url' in named
  if (external) {
    const refusal = refuseTargetUrl(integration)
    if (refusal) throw new UsageError(`--integration: ${refusal}`)
  }

  const [{ fuzz }, targets] = await Promise.all([
    import('./fuzz.ts'),
    targetsFor(integration, external, values, reactionMs),
  ])
  const tty = io.stderr.isTTY ?? false
  io.stdout.write(`Fuzzing ${integration}: seed ${seed}, up to ${runs} runs, budget ${budgetMs / 1000} s.\n`)
  let outcome: FuzzOutcome
  try {
    outcome = await fuzz({
      seed,
      runs,
      budgetMs,
      concurrency: external ? 1 : 4,
      summit: !values['skip-summit'],
      minActions: actions.min,
      maxActions: actions.max,
      target: targets.next,
      onProgress: (event) => {
        if (!tty) return
        io.stderr.write(
          event.kind === 'run'
            ? `\r  run ${event.done}/${event.total}${event.failed ? ' ✘ violation, finishing runs in flight…' : ''}   `
            : `\r  shrinking: try ${event.attempts}, ${event.steps} steps                        `,
        )
      },
    })
  } finally {
    if (tty) io.stderr.write('\r\x1b[K')
    await targets.close()
  }

  const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`
  let file: string | undefined
  if (!outcome.violation) {
    io.stdout.write(
      `✔ ${outcome.runs} run${outcome.runs === 1 ? '' : 's'}, no invariant broken (${secs(outcome.durationMs)})` +
        (outcome.budgetExhausted
          ? `; the ${secs(budgetMs)} budget ended the search before run ${runs}`
          : '') +
        `.\nEvent log hash: ${outcome.eventLogHash}\n`,
    )
  } else {
    const { scenario, result, foundAtRun, shrinkAttempts } = outcome.violation
    const named = { ...scenario, name: `fuzz-${seed}-run-${foundAtRun}` }
    file = join(out, `${named.name}.yaml`)
    await mkdir(out, { recursive: true })
    await writeFile(
      file,
      scenarioToYaml(
        named,
        `Found by: bank-sandbox fuzz --integration ${integration} --seed ${seed}\nReplay:   bank-sandbox scenario run ${file} --integration ${integration}`,
      ),
    )
    io.stdout.write(
      `✘ Run ${foundAtRun} broke an invariant; shrunk to ${scenario.steps.length} steps in ${shrinkAttempts} tries (${secs(outcome.durationMs)}):\n`,
    )
    io.stdout.write(`${timeline(scenario).join('\n')}\n`)
    for (const line of textReport([{ ...result, scenario: named.name }], io.stdout.isTTY ?? false).split(
      '\n',
    ))
      if (line.startsWith('    ✘') || line.startsWith('        ') || line.includes('\x1b[31m✘'))
        io.stdout.write(`${line}\n`)
    io.stdout.write(
      `Saved: ${file}\nReplay: bank-sandbox scenario run ${file} --integration ${integration}\n`,
    )
    io.stdout.write(`Event log hash: ${outcome.eventLogHash}\n`)
  }
  if (values.report) {
    const results = [...outcome.results, ...(outcome.violation ? [outcome.violation.result] : [])]
    await mkdir(dirname(values.report), { recursive: true })
    await writeFile(
      values.report,
      values.report.endsWith('.xml')
        ? junitReport(results)
        : `${JSON.stringify(
            {
              passed: !outcome.violation,
              integration,
              seed,
              runs: outcome.runs,
              durationMs: outcome.durationMs,
              eventLogHash: outcome.eventLogHash,
              ...(outcome.violation
                ? {
                    violation: {
                      file,
                      foundAtRun: outcome.violation.foundAtRun,
                      steps: timeline(outcome.violation.scenario).map((line) => line.trim()),
                    },
                  }
                : {}),
              results: JSON.parse(jsonReport(results)).results,
            },
            null,
            2,
          )}\n`,
    )
  }
  return outcome.violation ? 1 : 0
}

function integerOption(name: string, text: string, min: number): number {
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < min)
    throw new UsageError(`${name} must be a whole number ≥ ${min}.`)
  return value
}

/** `60s`, `2m`, `500ms` or plain seconds. */
export function parseBudget(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim())
  if (!match) throw new UsageError(`--budget must be a duration like 60s, 2m or 500ms (got "${text}").`)
  const value = Number(match[1])
  const ms = match[2] === 'ms' ? value : match[2] === 'm' ? value * 60_000 : value * 1000
  if (ms < 1000 || ms > 24 * 3_600_000) throw new UsageError('--budget must be between 1 s and 24 h.')
  return ms
}

/** `12-24` or `6`: how many actions each run draws. */
export function parseActions(text: string): { min: number; max: number } {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim())
  const min = Number(match?.[1])
  const max = Number(match?.[2] ?? match?.[1])
  if (!match || min < 1 || max < min || max > 200)
    throw new UsageError(
      `--actions must be a count or a range like 12-24, between 1 and 200 (got "${text}").`,
    )
  return { min, max }
}

async function targetsFor(
  integration: string,
  external: boolean,
  values: { sandbox?: string | undefined; 'admin-key'?: string | undefined; world?: string | undefined },
  reactionMs: number,
): Promise<{ next: () => Promise<{ target: Target; release(): Promise<void> }>; close(): Promise<void> }> {
  if (!external) {
    const { startBuiltInTarget } = await import('../built-in.ts')
    // Built-ins: a fresh sandbox and integration for every run, so several run at once.
    return {
      next: async () => {
        const target = await startBuiltInTarget(integration)
        return { target, release: () => target.close() }
      },
      close: async () => {},
    }
  }
  const { startExternalTarget } = await import('../external.ts')
  // One sandbox, the one the integration is configured for: every run starts from a clean
  // bank state (the runner cleans it) with people no earlier run used.
  const target = await startExternalTarget(integration, {
    sandboxUrl: values.sandbox ?? DEFAULT_SANDBOX_URL,
    adminKey: values['admin-key'],
    world: values.world,
    reactionMs,
    lock: { label: `bank-sandbox fuzz against ${integration}` },
  })
  return { next: async () => ({ target, release: async () => {} }), close: () => target.close() }
}
