import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { presentTransaction } from '../bank/present.ts'
import { INJECTED_PREFIX, observeTransactions } from '../bank/scan.ts'
import { Transaction } from '../bank/schemas.ts'
import type { Deps } from '../deps.ts'
import { json, problemResponses } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { validationHook } from '../http/validate.ts'
import { cities } from '../synthetic/cities.ts'
import { allCategories } from '../synthetic/merchants.ts'
import type * as internal from '../synthetic/types.ts'
import { toIso } from '../time/clock.ts'
import { TRANSACTION_OBSERVERS, tick } from '../time/tick.ts'

// Injecting card transactions: one charge or a burst, booked on the card's
// account and shown to the bank's observers (fraud engine, transactions.available) at
// once. Injected transactions post the moment they are booked (no pending phase), carry
// no fraud ground truth, and a frozen or replaced card declines them.

export const MAX_BURST = 1000
export const MAX_SPREAD_MS = 86_400_000
const MAX_AMOUNT = 1_000_000_000 // $10M in cents

const Mcc = z.string().regex(/^\d{4}$/, 'Expected an ISO 18245 code of four digits')
const MerchantBody = z.object({
  name: z.string().min(1).max(100),
  mcc: Mcc,
  category: z.string().min(1).max(50),
})
const cityNames = cities.map((city) => city.name) as [string, ...string[]]
const InjectBody = z
  .object({
    amount: z.object({
      amount: z
        .number()
        .int('Expected integer minor units (cents)')
        .min(-MAX_AMOUNT)
        .max(MAX_AMOUNT)
        .refine((n) => n !== 0, 'Must not be zero')
        .openapi({ description: 'Negative is a charge', example: -199 }),
      currency: z.literal('USD'),
    }),
    merchant: z
      .union([MerchantBody, z.string().min(1).max(100)])
      .optional()
      .openapi({ description: 'A merchant, or just its name; default: a plausible merchant for `mcc`' }),
    mcc: Mcc.optional().openapi({
      description: 'Used when `merchant` is absent or a name; default 5999',
      example: '5816',
    }),
    channel: z.enum(['in_store', 'online', 'platform']).default('online'),
    city: z.enum(cityNames).optional().openapi({
      description:
        'Sandbox only: where the charge happened (hidden from the API); default the customer’s home',
    }),
    count: z.number().int().min(1).max(MAX_BURST).default(1),
    spreadMs: z
      .number()
      .int()
      .min(0)
      .max(MAX_SPREAD_MS)
      .default(0)
      .openapi({ description: 'The burst ends now' }),
  })
  .openapi('TransactionInjection')
type InjectBody = z.infer<typeof InjectBody>

const CardParams = z.object({
  bankId: z.string().openapi({ example: 'harbor' }),
  cardId: z.string().max(100).openapi({ example: 'card_harbor_00000_d' }),
})

const inject = createRoute({
  method: 'post',
  path: '/sandbox/banks/{bankId}/cards/{cardId}/transactions',
  tags: ['Control: people'],
  summary: 'Inject one card transaction or a burst spread evenly over spreadMs ending now',
  request: {
    params: CardParams,
    body: { content: { 'application/json': { schema: InjectBody } }, required: true },
  },
  responses: {
    201: json(
      z.object({ data: z.array(Transaction) }).openapi('InjectedTransactions'),
      'The booked transactions',
    ),
    ...problemResponses(400, 403, 404, 409),
  },
})

export function transactionRoutes(deps: Deps) {
  const app = new OpenAPIHono({ defaultHook: validationHook })

  app.openapi(inject, (c) => {
    const { bankId, cardId } = c.req.valid('param')
    const booked = injectTransactions(deps, bankId, cardId, c.req.valid('json'))
    const now = deps.clock.now()
    return c.json({ data: booked.map((txn) => presentTransaction(txn, now)) }, 201)
  })

  return app
}

/** Books the transactions on the card's account and runs the bank's observers on exactly them. */
export function injectTransactions(
  deps: Deps,
  bankId: string,
  cardId: string,
  body: InjectBody,
): internal.Transaction[] {
  const bank = deps.bank(bankId)
  const card = bank && deps.world.card(cardId)
  const account = card && deps.world.account(card.accountId)
  const customer = card && deps.world.customer(card.bankId, card.customerId)
  if (!bank || !card || card.bankId !== bank.id || !account || !customer)
    throw problems.notFound('No such card at this bank.')
  const status = deps.state.cardStatus.get(card.id) ?? 'active'
  if (status === 'frozen') throw problems.cardFrozen('The bank declines every charge on a frozen card.')
  if (status !== 'active')
    throw problems.forbidden(`The card is ${status}: the bank declines every charge on it.`)

  // Catch up first, so the next scan starts after these and never sees them twice.
  tick(deps)
  const now = deps.clock.now()
  const merchant = merchantOf(body)
  const city = body.city ?? customer.person.address.city
  const txns: internal.Transaction[] = []
  for (let i = 0; i < body.count; i++) {
    const bookedAtMs =
      body.count === 1 ? now : now - body.spreadMs + Math.round((i * body.spreadMs) / (body.count - 1))
    txns.push({
      id: deps.ids.next(INJECTED_PREFIX),
      accountId: account.id,
      cardId: card.id,
      amount: body.amount.amount,
      bookedAtMs,
      postedAtMs: bookedAtMs,
      merchant,
      channel: body.channel,
      description: merchant.name,
      city,
      fraud: null,
    })
  }
  deps.book.inject(account, txns)
  deps.bus.publish('transactions.injected', toIso(now), {
    bankId: bank.id,
    cardId: card.id,
    count: txns.length,
  })
  observeTransactions(deps, customer, account, txns, TRANSACTION_OBSERVERS)
  deps.outbox.dispatchDue()
  return txns
}

function merchantOf(body: InjectBody): internal.Merchant {
  if (typeof body.merchant === 'object') return body.merchant
  const mcc = body.mcc ?? '5999'
  const category = allCategories.find((c) => c.mcc === mcc)
  const plausible = category?.merchants[0]?.merchant
  const name = body.merchant ?? plausible?.name ?? `MERCHANT ${mcc}`
  return { name, mcc, category: category?.key ?? 'other' }
}
