import { z } from '@hono/zod-openapi'

// One HTTP attempt at a webhook. Only a 2xx counts; redirects are not followed (a 3xx is
// a failure); the answer body is read and thrown away, never stored or echoed.

export const ATTEMPT_TIMEOUT_MS = 10_000

/**
 * One attempt, as kept and shown: a bank webhook's (GET /sandbox/webhooks) and a user
 * message's on its way to the integration (the platform's chat view) alike.
 */
export const DeliveryAttempt = z
  .object({
    number: z.number().int(),
    at: z.string().openapi({ description: 'Wall-clock time of the attempt' }),
    statusCode: z.number().int().nullable(),
    latencyMs: z.number(),
    error: z
      .string()
      .nullable()
      .openapi({ description: 'Why there was no HTTP answer (timeout, refused), in our words' }),
  })
  .openapi('DeliveryAttempt')
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>

/** What sending tells, before the attempt is numbered and timed. */
export type AttemptResult = Pick<DeliveryAttempt, 'statusCode' | 'latencyMs' | 'error'>

export type Send = (url: string, headers: Record<string, string>, body: string) => Promise<AttemptResult>

export function createSender(wallNow: () => number, timeoutMs = ATTEMPT_TIMEOUT_MS): Send {
  return async (url, headers, body) => {
    const started = wallNow()
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'bank-sandbox-webhooks', ...headers },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      })
      await res.arrayBuffer().catch(() => undefined)
      return { statusCode: res.status, latencyMs: wallNow() - started, error: null }
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError'
      return {
        statusCode: null,
        latencyMs: wallNow() - started,
        error: timedOut ? 'timeout' : 'connection failed',
      }
    }
  }
}

export function succeeded(result: AttemptResult): boolean {
  return result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300
}
