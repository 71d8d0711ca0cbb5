import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { StoreUnavailable } from '../store/unavailable.ts'
import { Problem, type ProblemCode, problems } from './problem.ts'

// Every error leaves as application/problem+json. Unknown errors become a bare 500:
// no message, no stack, nothing from the input. A database that is away is a 503 with
// Retry-After: the instance is fine and answers again once it is back.

export function problemResponse(problem: Problem): Response {
  return new Response(JSON.stringify(problem.toBody()), {
    status: problem.status,
    headers: { 'Content-Type': 'application/problem+json', ...problem.headers },
  })
}

export function onError(error: Error, _c: Context): Response {
  return errorResponse(error)
}

/** Any error, thrown inside the app or around it (the store's wait before an answer leaves). */
export function errorResponse(error: unknown): Response {
  if (error instanceof Problem) return problemResponse(error)
  if (error instanceof HTTPException) return problemResponse(fromHttpException(error))
  if (error instanceof StoreUnavailable) return problemResponse(unavailable(error))
  console.error('unexpected error:', error)
  return problemResponse(new Problem('internal', 'Something went wrong inside the sandbox.'))
}

function unavailable({ outage }: StoreUnavailable): Problem {
  return problems.unavailable(
    `The sandbox cannot reach its database (${outage.cause}).`,
    outage.retryAfterSeconds,
  )
}

/** Hono's own refusals (malformed JSON, a wrong Content-Type) in our vocabulary. */
function fromHttpException(error: HTTPException): Problem {
  const byStatus: Record<number, [ProblemCode, string]> = {
    400: ['invalid_request', 'The body is not well-formed JSON.'],
    413: ['payload_too_large', 'The request body is too large.'],
    415: ['invalid_request', 'Send the body as application/json with a matching Content-Type.'],
  }
  const [code, detail] = byStatus[error.status] ?? ['invalid_request', 'The request could not be read.']
  return new Problem(code, detail)
}

export function notFound(_c: Context): Response {
  // The path is not echoed: clients have been known to put card numbers in URLs.
  return problemResponse(new Problem('not_found', 'No route matches this method and path; see /docs.'))
}
