import { z } from '@hono/zod-openapi'
import { PURPOSES, SCOPES } from './policy.ts'

// Wire shapes of the bank API. One schema per resource; the type shares its name.

export const Money = z
  .object({
    amount: z
      .number()
      .int()
      .openapi({ description: 'Integer minor units (cents); a debit is negative', example: -1250 }),
    currency: z.literal('USD'),
  })
  .openapi('Money')
export type Money = z.infer<typeof Money>

const Timestamp = z
  .string()
  .openapi({ description: 'ISO 8601 UTC with milliseconds', example: '2026-11-20T12:00:00.000Z' })

export const Account = z
  .object({
    id: z.string().openapi({ example: 'acc_harbor_00001_chk' }),
    type: z.enum(['checking', 'savings', 'credit']),
    name: z.string(),
    mask: z.string().openapi({ description: 'Last 4 digits of the account number', example: '0421' }),
    currency: z.literal('USD'),
  })
  .openapi('Account')
export type Account = z.infer<typeof Account>

export const Balance = z
  .object({ accountId: z.string(), current: Money, available: Money, asOf: Timestamp })
  .openapi('Balance')
export type Balance = z.infer<typeof Balance>

export const Merchant = z
  .object({
    name: z.string(),
    mcc: z.string().openapi({ description: 'ISO 18245 merchant category code', example: '5411' }),
    category: z.string(),
  })
  .openapi('Merchant')

export const Transaction = z
  .object({
    id: z.string(),
    accountId: z.string(),
    cardId: z.string().nullable(),
    amount: Money,
    status: z.enum(['pending', 'posted']),
    bookedAt: Timestamp,
    merchant: Merchant,
    channel: z.enum(['in_store', 'online', 'platform']),
    description: z.string(),
  })
  .openapi('Transaction')
export type Transaction = z.infer<typeof Transaction>

export const Card = z
  .object({
    id: z.string(),
    accountId: z.string(),
    kind: z.enum(['debit', 'credit']),
    network: z.string(),
    last4: z.string(),
    expiry: z.string().openapi({ example: '09/29' }),
    status: z.enum(['active', 'frozen', 'replaced']),
  })
  .openapi('Card')
export type Card = z.infer<typeof Card>

export const Alert = z
  .object({
    id: z.string(),
    cardId: z.string(),
    last4: z.string(),
    status: z.enum(['open', 'fraud', 'legitimate']),
    reason: z.string(),
    transactionIds: z
      .array(z.string())
      .openapi({ description: 'The newest flagged transactions, oldest first: at most 50' }),
    transactionCount: z
      .number()
      .int()
      .openapi({ description: 'How many transactions the alert flags in all' }),
    total: Money,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('Alert')
export type Alert = z.infer<typeof Alert>

export const ScopeName = z.enum(SCOPES)
export const PurposeName = z.enum(PURPOSES)

export const Consent = z
  .object({
    id: z.string().openapi({ example: 'cns_000001' }),
    bankId: z.string(),
    customerId: z.string(),
    clientId: z.string(),
    scopes: z.array(ScopeName),
    purpose: PurposeName,
    status: z.enum(['active', 'revoked', 'expired']),
    createdAt: Timestamp,
    expiresAt: Timestamp,
    revokedAt: Timestamp.nullable(),
    revokedBy: z.enum(['customer', 'platform', 'bank']).nullable(),
  })
  .openapi('Consent')
export type Consent = z.infer<typeof Consent>

export { ProblemBody as Problem } from '../http/openapi.ts'

export function page<T extends z.ZodType>(item: T, name: string) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() }).openapi(name)
}
