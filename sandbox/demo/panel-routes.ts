import { Hono } from 'hono'
import { z } from 'zod'
import type { Deps } from '../deps.ts'
import { problems } from '../http/problem.ts'
import { fieldErrors } from '../http/validate.ts'
import { PANELS, renderPanel } from './panels.tsx'
import type { ScenarioLog } from './scenario-log.ts'
import { resolveSelection } from './selection.ts'

// The dashboard's refresh path: one panel as an HTML fragment for the chosen bank and
// person. Under /sandbox/, so the admin-key guard covers it like the rest of the
// control API. Not in the OpenAPI document: HTML for this page, not an API.

const PanelRequest = z.object({
  panel: z.enum(PANELS),
  bankId: z.string().max(100),
  customerId: z.string().max(100),
})

export function panelRoutes(deps: Deps, log: ScenarioLog) {
  const app = new Hono()

  app.get('/sandbox/demo/panels/:panel', (c) => {
    const parsed = PanelRequest.safeParse({ ...c.req.query(), panel: c.req.param('panel') })
    if (!parsed.success)
      throw problems.invalidRequest('Some fields are not valid.', fieldErrors(parsed.error))
    const { panel, bankId, customerId } = parsed.data
    c.header('Cache-Control', 'no-store')
    return c.html(renderPanel(panel, deps, log, resolveSelection(deps, bankId, customerId)))
  })

  return app
}
