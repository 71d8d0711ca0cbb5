import type { Context } from 'hono'
import type { z } from 'zod'
import { type FieldError, problems } from './problem.ts'

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

/** Validation inside a handler (see `documentedGet`), failing exactly as the hook does. */
export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  target: 'param' | 'query',
): z.output<T> {
  const result = schema.safeParse(value)
  if (!result.success) throw invalid(result.error, target)
  return result.data
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
