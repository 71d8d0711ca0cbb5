import { createSandboxClient } from '../sandbox/client.ts'
import type { RunWhere, ScenarioRunner, ScenarioVerdict } from '../sandbox/control/scenario-runner.ts'
import { SCENARIOS, scenarioNamed } from './catalogue.ts'
import { scenarioJsonSchema } from './json-schema.ts'
import { runScenario } from './runner.ts'
import { parseScenarioText } from './scenario-file.ts'
import type { Scenario } from './schema.ts'
import { externalTarget } from './target.ts'

// The scenario engine as the dashboard's runner (sandbox/control/scenario-runner.ts):
// `bank-sandbox serve` passes it in. A run drives the sandbox over HTTP, like an
// external integration's run, so it sees what any client of the sandbox sees. A scenario
// file loaded on the dashboard runs the same way as a built-in.

export function createScenarioRunner(): ScenarioRunner {
  const runOne = (
    scenario: Scenario,
    where: RunWhere,
    hooks: { onVerdict(verdict: ScenarioVerdict): void },
  ) => {
    const { sandboxUrl, integrationUrl, adminKey, world } = where
    const control = createSandboxClient(sandboxUrl, {
      ...(adminKey ? { adminKey } : {}),
      ...(world ? { world } : {}),
    })
    return runScenario(scenario, externalTarget(control, { sandboxUrl, integrationUrl }), hooks)
  }
  return {
    list: () => SCENARIOS.map(({ name, title, summary, catches }) => ({ name, title, summary, catches })),
    run(name, where, hooks) {
      const scenario = scenarioNamed(name)
      if (!scenario) return Promise.reject(new Error(`No scenario named "${name}".`))
      return runOne(scenario, where, hooks)
    },
    fileSchema: scenarioJsonSchema,
    load(text) {
      const loaded = parseScenarioText(text)
      if (!loaded.ok)
        return {
          ok: false,
          problems: loaded.problems.map(({ line, path, message }) => ({ line, path, message })),
        }
      const { scenario } = loaded
      const { name, title, summary, catches } = scenario
      return {
        ok: true,
        info: { name, title, summary, catches },
        run: (where, hooks) => runOne(scenario, where, hooks),
      }
    },
  }
}
