import type { IncomingMessage } from 'node:http'
import { decodeJwt } from 'jose'
import { WORLD_HEADER } from '../client.ts'
import { basicCredentials } from '../http/basic-auth.ts'
import { problemResponse } from '../http/errors.ts'
import { type KeyedRequest, requestPresentsKey } from '../http/guards.ts'
import { problems } from '../http/problem.ts'
import type { WorldRegistry } from './registry.ts'

// Which world a request belongs to. Control and dashboard calls name it in X-Sandbox-World
// (the dashboard's picker keeps it in a cookie); bank and platform calls carry it in their
// credentials: a world's client id, tokens and page token all hold its id. Whatever names
// no world goes to the default one.

/** As node spells header names. */
const WORLD_HEADER_NAME = WORLD_HEADER.toLowerCase()
export const WORLD_COOKIE = 'sandbox_world'

const WORLD_ID = /^wld_[a-z0-9]+$/
/** `at_wld_abc.…`, `rt_wld_abc.…`, `pt_wld_abc.…`: a world's tokens start with its id. */
const TOKEN_WORLD = /^[A-Za-z]+_(wld_[a-z0-9]+)\./
/** A world's client id ends with its id: `platform-wld_abc`. */
const CLIENT_WORLD = /(wld_[a-z0-9]+)$/
const COOKIE_WORLD = new RegExp(`(?:^|;\\s*)${WORLD_COOKIE}=(wld_[a-z0-9]+)`)
/** The dashboard's world picker, GET /demo/world?id=…. */
const PICKER = /^\/demo\/world(?:\?|$)/

export type Addressed =
  | { by: 'nothing' }
  | { by: 'credentials'; world: string }
  | { by: 'name'; world: string }
  | { by: 'cookie'; world: string }
  | { by: 'bad-name'; given: string }

// biome-ignore lint/suspicious/noExplicitAny: whatever env the node adapter passes, handed on as it came
type Fetch = (request: Request, env?: any) => Response | Promise<Response>

/**
 * The server's fetch for every world: the default world's own fetch serves whatever names
 * no world, untouched. A world named in a header or the dashboard's cookie that is gone is
 * 404, never the default world in its place; credentials of a gone world go to the default
 * world, which has never issued them and answers 401. With an admin key, a request without
 * it learns nothing of worlds: it goes where an unknown world's would, to the default
 * world, which refuses it as a live world would.
 */
export function routeToWorlds(
  registry: WorldRegistry,
  defaultFetch: Fetch,
  /** Looks for a world this instance has not opened (another instance on a shared database made it). */
  adopt: (id: string) => Promise<unknown>,
  adminKey: string | null = null,
): Fetch {
  const missing = (
    addressed: Exclude<Addressed, { by: 'nothing' | 'bad-name' }>,
    request: Request,
    env: unknown,
  ) => {
    if (addressed.by === 'credentials') return defaultFetch(request, env)
    if (adminKey !== null && !requestPresentsKey(keyedRequest(request), adminKey))
      return defaultFetch(request, env)
    // The dashboard page of a world since let go: drop the choice and show the page again.
    if (
      addressed.by === 'cookie' &&
      request.method === 'GET' &&
      pathAndQuery(request.url).split('?')[0] === '/demo'
    )
      return forgetWorldChoice(request.url)
    return problemResponse(
      problems.notFound(
        `No world ${addressed.world}: it was deleted, expired after ${Math.round(registry.ttlMs / 60_000)} idle minutes, or never made here.`,
      ),
    )
  }
  const route = (request: Request, env: unknown, addressed: Addressed) => {
    if (addressed.by === 'nothing') return defaultFetch(request, env)
    if (addressed.by === 'bad-name')
      return problemResponse(
        problems.invalidRequest('X-Sandbox-World must be a world id (wld_…) from POST /sandbox/worlds.'),
      )
    const world = registry.use(addressed.world)
    if (world) return world.fetch(request, env)
    return adopt(addressed.world).then(() => {
      const adopted = registry.use(addressed.world)
      return adopted ? adopted.fetch(request, env) : missing(addressed, request, env)
    })
  }
  return (request, env) => {
    const addressed = addressedWorld(request, env)
    if (addressed.by === 'nothing' && isAssertionCall(request))
      return assertedWorld(request).then((found) => route(request, env, found))
    return route(request, env, addressed)
  }
}

/** Read from node's raw request when there is one: building a WHATWG Request costs a read's tenth. */
export function addressedWorld(request: Request, env: unknown): Addressed {
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming
  const target = incoming?.url ?? pathAndQuery(request.url)
  const header = (name: string): string | undefined => {
    if (!incoming) return request.headers.get(name) ?? undefined
    const value = incoming.headers[name]
    return Array.isArray(value) ? value[0] : value
  }
  if (target.startsWith('/banks/') || target.startsWith('/platform/')) return byCredentials(target, header)
  // Making worlds, and picking one (or the default one again), are the server's own.
  if (target.startsWith('/sandbox/worlds') || PICKER.test(target)) return { by: 'nothing' }
  if (target.startsWith('/sandbox/') || target.startsWith('/demo')) {
    const named = header(WORLD_HEADER_NAME)
    if (named !== undefined && named !== '')
      return WORLD_ID.test(named) ? { by: 'name', world: named } : { by: 'bad-name', given: named }
    const cookie = COOKIE_WORLD.exec(header('cookie') ?? '')?.[1]
    if (cookie !== undefined) return { by: 'cookie', world: cookie }
  }
  return { by: 'nothing' }
}

function byCredentials(target: string, header: (name: string) => string | undefined): Addressed {
  const authorization = header('authorization') ?? ''
  let world: string | undefined
  if (authorization.startsWith('Bearer ')) world = bearerWorld(authorization)
  // A FAPI bank's DPoP-bound token carries its world as a Bearer token does.
  else if (authorization.startsWith('DPoP ')) world = TOKEN_WORLD.exec(authorization.slice(5).trim())?.[1]
  else if (authorization.startsWith('Basic '))
    world = CLIENT_WORLD.exec(basicCredentials(authorization)?.id ?? '')?.[1]
  // The consent page: the customer's browser carries no credentials, the link names the client.
  else if (target.includes('/oauth/authorize?'))
    world = CLIENT_WORLD.exec(new URLSearchParams(target.split('?')[1]).get('client_id') ?? '')?.[1]
  return world === undefined ? { by: 'nothing' } : { by: 'credentials', world }
}

/** A FAPI bank's PAR, token and revoke calls name their client only in the form body. */
const ASSERTION_PATH = /^\/banks\/[^/?]+\/oauth\/(?:par|token|revoke)(?:\?|$)/
const ASSERTION_BODY_LIMIT = 64 * 1024

function isAssertionCall(request: Request): boolean {
  const length = Number(request.headers.get('content-length') ?? Number.NaN)
  return (
    request.method === 'POST' &&
    !request.headers.has('authorization') &&
    (request.headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded') &&
    length > 0 &&
    length <= ASSERTION_BODY_LIMIT &&
    ASSERTION_PATH.test(pathAndQuery(request.url))
  )
}

/** The world of the client a private_key_jwt assertion (or client_id) names, read from a copy of the body. */
async function assertedWorld(request: Request): Promise<Addressed> {
  try {
    const form = new URLSearchParams(await request.clone().text())
    const assertion = form.get('client_assertion')
    const issuer = assertion ? decodeJwt(assertion).iss : undefined
    const world = CLIENT_WORLD.exec(issuer ?? form.get('client_id') ?? '')?.[1]
    return world === undefined ? { by: 'nothing' } : { by: 'credentials', world }
  } catch {
    return { by: 'nothing' }
  }
}

/** The world whose token `Bearer …` carries; undefined for the default world's (or no) token. */
export function bearerWorld(authorization: string): string | undefined {
  return authorization.startsWith('Bearer ')
    ? TOKEN_WORLD.exec(authorization.slice(7).trim())?.[1]
    : undefined
}

function keyedRequest(request: Request): KeyedRequest {
  return {
    method: request.method,
    url: request.url,
    header: (name) => request.headers.get(name) ?? undefined,
  }
}

/** Back to the same page without the world cookie: the default world's dashboard, chosen in the open. */
function forgetWorldChoice(url: string): Response {
  return new Response(null, {
    status: 303,
    headers: {
      Location: pathAndQuery(url),
      'Set-Cookie': `${WORLD_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict`,
    },
  })
}

function pathAndQuery(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  return start < 0 ? '/' : url.slice(start)
}
