import { builtInIntegration } from '../fixtures/integrations.ts'
import { startIntegration } from '../fixtures/reference/server.ts'
import { builtInClientKey } from '../sandbox/bank/fapi/client-keys.ts'
import { createSandboxClient } from '../sandbox/client.ts'
import { publicCredentials } from '../sandbox/credentials.ts'
import { createDeps, type Deps } from '../sandbox/deps.ts'
import { platformIdle } from '../sandbox/platform/records.ts'
import { startServer } from '../sandbox/serving/server.ts'
import { createClock } from '../sandbox/time/clock.ts'
import { type RunHooks, runScenario, type ScenarioResult } from './runner.ts'
import type { Scenario } from './schema.ts'
import { DEFAULT_REACTION_MS, SCENARIO_EPOCH, type Target } from './target.ts'

// Built-in integrations run in this process, each scenario with its own sandbox, world
// and ports, so several run at once and every queue can be awaited directly.

export class UnknownIntegration extends Error {}

export async function startBuiltInTarget(name: string, seed = 42): Promise<Target> {
  const integration = builtInIntegration(name)
  if (!integration)
    throw new UnknownIntegration(`Unknown integration "${name}"; see "bank-sandbox integrations".`)
  const clock = createClock({ startMs: SCENARIO_EPOCH, mode: 'frozen', wallNow: Date.now })
  const deps = createDeps({ seed, customers: 400, days: 90, clock })
  const sandbox = await startServer(deps, { port: 0, host: '127.0.0.1' })
  const running = await startIntegration({
    sandboxUrl: sandbox.url,
    credentials: publicCredentials(deps.credentials),
    quirks: integration.quirks,
    clientKey: builtInClientKey(deps.credentials),
  })
  deps.integrationUrl = running.url
  return {
    label: name,
    sandboxUrl: sandbox.url,
    integrationUrl: running.url,
    control: createSandboxClient(sandbox.url),
    exact: true,
    reactionMs: DEFAULT_REACTION_MS,
    settle: () => settleInProcess(deps, running.idle),
    close: async () => {
      await running.close()
      await sandbox.close()
    },
  }
}

/** Waits on every in-process queue until a pass changes nothing observable. */
async function settleInProcess(deps: Deps, integrationIdle: () => Promise<void>): Promise<void> {
  let last = ''
  for (let pass = 0; pass < 200; pass++) {
    await Promise.all([deps.outbox.idle(), platformIdle(deps), integrationIdle()])
    await new Promise((resolve) => setTimeout(resolve, 2))
    const now = activity(deps)
    if (now === last) return
    last = now
  }
}

function activity(deps: Deps): string {
  const attempts = deps.outbox.list().reduce((sum, d) => sum + d.attempts.length, 0)
  let messages = 0
  for (const chat of deps.state.chats.values()) messages += chat.length
  return `${deps.state.journal.recorded}/${attempts}/${messages}/${deps.state.consents.size}`
}

/** Runs scenarios against a built-in integration, each in its own sandbox, a few at a time. */
export async function runBuiltIn(
  scenarios: readonly Scenario[],
  integration: string,
  options: { concurrency?: number; hooks?: RunHooks } = {},
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = new Array(scenarios.length)
  let next = 0
  const worker = async () => {
    while (next < scenarios.length) {
      const index = next++
      const scenario = scenarios[index]
      if (!scenario) continue
      const target = await startBuiltInTarget(integration, scenario.seed)
      try {
        results[index] = await runScenario(scenario, target, options.hooks)
      } finally {
        await target.close()
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, scenarios.length) }, worker))
  return results
}
