import type { OpenAPIHono, RouteConfig, z } from '@hono/zod-openapi'
import type { Env, Handler } from 'hono'
import { Problem } from '../bank/schemas.ts'

// Small helpers so route definitions stay short and every documented error is problem+json.

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description }
}

export function problemResponses(...statuses: number[]) {
  const responses: Record<
    number,
    { content: { 'application/problem+json': { schema: typeof Problem } }; description: string }
  > = {}
  for (const status of statuses) {
    responses[status] = {
      content: { 'application/problem+json': { schema: Problem } },
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
