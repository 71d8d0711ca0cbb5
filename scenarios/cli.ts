import { writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { BUILT_IN_INTEGRATIONS, builtInIntegration } from '../fixtures/integrations.ts'
import { refuseTargetUrl } from '../sandbox/http/url-guard.ts'
import { UsageError } from '../sandbox/usage-error.ts'
import { runBuiltIn } from './built-in.ts'
import { SCENARIOS, scenarioNamed } from './catalogue.ts'
import { startExternalTarget } from './external.ts'
import { reportFor, textReport } from './report.ts'
import { runSerially } from './runner.ts'
import type { Scenario } from './schema.ts'
import { DEFAULT_SANDBOX_URL } from './target.ts'

// `bank-sandbox scenario …` and `bank-sandbox integrations`. Exit codes: 0 all passed,
// 1 an expectation failed, 2 a usage error.

interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
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
    },
  })
  const scenarios = pickScenarios(positionals, values.all ?? false)
  if (values.report && !/\.(xml|json)$/.test(values.report)) {
    throw new UsageError('--report must name a .xml (JUnit) or .json file.')
  }
  const integration = values.integration ?? 'reference'
  const results = await run(
    scenarios,
    integration,
    values.sandbox ?? DEFAULT_SANDBOX_URL,
    values['admin-key'],
  )
  io.stdout.write(textReport(results, io.stdout.isTTY ?? false))
  if (values.report) await writeFile(values.report, reportFor(values.report, results))
  return results.every((r) => r.passed) ? 0 : 1
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

async function run(
  scenarios: Scenario[],
  integration: string,
  sandboxUrl: string,
  adminKey: string | undefined,
) {
  if (/^https?:\/\//.test(integration)) {
    const refusal = refuseTargetUrl(integration)
    if (refusal) throw new UsageError(`--integration: ${refusal}`)
    const target = await startExternalTarget(integration, sandboxUrl, adminKey)
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
  return runBuiltIn(scenarios, integration)
}

export function integrationsCommand(io: Io): number {
  for (const integration of BUILT_IN_INTEGRATIONS) {
    const caught = integration.caughtBy
      ? `  caught by ${integration.caughtBy.scenario} (${integration.caughtBy.expectations[0]})`
      : ''
    io.stdout.write(`${integration.name.padEnd(28)} ${integration.description}.${caught}\n`)
  }
  return 0
}
