import type { Deps } from '../deps.ts'
import type { CardFreezeRecord, CardStatus } from '../store/state.ts'
import type * as internal from '../synthetic/types.ts'
import { toIso } from '../time/clock.ts'
import { cardStatusEvent } from './events.ts'
import { consentsFor, notify } from './notify.ts'
import { presentCard } from './present.ts'
import type { Card } from './schemas.ts'

// A card's status, and what a change of it brings: the freeze span the book reads (the
// world's spending skips a frozen card) and card.status.changed to every consent that sees
// cards or alerts. Fraud resolutions and the customer's own freeze go through here alike.

export function cardStatusOf(deps: Deps, cardId: string): CardStatus {
  return deps.state.cardStatus.get(cardId) ?? 'active'
}

/** Changes a card's status (a no-op when it already has it) and tells whoever may hear of it. */
export function setCardStatus(deps: Deps, card: internal.Card, status: CardStatus): Card {
  const now = deps.clock.now()
  const wire = presentCard(card, status)
  if (cardStatusOf(deps, card.id) === status) return wire
  if (status === 'active') deps.state.cardStatus.delete(card.id)
  else deps.state.cardStatus.set(card.id, status)
  recordFreezeSpan(deps, card.id, status === 'frozen', now)
  deps.book.freezesChanged()
  for (const consent of consentsFor(deps, card.bankId, card.customerId, 'accounts:read', 'alerts')) {
    notify(deps, consent.bankId, consent.id, cardStatusEvent(consent, wire, now))
  }
  deps.bus.publish('card.status.changed', toIso(now), {
    bankId: card.bankId,
    customerId: card.customerId,
    card: wire,
  })
  return wire
}

/** Opens a span when the card freezes, closes the open one when it thaws. */
function recordFreezeSpan(deps: Deps, cardId: string, frozen: boolean, now: number): void {
  const spans = deps.state.cardFreezes.get(cardId)?.spans ?? []
  const open = spans.at(-1)?.untilMs === null
  if (frozen && !open) {
    deps.state.cardFreezes.set(cardId, { spans: [...spans, { fromMs: now, untilMs: null }] })
  } else if (!frozen && open) {
    const closed: CardFreezeRecord['spans'] = spans.map((span, i) =>
      i === spans.length - 1 ? { ...span, untilMs: now } : span,
    )
    deps.state.cardFreezes.set(cardId, { spans: closed })
  }
}
