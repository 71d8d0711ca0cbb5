import { readFile } from 'node:fs/promises'
import { Hono } from 'hono'
import { html } from 'hono/html'
import type { Deps } from '../deps.ts'
import { PANELS, type Panel, renderPanel } from './panels.tsx'
import type { ScenarioLog } from './scenario-log.ts'
import { resolveSelection } from './selection.ts'
import { AdminKeyNotice, Page } from './views/page.tsx'

// GET /demo and its own assets. Everything is served by the sandbox: no CDN, no build.
// The CSP allows only same-origin scripts, styles and connections, so nothing on the
// page can load (or leak) anything from elsewhere.

const ASSETS: Record<string, string> = {
  'dashboard.css': 'text/css; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
  'live.js': 'text/javascript; charset=utf-8',
  'panels.js': 'text/javascript; charset=utf-8',
  'scenarios.js': 'text/javascript; charset=utf-8',
}

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

export function pageRoutes(deps: Deps, log: ScenarioLog) {
  const app = new Hono()

  app.get('/demo', (c) => {
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    if (deps.adminKey !== null) return c.html(html`<!doctype html>${<AdminKeyNotice />}`)
    const bankId = c.req.query('bank')
    const customerId = c.req.query('person')
    // An unknown id in a shared link falls back to the default story instead of an error page.
    const selection = safeSelection(deps, bankId, customerId) ?? resolveSelection(deps)
    const panels = Object.fromEntries(
      PANELS.map((panel) => [panel, renderPanel(panel, deps, log, selection)]),
    ) as Record<Panel, ReturnType<typeof renderPanel>>
    const page = (
      <Page
        banks={deps.banks}
        bankId={selection.bank.id}
        customerId={selection.customer.id}
        userId={selection.customer.person.platformUserId}
        seed={deps.seed}
        panels={panels}
      />
    )
    return c.html(html`<!doctype html>${page}`)
  })

  app.get('/demo/assets/:name', async (c) => {
    const name = c.req.param('name')
    const type = ASSETS[name]
    if (!type) return c.notFound()
    c.header('Content-Type', type)
    c.header('Cache-Control', 'no-cache')
    return c.body(await readFile(new URL(`./assets/${name}`, import.meta.url)))
  })

  return app
}

function safeSelection(deps: Deps, bankId: string | undefined, customerId: string | undefined) {
  try {
    return bankId === undefined ? null : resolveSelection(deps, bankId, customerId)
  } catch {
    return null
  }
}
