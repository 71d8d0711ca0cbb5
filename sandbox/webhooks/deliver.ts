import { z } from '@hono/zod-openapi'
import { callOut } from '../http/outbound.ts'
import { LOCAL_TARGETS, type TargetRules } from '../http/url-guard.ts'
import type { Attempt } from '../store/records.ts'

// One HTTP attempt at a webhook. Only a 2xx counts; redirects are not followed (a 3xx is
// a failure); the answer body is read and thrown away, never stored or echoed. In shared
// mode the target's addresses are judged as it connects (see http/outbound.ts).

export const ATTEMPT_TIMEOUT_MS = 10_000

/**
 * One attempt, as kept and shown: a bank webhook's (GET /sandbox/webhooks) and a user
 * message's on its way to the integration (the platform's chat view) alike.
 */
export const DeliveryAttempt = z
  .object({
    number: z.number().int(),
    at: z.string().openapi({ description: 'Wall-clock time of the attempt' }),
    simulatedAt: z
      .string()
      .optional()
      .openapi({ description: 'Simulation time of the attempt (privacy evidence times reactions by both)' }),
    statusCode: z.number().int().nullable(),
    latencyMs: z.number(),
    error: z.string().nullable().openapi({
      description: 'Why there was no HTTP answer (timeout, connection failed, target refused), in our words',
    }),
  })
  .openapi('DeliveryAttempt') satisfies z.ZodType<Attempt>
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>

/** What sending tells, before the attempt is numbered and timed. */
export type AttemptResult = Pick<DeliveryAttempt, 'statusCode' | 'latencyMs' | 'error'>

export type Send = (url: string, headers: Record<string, string>, body: string) => Promise<AttemptResult>

export interface SenderOptions {
  /** The rules a target URL is judged by; null for a built-in integration. Default: local rules. */
  targets?: (url: string) => TargetRules | null
  timeoutMs?: number
}

export function createSender(wallNow: () => number, options: SenderOptions = {}): Send {
  const timeoutMs = options.timeoutMs ?? ATTEMPT_TIMEOUT_MS
  return async (url, headers, body) => {
    const started = wallNow()
    const answer = await callOut(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'bank-sandbox-webhooks', ...headers },
      body,
      timeoutMs,
      targets: options.targets ? options.targets(url) : LOCAL_TARGETS,
    })
    return { statusCode: answer.status, latencyMs: wallNow() - started, error: answer.error }
  }
}

export function succeeded(result: AttemptResult): boolean {
  return result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300
}
