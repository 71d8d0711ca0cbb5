import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.ts'
import { bearerSecurity, documented, json, problemResponses } from '../../http/openapi.ts'
import { problems } from '../../http/problem.ts'
import { parseInput } from '../../http/validate.ts'
import { presentCard } from '../present.ts'
import { Card, page } from '../schemas.ts'
import type { BankGate } from './bank-guards.ts'
import { consentCustomer, requireScope } from './consent-checks.ts'
import type { BankEnv } from './env.ts'
import { servedMany, servedOne } from './served.ts'

const BankParams = z.object({ bankId: z.string() })
const CardParams = BankParams.extend({
  cardId: z.string().max(100).openapi({ example: 'card_harbor_00000_d' }),
})
const common = {
  security: bearerSecurity,
  tags: ['Bank data'],
  description: 'Read under the accounts:read scope.',
}
const errors = problemResponses(401, 403, 404)

const listCards = createRoute({
  ...common,
  method: 'get',
  path: '/banks/{bankId}/v1/cards',
  request: { params: BankParams },
  responses: { 200: json(page(Card, 'CardPage'), 'Cards (last4 only, never the full number)'), ...errors },
})
const getCard = createRoute({
  ...common,
  method: 'get',
  path: '/banks/{bankId}/v1/cards/{cardId}',
  request: { params: CardParams },
  responses: { 200: json(Card, 'One card'), ...errors },
})

export function cardRoutes(deps: Deps, gate: BankGate) {
  const app = new OpenAPIHono<BankEnv>()
  const status = (cardId: string) => deps.state.cardStatus.get(cardId) ?? 'active'

  documented(
    app,
    listCards,
    gate.data((c) => {
      const consent = c.get('consent')
      requireScope(consent, 'accounts:read')
      const customer = consentCustomer(deps, consent)
      servedMany(c, 'accounts:read', customer.cards.length)
      return c.json(
        { data: customer.cards.map((card) => presentCard(card, status(card.id))), nextCursor: null },
        200,
      )
    }),
  )

  documented(
    app,
    getCard,
    gate.data((c) => {
      const { cardId } = parseInput(CardParams, c.req.param(), 'param')
      const consent = c.get('consent')
      requireScope(consent, 'accounts:read')
      const card = deps.world.card(cardId)
      if (!card || card.customerId !== consent.customerId)
        throw problems.notFound('No such card under this consent.')
      servedOne(c, 'accounts:read')
      return c.json(presentCard(card, status(card.id)), 200)
    }),
  )

  return app
}
