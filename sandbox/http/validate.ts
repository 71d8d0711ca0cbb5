import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { z } from 'zod'
import { type FieldError, Problem, problems } from './problem.ts'

/** zod issues → field-level errors. Messages come from our schemas, never from the input. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }))
}

type HookResult = { success: true } | { success: false; error: z.ZodError; target?: string }

/** The default hook for every validated route: a failed validation becomes invalid_request. */
export function validationHook(result: HookResult, _c: Context): undefined {
  if (!result.success) throw invalid(result.error, 'target' in result ? result.target : undefined)
  return undefined
}

/** Validation inside a handler (see `documented`), failing exactly as the hook does. */
export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  target: 'param' | 'query' | 'json',
): z.output<T> {
  const result = schema.safeParse(value)
  if (!result.success) throw invalid(result.error, target)
  return result.data
}

/** A JSON request body, refused as zod-openapi's validators refuse it. */
export async function readJson(c: Context): Promise<unknown> {
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(c.req.header('Content-Type') ?? '')) {
    throw problems.invalidRequest('Send the body as application/json with a matching Content-Type.')
  }
  try {
    return await c.req.json()
  } catch (error) {
    // The body limit refuses mid-read; anything else is the JSON itself.
    if (error instanceof Problem || error instanceof HTTPException) throw error
    throw problems.invalidRequest('The body is not well-formed JSON.')
  }
}

function invalid(error: z.ZodError, target: string | undefined) {
  const where = target ? ` in the ${describeTarget(target)}` : ''
  return problems.invalidRequest(`Some fields${where} are not valid.`, fieldErrors(error))
}

function describeTarget(target: string): string {
  switch (target) {
    case 'json':
    case 'form':
      return 'body'
    case 'query':
      return 'query string'
    case 'param':
      return 'path'
    default:
      return target
  }
}
