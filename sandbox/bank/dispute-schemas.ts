import { z } from '@hono/zod-openapi'

// The wire shape of a dispute (DESIGN §13), shared by the routes, the dispute.updated
// webhook and the guide's examples.

export const DISPUTE_REASONS = ['unrecognized', 'duplicate', 'not_received', 'wrong_amount'] as const
export const DISPUTE_STATUSES = ['submitted', 'provisional_credit', 'resolved'] as const

const BankDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .openapi({ description: 'A date in America/New_York', example: '2026-03-16' })

export const Dispute = z
  .object({
    id: z.string().openapi({ example: 'dsp_k3j9x2m1qa000001' }),
    transactionId: z.string(),
    reason: z.enum(DISPUTE_REASONS),
    status: z.enum(DISPUTE_STATUSES),
    outcome: z.enum(['customer', 'merchant']).nullable(),
    provisionalCreditDueOn: BankDate.nullable().openapi({
      description: 'Reg E (debit): the 10th business day after filing; null under Reg Z (credit cards)',
    }),
    decisionDueOn: BankDate.openapi({
      description: 'Calendar days after filing: 45 (Reg E), 90 for in_store debit charges and under Reg Z',
    }),
    createdAt: z.string().openapi({ example: '2026-03-02T15:04:05.000Z' }),
  })
  .openapi('Dispute')
export type Dispute = z.infer<typeof Dispute>

export const DisputeBody = z
  .object({
    transactionId: z.string().min(1).max(200),
    reason: z.enum(DISPUTE_REASONS),
  })
  .openapi('DisputeRequest')
