import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import { json, problemResponses } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { validationHook } from '../http/validate.ts'
import { DEFAULT_LEASE_MS, MAX_LEASE_MS, MIN_LEASE_MS, RunLease } from './run-lock.ts'

// The world's scenario-run lock over HTTP (run-lock.ts): a runner claims it before its
// first scenario, renews the lease while it runs and lets go at the end.

const tags = ['Control: scenarios']
const LeaseMs = z
  .number()
  .int()
  .min(MIN_LEASE_MS)
  .max(MAX_LEASE_MS)
  .optional()
  .openapi({ description: `How long the lock holds without a renewal (default ${DEFAULT_LEASE_MS} ms)` })
const Claim = z.object({
  label: z
    .string()
    .min(1)
    .max(200)
    .default('a scenario run')
    .openapi({ description: 'Who runs what, shown to whoever is refused' }),
  leaseMs: LeaseMs,
})
const Renewal = z.object({ leaseMs: LeaseMs })
const RunParams = z.object({ runId: z.string().max(100) })

const list = createRoute({
  method: 'get',
  path: '/sandbox/runs',
  tags,
  summary: 'The scenario run in progress in this world, if any',
  responses: { 200: json(z.object({ data: z.array(RunLease) }), 'No run, or the one in progress') },
})
const claim = createRoute({
  method: 'post',
  path: '/sandbox/runs',
  tags,
  summary: 'Start a scenario run: take the world’s run lock, with a lease',
  request: { body: { content: { 'application/json': { schema: Claim } } } },
  responses: {
    201: json(RunLease, 'The lock is yours until the lease runs out'),
    ...problemResponses(400, 409),
  },
})
const renew = createRoute({
  method: 'post',
  path: '/sandbox/runs/{runId}/renew',
  tags,
  summary: 'Extend the lease of the run in progress from now',
  request: {
    params: RunParams,
    body: { content: { 'application/json': { schema: Renewal } } },
  },
  responses: { 200: json(RunLease, 'Renewed'), ...problemResponses(400, 404) },
})
const release = createRoute({
  method: 'delete',
  path: '/sandbox/runs/{runId}',
  tags,
  summary: 'End a run: let go of the lock (nothing happens unless this run holds it)',
  request: { params: RunParams },
  responses: { 204: { description: 'Let go' }, ...problemResponses(400) },
})

export function runRoutes(deps: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })

  app.openapi(list, (c) => {
    const current = deps.runs.current()
    return c.json({ data: current ? [current] : [] }, 200)
  })

  // A body is optional: without a Content-Type the validator takes `{}`.
  app.openapi(claim, (c) => {
    const { label, leaseMs } = c.req.valid('json')
    return c.json(deps.runs.claim(label, leaseMs ?? DEFAULT_LEASE_MS), 201)
  })

  app.openapi(renew, (c) => {
    const { leaseMs } = c.req.valid('json')
    const renewed = deps.runs.renew(c.req.valid('param').runId, leaseMs)
    if (!renewed) throw problems.notFound('That run does not hold the lock: it ended, or its lease ran out.')
    return c.json(renewed, 200)
  })

  app.openapi(release, (c) => {
    deps.runs.release(c.req.valid('param').runId)
    return c.body(null, 204)
  })

  return app
}
