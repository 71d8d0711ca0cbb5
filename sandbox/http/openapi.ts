import { type OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi'
import type { Env, Handler } from 'hono'

/** The body of every error answer (RFC 9457), with the stable `code`. */
export const ProblemBody = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    error: z.object({ code: z.number().int(), message: z.string() }).optional().openapi({
      description: 'Messenger’s own error, on the messaging platform’s policy refusals (code 10)',
    }),
  })
  .openapi('Problem')

// Small helpers so route definitions stay short and every documented error is problem+json.

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description }
}

export function problemResponses(...statuses: number[]) {
  const responses: Record<
    number,
    { content: { 'application/problem+json': { schema: typeof ProblemBody } }; description: string }
  > = {}
  for (const status of statuses) {
    responses[status] = {
      content: { 'application/problem+json': { schema: ProblemBody } },
      description: 'Problem (RFC 9457)',
    }
  }
  return responses
}

export const bearerSecurity = [{ bearerAuth: [] }]

/**
 * A JSON body serialised ahead of time, as bytes: given a string, the node adapter would
 * encode it twice (for Content-Length, then for the socket).
 */
export function jsonBytes(body: Uint8Array<ArrayBufferLike>): Response {
  // Our Buffers sit on plain ArrayBuffers; the DOM typing only wants that said.
  return new Response(body as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
  })
}

/**
 * Documents a route from its zod schemas but mounts the handler bare. zod-openapi puts one
 * async validator layer per input in front of a handler; the bank routes validate inside
 * (`parseInput`, `readJson`) so that the bank gate sees every answer and a read stays one
 * synchronous handler.
 */
export function documented<E extends Env>(
  app: OpenAPIHono<E>,
  route: RouteConfig & { getRoutingPath(): string },
  handler: Handler<E>,
): void {
  app.openAPIRegistry.registerPath(route)
  app.on(route.method.toUpperCase(), route.getRoutingPath(), handler)
}
