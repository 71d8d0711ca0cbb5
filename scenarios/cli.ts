import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { DEFAULT_SANDBOX_URL } from '../sandbox/cli/defaults.ts'
import type { CliIo } from '../sandbox/cli/io.ts'
import { parseReactionMs } from '../sandbox/cli/options.ts'
import { refuseTargetUrl } from '../sandbox/http/url-guard.ts'
import { builtInNames, integrationTarget, isIntegrationUrl } from '../sandbox/serving/integration-target.ts'
import { UsageError } from '../sandbox/usage-error.ts'
import { SCENARIOS, scenarioNamed } from './catalogue.ts'
import { reportFor, textReport } from './report.ts'
import { type FileProblem, formatProblems, isScenarioFile, loadScenarioFile } from './scenario-file.ts'
import type { Scenario } from './schema.ts'
import { DEFAULT_REACTION_MS } from './target.ts'

// `bank-sandbox scenario …`. Exit codes: 0 all passed, 1 an expectation failed, 2 a
// usage error. What only a run needs (the runner, a sandbox server) is loaded when a run
// starts, so `list` starts fast.

export async function scenarioCommand(args: string[], io: Pick<CliIo, 'stdout' | 'stderr'>): Promise<number> {
  const [sub, ...rest] = args
  if (sub === 'list') {
    for (const s of SCENARIOS) io.stdout.write(`${s.name.padEnd(18)} ${s.title}. Catches: ${s.catches}.\n`)
    return 0
  }
  if (sub !== 'run') throw new UsageError('Use "scenario list" or "scenario run NAME…|--all".')
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      all: { type: 'boolean' },
      integration: { type: 'string' },
      report: { type: 'string' },
      sandbox: { type: 'string' },
      'admin-key': { type: 'string' },
      'reaction-ms': { type: 'string' },
      world: { type: 'string' },
      wait: { type: 'boolean' },
    },
  })
  const reactionMs = parseReactionMs(values['reaction-ms']) ?? DEFAULT_REACTION_MS
  const picked = await pickScenarios(positionals, values.all ?? false)
  if (!picked.ok) {
    // Every problem of every file, before anything runs.
    io.stderr.write(formatProblems(picked.problems))
    io.stderr.write(
      `bank-sandbox: ${picked.problems.length} problem(s) in scenario files; nothing was run. The format: /schemas/scenario.json, or scenario.schema.json in the package.\n`,
    )
    return 2
  }
  const scenarios = picked.scenarios
  if (values.report && !/\.(xml|json)$/.test(values.report)) {
    throw new UsageError('--report must name a .xml (JUnit) or .json file.')
  }
  const integration = values.integration ?? 'reference'
  if (values.world !== undefined && !isIntegrationUrl(integration))
    throw new UsageError(
      '--world runs in a world of a running sandbox: give the integration configured for it as --integration URL (built-in integrations always run in a world of their own).',
    )
  const results = await run(scenarios, integration, {
    sandboxUrl: values.sandbox ?? DEFAULT_SANDBOX_URL,
    adminKey: values['admin-key'],
    world: values.world,
    reactionMs,
    wait: values.wait ?? false,
    onWait: (what) => io.stderr.write(`${what}\n`),
  })
  io.stdout.write(textReport(results, io.stdout.isTTY ?? false))
  if (values.report) {
    await mkdir(dirname(values.report), { recursive: true })
    await writeFile(values.report, reportFor(values.report, results))
  }
  return results.every((r) => r.passed) ? 0 : 1
}

/** Built-ins by name and scenario files by path, in the order given; every file problem at once. */
async function pickScenarios(
  names: string[],
  all: boolean,
): Promise<{ ok: true; scenarios: Scenario[] } | { ok: false; problems: FileProblem[] }> {
  if (all && names.length === 0) return { ok: true, scenarios: [...SCENARIOS] }
  if (names.length === 0)
    throw new UsageError('Name the scenarios to run (built-in names or .yaml/.json files), or pass --all.')
  const scenarios: Scenario[] = all ? [...SCENARIOS] : []
  const problems: FileProblem[] = []
  for (const name of names) {
    if (isScenarioFile(name)) {
      const loaded = await loadScenarioFile(name)
      if (loaded.ok) scenarios.push(loaded.scenario)
      else problems.push(...loaded.problems)
      continue
    }
    const found = scenarioNamed(name)
    if (!found)
      throw new UsageError(
        `Unknown scenario "${name}". Known: ${SCENARIOS.map((s) => s.name).join(', ')}; or give a scenario file (.yaml, .yml, .json).`,
      )
    scenarios.push(found)
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, scenarios }
}

interface Where {
  sandboxUrl: string
  adminKey: string | undefined
  /** A world of the sandbox, by id; absent, its default world. */
  world: string | undefined
  reactionMs: number
  /** Queue behind a run in progress in the world instead of being refused. */
  wait: boolean
  onWait: (what: string) => void
}

async function run(scenarios: Scenario[], integration: string, where: Where) {
  const named = integrationTarget(integration)
  if (!named)
    throw new UsageError(`Unknown integration "${integration}". Give a URL, or one of: ${builtInNames()}.`)
  if ('url' in named) {
    const refusal = refuseTargetUrl(integration)
    if (refusal) throw new UsageError(`--integration: ${refusal}`)
    const [{ startExternalTarget }, { runSerially }] = await Promise.all([
      import('./external.ts'),
      import('./runner.ts'),
    ])
    const names = scenarios.map((s) => s.name)
    const target = await startExternalTarget(integration, {
      ...where,
      lock: {
        label: `bank-sandbox scenario run ${names.length > 3 ? `(${names.length} scenarios)` : names.join(' ')} against ${integration}`,
        wait: where.wait,
        onWait: where.onWait,
      },
    })
    try {
      return await runSerially(scenarios, target)
    } finally {
      await target.close()
    }
  }
  const { runBuiltIn } = await import('./built-in.ts')
  return runBuiltIn(scenarios, integration)
}
