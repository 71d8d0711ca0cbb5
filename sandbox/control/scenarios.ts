import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import { json, problemResponses } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { validationHook } from '../http/validate.ts'
import { toIso } from '../time/clock.ts'
import {
  type RunOutcome,
  ScenarioInfo,
  type ScenarioRunner,
  type ScenarioVerdict,
} from './scenario-runner.ts'

// Scenarios over HTTP, for the dashboard: a run drives this very sandbox and the
// integration attached to it, with progress on /sandbox/events. It holds the world's run
// lock (run-lock.ts) like any other run: while one is in progress, from here or from the
// CLI, another answers 409 run_in_progress. The runner is passed in (scenario-runner.ts);
// without one there is nothing to run.

const list = createRoute({
  method: 'get',
  path: '/sandbox/scenarios',
  tags: ['Control: scenarios'],
  responses: {
    200: json(z.object({ data: z.array(ScenarioInfo) }), 'The built-in scenarios'),
    ...problemResponses(404),
  },
})
const start = createRoute({
  method: 'post',
  path: '/sandbox/scenarios/{name}/runs',
  tags: ['Control: scenarios'],
  summary: 'Run a scenario against this sandbox’s integration; verdicts arrive as scenario.* events',
  request: { params: z.object({ name: z.string() }) },
  responses: {
    202: json(z.object({ runId: z.string() }), 'Started'),
    ...problemResponses(400, 404, 409),
  },
})

const schema = createRoute({
  method: 'get',
  path: '/schemas/scenario.json',
  tags: ['Control: scenarios'],
  summary: 'The JSON Schema of scenario files (YAML or JSON), for editors',
  responses: {
    200: json(z.record(z.string(), z.unknown()), 'JSON Schema (draft 2020-12)'),
    ...problemResponses(404),
  },
})
const startFile = createRoute({
  method: 'post',
  path: '/sandbox/scenario-files/runs',
  tags: ['Control: scenarios'],
  summary:
    'Run a scenario file (its YAML or JSON text) like a built-in; problems answer 400 with their lines',
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.object({ file: z.string().max(200).optional(), text: z.string().min(1) }),
        },
      },
    },
  },
  responses: {
    202: json(z.object({ runId: z.string(), name: z.string() }), 'Started'),
    ...problemResponses(400, 404, 409),
  },
})

export function scenarioRoutes(deps: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  const publish = (kind: string, data: unknown) => deps.bus.publish(kind, toIso(deps.clock.now()), data)
  const runner = (): ScenarioRunner => {
    if (!deps.server.scenarios)
      throw problems.notFound('No scenarios available: this sandbox was started without a scenario runner.')
    return deps.server.scenarios
  }

  app.openapi(list, (c) => c.json({ data: [...runner().list()] }, 200))

  app.openapi(schema, (c) => c.json(runner().fileSchema() as Record<string, unknown>, 200))

  app.openapi(startFile, (c) => {
    const { file, text } = c.req.valid('json')
    const loaded = runner().load(text)
    if (!loaded.ok)
      throw problems.invalidRequest(
        `The scenario file${file ? ` ${file}` : ''} is not valid: ${loaded.problems.length} problem(s).`,
        loaded.problems.map((p) => ({
          path: `line ${p.line}${p.path ? `: ${p.path}` : ''}`,
          message: p.message,
        })),
      )
    return c.json({ ...launch(loaded.info, c.req.url, loaded.run), name: loaded.info.name }, 202)
  })

  app.openapi(start, (c) => {
    const scenarios = runner()
    const scenario = scenarios.list().find(({ name }) => name === c.req.valid('param').name)
    if (!scenario) throw problems.notFound('No such scenario; GET /sandbox/scenarios lists them.')
    return c.json(
      launch(scenario, c.req.url, (where, hooks) => scenarios.run(scenario.name, where, hooks)),
      202,
    )
  })

  type Hooks = { onVerdict(verdict: ScenarioVerdict): void }
  const launch = (
    scenario: ScenarioInfo,
    url: string,
    run: (where: Parameters<ScenarioRunner['run']>[1], hooks: Hooks) => Promise<RunOutcome>,
  ) => {
    const integrationUrl = deps.integrationUrl
    if (integrationUrl === null)
      throw problems.invalidRequest('Attach an integration first: PUT /sandbox/integration.')
    const { name, title } = scenario
    // Held by this process, which ends the run itself: no lease.
    const { id: runId } = deps.runs.claim(`the dashboard runs ${name}`, null)
    const where = {
      sandboxUrl: new URL(url).origin,
      integrationUrl,
      adminKey: deps.server.adminKey,
      world: deps.worldId,
    }
    void (async () => {
      publish('scenario.started', { runId, name, title })
      const result = await run(where, {
        onVerdict: (verdict) => publish('scenario.expectation', { runId, name, ...verdict }),
      }).catch((error: unknown) => ({
        passed: false,
        durationMs: 0,
        error: error instanceof Error ? error.message : String(error),
      }))
      deps.runs.release(runId)
      publish('scenario.finished', {
        runId,
        name,
        passed: result.passed,
        durationMs: result.durationMs,
        ...(result.error ? { error: result.error } : {}),
      })
    })()
    return { runId }
  }

  return app
}
