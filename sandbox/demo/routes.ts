import { OpenAPIHono } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import { activityRoutes } from './activity-routes.ts'
import { pageRoutes } from './page-routes.tsx'
import { panelRoutes } from './panel-routes.ts'
import { receiptRoutes } from './receipt-routes.ts'
import { createScenarioLog } from './scenario-log.ts'

/** The demo dashboard: the page at /demo and the reads that keep it live. */
export function demoRoutes(deps: Deps) {
  // Lives as long as deps (the bus outlives resets), so verdicts survive a page reload.
  const log = createScenarioLog(deps.bus)
  const app = new OpenAPIHono()
  app.route('/', pageRoutes(deps, log))
  app.route('/', panelRoutes(deps, log))
  app.route('/', activityRoutes(deps))
  app.route('/', receiptRoutes(deps))
  return app
}
