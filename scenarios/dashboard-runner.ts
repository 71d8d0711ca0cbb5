import { createSandboxClient } from '../sandbox/client.ts'
import type { ScenarioRunner } from '../sandbox/control/scenario-runner.ts'
import { SCENARIOS, scenarioNamed } from './catalogue.ts'
import { runScenario } from './runner.ts'
import { externalTarget } from './target.ts'

// The scenario engine as the dashboard's runner (sandbox/control/scenario-runner.ts):
// `bank-sandbox serve` passes it in. A run drives the sandbox over HTTP, like an
// external integration's run, so it sees what any client of the sandbox sees.

export function createScenarioRunner(): ScenarioRunner {
  return {
    list: () => SCENARIOS.map(({ name, title, summary, catches }) => ({ name, title, summary, catches })),
    run(name, { sandboxUrl, integrationUrl, adminKey, world }, hooks) {
      const scenario = scenarioNamed(name)
      if (!scenario) return Promise.reject(new Error(`No scenario named "${name}".`))
      const control = createSandboxClient(sandboxUrl, {
        ...(adminKey ? { adminKey } : {}),
        ...(world ? { world } : {}),
      })
      return runScenario(scenario, externalTarget(control, { sandboxUrl, integrationUrl }), hooks)
    },
  }
}
