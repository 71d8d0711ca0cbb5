import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { BUILT_IN_INTEGRATIONS, builtInIntegration } from '../fixtures/integrations.ts'
import { UsageError } from '../sandbox/cli/usage-error.ts'
import { refuseTargetUrl } from '../sandbox/http/url-guard.ts'
import { SCENARIOS, scenarioNamed } from './catalogue.ts'
import { reportFor, textReport } from './report.ts'
import type { Scenario } from './schema.ts'
import { DEFAULT_REACTION_MS, DEFAULT_SANDBOX_URL } from './target.ts'

// `bank-sandbox scenario …` and `bank-sandbox integrations`. Exit codes: 0 all passed,
// 1 an expectation failed, 2 a usage error. What only a run needs (the runner, a sandbox
// server) is loaded when a run starts, so `list` and `integrations` start fast.

interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr?: NodeJS.WritableStream
}

export async function scenarioCommand(args: string[], io: Io): Promise<number> {
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
  const reactionMs = parseReactionMs(values['reaction-ms'])
  const scenarios = pickScenarios(positionals, values.all ?? false)
  if (values.report && !/\.(xml|json)$/.test(values.report)) {
    throw new UsageError('--report must name a .xml (JUnit) or .json file.')
  }
  const integration = values.integration ?? 'reference'
  if (values.world !== undefined && !/^https?:\/\//.test(integration))
    throw new UsageError(
      '--world runs in a world of a running sandbox: give the integration configured for it as --integration URL (built-in integrations always run in a world of their own).',
    )
  const results = await run(scenarios, integration, {
    sandboxUrl: values.sandbox ?? DEFAULT_SANDBOX_URL,
    adminKey: values['admin-key'],
    world: values.world,
    reactionMs,
    wait: values.wait ?? false,
    onWait: (what) => io.stderr?.write(`${what}\n`),
  })
  io.stdout.write(textReport(results, io.stdout.isTTY ?? false))
  if (values.report) {
    await mkdir(dirname(values.report), { recursive: true })
    await writeFile(values.report, reportFor(values.report, results))
  }
  return results.every((r) => r.passed) ? 0 : 1
}

/** The reaction budget, in wall milliseconds: how long an integration may take to react. */
function parseReactionMs(value: string | undefined): number {
  if (value === undefined) return DEFAULT_REACTION_MS
  const ms = Number(value)
  if (!/^\d+$/.test(value) || ms < 100 || ms > 120_000)
    throw new UsageError('--reaction-ms must be a whole number of milliseconds from 100 to 120000.')
  return ms
}

function pickScenarios(names: string[], all: boolean): Scenario[] {
  if (all) return [...SCENARIOS]
  if (names.length === 0) throw new UsageError('Name the scenarios to run, or pass --all.')
  return names.map((name) => {
    const found = scenarioNamed(name)
    if (!found)
      throw new UsageError(`Unknown scenario "${name}". Known: ${SCENARIOS.map((s) => s.name).join(', ')}.`)
    return found
  })
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
  if (/^https?:\/\//.test(integration)) {
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
  if (!builtInIntegration(integration)) {
    throw new UsageError(
      `Unknown integration "${integration}". Give a URL, or one of: ${BUILT_IN_INTEGRATIONS.map((i) => i.name).join(', ')}.`,
    )
  }
  const { runBuiltIn } = await import('./built-in.ts')
  return runBuiltIn(scenarios, integration)
}

/** Every built-in integration and, for each faulty one, the scenarios and expectations that catch it. */
