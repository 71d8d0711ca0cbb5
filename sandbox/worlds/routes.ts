import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import type { Deps } from '../deps.ts'
import { json, problemResponses } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { validationHook } from '../http/validate.ts'
import { toIso } from '../time/clock.ts'
import { type LiveWorld, lastUseOf, type WorldRegistry } from './registry.ts'

// Making, listing and deleting worlds. Served by the default world's app: the server routes
// /sandbox/worlds there whatever world a request names.

const MAX_PAGE = 100
const tags = ['Control: worlds']

const NewWorld = z.object({
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional()
    .openapi({ description: "Default: the server's seed" }),
  customers: z.number().int().min(1).max(1_000_000).optional(),
  days: z.number().int().min(1).max(3650).optional(),
})
const WorldSummary = z
  .object({
    id: z.string().openapi({ example: 'wld_qxkzmvbtrafhwpdnecyl' }),
    seed: z.number(),
    customers: z.number(),
    days: z.number(),
    createdAt: z.string(),
    lastUsedAt: z.string(),
    expiresAt: z.string().openapi({ description: 'When it expires unless used before then' }),
    integrationUrl: z.string().nullable(),
  })
  .openapi('WorldSummary')
const Credentials = z.object({
  clientId: z.string(),
  clientSecret: z.string(),
  banks: z.record(z.string(), z.object({ webhookSecret: z.string() })),
  platform: z.object({ appSecret: z.string(), pageToken: z.string(), pageId: z.string() }),
})
const WorldCreated = WorldSummary.extend({ credentials: Credentials }).openapi('World')
const WorldId = z.object({ id: z.string().regex(/^wld_[a-z0-9]+$/, 'A world id: wld_…') })

const create = createRoute({
  method: 'post',
  path: '/sandbox/worlds',
  tags,
  summary:
    'Make an isolated world with its own random credentials; name it in X-Sandbox-World on /sandbox/* calls',
  request: { body: { content: { 'application/json': { schema: NewWorld } } } },
  responses: { 201: json(WorldCreated, 'The new world'), ...problemResponses(400, 429) },
})
const list = createRoute({
  method: 'get',
  path: '/sandbox/worlds',
  tags,
  summary: 'The live worlds, oldest first',
  request: {
    query: z.object({
      cursor: z.string().regex(/^\d+$/, 'A cursor from nextCursor').optional(),
      limit: z.coerce.number().int().min(1).max(MAX_PAGE).optional(),
    }),
  },
  responses: {
    200: json(
      z.object({ data: z.array(WorldSummary), nextCursor: z.string().nullable() }),
      'A page of worlds',
    ),
    ...problemResponses(400),
  },
})
const read = createRoute({
  method: 'get',
  path: '/sandbox/worlds/{id}',
  tags,
  summary: 'One live world, with its credentials',
  request: { params: WorldId },
  responses: { 200: json(WorldCreated, 'The world'), ...problemResponses(400, 404) },
})
const remove = createRoute({
  method: 'delete',
  path: '/sandbox/worlds/{id}',
  tags,
  summary: 'Delete a world: its state goes, its id answers 404 and its tokens 401',
  request: { params: WorldId },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(400, 404) },
})

/** Documented on every app; served by a sandbox started as a server (`serve`, `startSandbox()`). */
export function worldsRoutes(server: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  const heldHere: MiddlewareHandler = async (_c, next) => {
    if (!server.server.worlds)
      throw problems.notFound('This sandbox holds no worlds: start it with serve or startSandbox().')
    await next()
  }
  app.use('/sandbox/worlds', heldHere)
  app.use('/sandbox/worlds/*', heldHere)
  const registry = () => server.server.worlds as WorldRegistry
  const summary = (world: LiveWorld) => ({
    id: world.id,
    seed: world.record.seed,
    customers: world.record.customers,
    days: world.record.days,
    createdAt: toIso(world.record.createdAtMs),
    lastUsedAt: toIso(lastUseOf(world)),
    expiresAt: toIso(lastUseOf(world) + registry().ttlMs),
    integrationUrl: world.deps.integrationUrl,
  })
  const withCredentials = (world: LiveWorld) => ({ ...summary(world), credentials: world.deps.credentials })
  const live = (id: string) => {
    const world = registry().peek(id)
    if (!world) throw problems.notFound(`No world ${id}: it was deleted, expired, or never made here.`)
    return world
  }

  app.openapi(create, async (c) => {
    const asked = c.req.valid('json')
    const world = registry().create({
      seed: asked.seed ?? server.seed,
      customers: asked.customers ?? server.customers,
      days: asked.days ?? server.days,
    })
    // Kept before the answer leaves, so another instance on the database can serve it at once.
    await world.deps.store.flushed()
    return c.json(withCredentials(world), 201)
  })

  app.openapi(list, (c) => {
    const { cursor, limit = MAX_PAGE } = c.req.valid('query')
    const after = cursor === undefined ? 0 : Number(cursor)
    const later = registry()
      .list()
      .filter((world) => world.record.number > after)
    const page = later.slice(0, limit)
    const last = page.at(-1)
    return c.json(
      {
        data: page.map(summary),
        nextCursor: later.length > limit && last ? String(last.record.number) : null,
      },
      200,
    )
  })

  app.openapi(read, (c) => c.json(withCredentials(live(c.req.valid('param').id)), 200))

  app.openapi(remove, async (c) => {
    const { id } = c.req.valid('param')
    if (!(await registry().remove(id))) live(id)
    return c.body(null, 204)
  })

  return app
}
