import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Deps } from '../../deps.ts'
import { bearerSecurity, documented, json, problemResponses } from '../../http/openapi.ts'
import { problems } from '../../http/problem.ts'
import { parseInput } from '../../http/validate.ts'
import { cardStatusOf, setCardStatus } from '../card-status.ts'
import { presentCard } from '../present.ts'
import { Card } from '../schemas.ts'
import type { BankGate } from './bank-guards.ts'
import { requireScope } from './consent-checks.ts'
import type { BankEnv } from './env.ts'
import { servedOne } from './served.ts'

// The customer freezes and unfreezes their own card through the integration (cards:write).
// Either call is idempotent: freezing a frozen card answers the card as it is, and sends no
// second card.status.changed. A replaced card stays replaced.

const CardParams = z.object({
  bankId: z.string().openapi({ example: 'harbor' }),
  cardId: z.string().max(100).openapi({ example: 'card_harbor_00000_d' }),
})
const common = {
  security: bearerSecurity,
  tags: ['Card controls'],
  description:
    'Under the cards:write scope. card.status.changed follows a change. While frozen, no charge is booked on the card.',
}
const errors = problemResponses(401, 403, 404)

const freeze = createRoute({
  ...common,
  method: 'post',
  path: '/banks/{bankId}/v1/cards/{cardId}/freeze',
  summary: 'Freeze the card: every charge on it is declined until it is unfrozen',
  request: { params: CardParams },
  responses: { 200: json(Card, 'The card, frozen'), ...errors },
})
const unfreeze = createRoute({
  ...common,
  method: 'post',
  path: '/banks/{bankId}/v1/cards/{cardId}/unfreeze',
  summary: 'Unfreeze the card',
  request: { params: CardParams },
  responses: { 200: json(Card, 'The card, active again'), ...errors },
})

export function cardControlRoutes(deps: Deps, gate: BankGate) {
  const app = new OpenAPIHono<BankEnv>()
  const control = (status: 'frozen' | 'active') =>
    gate.data((c) => {
      const { cardId } = parseInput(CardParams, c.req.param(), 'param')
      const consent = c.get('consent')
      requireScope(consent, 'cards:write')
      const card = deps.world.card(cardId)
      if (!card || card.bankId !== consent.bankId || card.customerId !== consent.customerId)
        throw problems.notFound('No such card under this consent.')
      servedOne(c, 'cards:write')
      if (cardStatusOf(deps, card.id) === 'replaced') return c.json(presentCard(card, 'replaced'), 200)
      return c.json(setCardStatus(deps, card, status), 200)
    })
  documented(app, freeze, control('frozen'))
  documented(app, unfreeze, control('active'))
  return app
}
