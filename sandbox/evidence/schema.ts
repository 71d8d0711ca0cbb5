import { z } from '@hono/zod-openapi'
import { PurposeName, ScopeName } from '../bank/schemas.ts'
import { CHECK_IDS } from './check-ids.ts'

// The wire shape of a consent's privacy evidence: what the integration took under it,
// whether each call answered someone, what it was refused after the end, and what the
// user was still shown. The JSON answer, the printable receipt and the CLI all read it.

const Timestamp = z.string().openapi({ description: 'ISO 8601 UTC with milliseconds' })

export const ChannelCounts = z
  .object({ platform: z.number().int(), inStore: z.number().int(), online: z.number().int() })
  .openapi('ChannelCounts', { description: 'Transactions by where they were spent' })
export type ChannelCounts = z.infer<typeof ChannelCounts>

export const Answered = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('user_message'),
      mid: z.string(),
      text: z.string(),
      at: Timestamp,
      afterMs: z.number().openapi({ description: 'Wall-clock time from the delivery to the call' }),
    }),
    z.object({
      kind: z.literal('webhook'),
      id: z.string(),
      type: z.string(),
      at: Timestamp,
      afterMs: z.number().openapi({ description: 'Wall-clock time from the delivery to the call' }),
    }),
    z.object({ kind: z.literal('nothing') }),
  ])
  .openapi('EvidenceAnswered', {
    description:
      'What the call answered: the nearest user message or webhook delivery for this customer before it, within the reaction budget on both clocks; else nothing',
  })
export type Answered = z.infer<typeof Answered>

export const EvidenceCall = z
  .object({
    id: z.number().int().openapi({ description: 'The call’s id in the call journal' }),
    at: Timestamp.openapi({ description: 'Simulation time of the answer' }),
    wallAt: Timestamp.openapi({ description: 'Wall-clock time the call arrived' }),
    method: z.string(),
    route: z.string(),
    path: z.string(),
    status: z.number().int(),
    scope: z.string().nullable().openapi({ description: 'The scope it was served under; null if refused' }),
    records: z.number().int().openapi({ description: 'Records served (0 when refused)' }),
    channels: ChannelCounts.nullable(),
    afterEnd: z.boolean().openapi({ description: 'Made after the consent was revoked or expired' }),
    answered: Answered,
  })
  .openapi('EvidenceCall')
export type EvidenceCall = z.infer<typeof EvidenceCall>

export const Evidence = z
  .object({
    consent: z.object({
      id: z.string(),
      bankId: z.string(),
      bankName: z.string(),
      customerId: z.string(),
      customerName: z.string().nullable(),
      platformUserId: z.string().nullable(),
      clientId: z.string(),
      scopesAsked: z.array(ScopeName),
      scopesGranted: z.array(ScopeName),
      purpose: PurposeName,
      status: z.enum(['active', 'revoked', 'expired']),
      grantedAt: Timestamp,
      expiresAt: Timestamp,
      revokedAt: Timestamp.nullable(),
      revokedBy: z.enum(['customer', 'platform', 'bank']).nullable(),
    }),
    bank: z.object({
      summary: z.string(),
      withholdsOffPlatform: z
        .boolean()
        .openapi({ description: 'The bank’s policy never shares in-store or online spending' }),
    }),
    generatedAt: Timestamp.openapi({ description: 'Simulation time the evidence was read' }),
    reactionMs: z.number().int().openapi({
      description:
        'The reaction budget: a call answers a user message or webhook delivered at most this long before it, on the wall clock and on the simulation clock',
    }),
    totals: z.object({
      calls: z.number().int(),
      served: z.number().int().openapi({ description: 'Calls answered 2xx' }),
      records: z.number().int(),
      channels: ChannelCounts,
      answered: z.object({
        userMessage: z.number().int(),
        webhook: z.number().int(),
        nothing: z.number().int(),
      }),
    }),
    calls: z.array(EvidenceCall).openapi({ description: 'Every call under the consent, oldest first' }),
    end: z
      .object({
        at: Timestamp,
        reason: z.enum(['revoked', 'expired']),
        by: z.enum(['customer', 'platform', 'bank']).nullable(),
        callsAfter: z.number().int(),
        refusedAfter: z.number().int(),
        servedAfter: z.number().int().openapi({ description: 'Calls after the end the bank answered 2xx' }),
        firstRefused: z
          .object({
            callId: z.number().int(),
            at: Timestamp,
            delayMs: z.number().openapi({ description: 'After the end, on the simulation clock' }),
            wallDelayMs: z
              .number()
              .nullable()
              .openapi({ description: 'After the revocation, on the wall clock (null for an expiry)' }),
          })
          .nullable(),
      })
      .nullable()
      .openapi({ description: 'The revocation or expiry, and the calls made after it; null while active' }),
    shownAfterEnd: z
      .array(
        z.object({
          mid: z.string(),
          at: Timestamp,
          text: z.string(),
          amounts: z.array(z.string()).openapi({ description: 'The money amounts in the line' }),
        }),
      )
      .openapi({
        description:
          'Chat lines the integration sent the user after the end that show a money amount drawn from this consent: the latest data call the bank served under any of the customer’s consents at this bank before the line was made under this one (or none is kept)',
      }),
    webhooks: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        createdAt: Timestamp,
        status: z.string(),
        attempts: z.number().int(),
        deliveredAt: Timestamp.nullable().openapi({ description: 'Wall-clock time of the 2xx' }),
      }),
    ),
    checks: z.array(
      z.object({
        id: z.enum(CHECK_IDS),
        held: z.boolean(),
        says: z.string(),
        breaches: z
          .array(z.string())
          .openapi({ description: 'What broke it: ids of calls in the journal, or of chat messages' }),
      }),
    ),
  })
  .openapi('ConsentEvidence')
export type Evidence = z.infer<typeof Evidence>
