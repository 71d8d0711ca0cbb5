import { type Context, Hono } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { html } from 'hono/html'
import type { Deps } from '../deps.ts'
import { ADMIN_KEY_COOKIE, ADMIN_KEY_HEADER, presentsAdminKey, sameKey } from '../http/guards.ts'
import { problems } from '../http/problem.ts'
import { WORLD_COOKIE } from '../worlds/routing.ts'
import { DEMO_ASSETS } from './assets.ts'
import { PANELS, type Panel, renderPanel } from './panels.tsx'
import type { ScenarioLog } from './scenario-log.ts'
import { resolveSelection } from './selection.ts'
import { AdminKeyForm, Page } from './views/page.tsx'

// GET /demo and its own assets. Everything is served by the sandbox: no CDN, no build.
// The CSP allows only same-origin scripts, styles and connections, so nothing on the
// page can load (or leak) anything from elsewhere. A shared sandbox (one with an admin
// key) shows the page only to a browser that gave the key: once, through a small form,
// after which an HttpOnly, SameSite=Strict cookie carries it to /demo and to the
// dashboard's own calls to /sandbox/*.

const CONTENT_TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
}

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

export function pageRoutes(deps: Deps, log: ScenarioLog) {
  const app = new Hono()

  app.get('/demo', (c) => {
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    if (deps.server.adminKey !== null && !presentsAdminKey(c, deps.server.adminKey))
      return askForKey(c, false)
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
        worlds={{ current: deps.worldId, ids: deps.server.worlds?.list().map((world) => world.id) ?? [] }}
      />
    )
    return c.html(html`<!doctype html>${page}`)
  })

  app.post('/demo', async (c) => {
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    const back = `/demo${new URL(c.req.url).search}`
    if (deps.server.adminKey === null) return c.redirect(back, 303)
    const { key } = await c.req.parseBody()
    if (typeof key !== 'string' || !sameKey(key, deps.server.adminKey)) return askForKey(c, true)
    setCookie(c, ADMIN_KEY_COOKIE, key, { path: '/', httpOnly: true, sameSite: 'Strict' })
    return c.redirect(back, 303)
  })

  // The world picker: the choice rides in a cookie, which the server routes by. Without the
  // key of a shared sandbox every id is answered as an unknown one, so the picker tells
  // nobody which worlds exist.
  app.get('/demo/world', (c) => {
    const id = c.req.query('id') ?? 'default'
    const mayPick = deps.server.adminKey === null || presentsAdminKey(c, deps.server.adminKey)
    if (id === 'default' || !mayPick || !deps.server.worlds?.peek(id))
      deleteCookie(c, WORLD_COOKIE, { path: '/' })
    else setCookie(c, WORLD_COOKIE, id, { path: '/', httpOnly: true, sameSite: 'Strict' })
    return c.redirect('/demo', 303)
  })

  // Scripts and styles carry no data, and the key form needs its stylesheet: open to all.
  app.get('/demo/assets/:name', (c) => {
    const name = c.req.param('name')
    const body = DEMO_ASSETS.get(name)
    const type = CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)]
    if (body === undefined || !type) return c.notFound()
    c.header('Content-Type', type)
    c.header('Cache-Control', 'no-cache')
    return c.body(body)
  })

  return app
}

/** A browser gets the key form; anything else a plain problem. Both refuse with 403. */
function askForKey(c: Context, wrong: boolean) {
  if (!c.req.header('Accept')?.includes('text/html')) {
    throw problems.forbidden(
      `Send the sandbox admin key in ${ADMIN_KEY_HEADER}, or enter it at /demo in a browser.`,
    )
  }
  const action = `/demo${new URL(c.req.url).search}`
  return c.html(html`<!doctype html>${<AdminKeyForm action={action} wrong={wrong} />}`, 403)
}

function safeSelection(deps: Deps, bankId: string | undefined, customerId: string | undefined) {
  try {
    return bankId === undefined ? null : resolveSelection(deps, bankId, customerId)
  } catch {
    return null
  }
}
