import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { SCENARIOS, scenarioNamed } from '../../scenarios/catalogue.ts'
import { createControlClient } from '../../scenarios/control-client.ts'
import { runScenario } from '../../scenarios/runner.ts'
import { settleOverHttp, type Target } from '../../scenarios/target.ts'
import { toIso } from '../clock.ts'
import type { Deps } from '../deps.ts'
import { json, problemResponses } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { validationHook } from '../http/validate.ts'

// Scenarios over HTTP, for the dashboard: a run drives this very sandbox and the
// integration attached to it, one run at a time, with progress on /sandbox/events.

const ScenarioInfo = z
  .object({ name: z.string(), title: z.string(), summary: z.string(), catches: z.string() })
  .openapi('ScenarioInfo')

const list = createRoute({
  method: 'get',
  path: '/sandbox/scenarios',
  tags: ['Control: scenarios'],
  responses: { 200: json(z.object({ data: z.array(ScenarioInfo) }), 'The built-in scenarios') },
})
const start = createRoute({
  method: 'post',
  path: '/sandbox/scenarios/{name}/runs',
  tags: ['Control: scenarios'],
  summary: 'Run a scenario against this sandbox’s integration; verdicts arrive as scenario.* events',
  request: { params: z.object({ name: z.string() }) },
  responses: { 202: json(z.object({ runId: z.string() }), 'Queued'), ...problemResponses(400, 404) },
})

export function scenarioRoutes(deps: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  // Runs share one sandbox, so they queue.
  let queue: Promise<void> = Promise.resolve()
  const publish = (kind: string, data: unknown) => deps.bus.publish(kind, toIso(deps.clock.now()), data)

  app.openapi(list, (c) =>
    c.json(
      { data: SCENARIOS.map(({ name, title, summary, catches }) => ({ name, title, summary, catches })) },
      200,
    ),
  )

  app.openapi(start, (c) => {
    const scenario = scenarioNamed(c.req.valid('param').name)
    if (!scenario) throw problems.notFound('No such scenario; GET /sandbox/scenarios lists them.')
    const integrationUrl = deps.integrationUrl
    if (integrationUrl === null)
      throw problems.invalidRequest('Attach an integration first: PUT /sandbox/integration.')
    const runId = deps.ids.next('run')
    const sandboxUrl = new URL(c.req.url).origin
    const control = createControlClient(sandboxUrl, deps.adminKey ?? undefined)
    const target: Target = {
      label: integrationUrl,
      sandboxUrl,
      integrationUrl,
      control,
      settle: () => settleOverHttp(control),
      close: async () => {},
    }
    queue = queue.then(async () => {
      publish('scenario.started', { runId, name: scenario.name, title: scenario.title })
      const result = await runScenario(scenario, target, {
        onVerdict: (verdict) => publish('scenario.expectation', { runId, name: scenario.name, ...verdict }),
      })
      publish('scenario.finished', {
        runId,
        name: scenario.name,
        passed: result.passed,
        durationMs: result.durationMs,
        ...(result.error ? { error: result.error } : {}),
      })
    })
    return c.json({ runId }, 202)
  })

  return app
}
