import { scenario } from '../builder.ts'

export const cardControls = scenario('card-controls', {
  title: 'Card controls in chat',
  summary:
    'Ana banks at harbor and meridian, both linked. She says "freeze <last4>" naming her meridian card, then "unfreeze <last4>". The integration freezes and unfreezes that card at meridian (not her harbor card), and confirms each by its last4 once the bank has done it.',
  catches: 'confirming a freeze without calling the bank, freezing the wrong card',
})
  .person('ana', { banks: ['harbor', 'meridian'], linked: ['harbor', 'meridian'] })
  .mark('freeze')
  .say('ana', 'freeze {last4:meridian}')
  .mark('unfreeze')
  .say('ana', 'unfreeze {last4:meridian}')
  .mark('end')
  .expect({
    kind: 'calls',
    id: 'freeze-at-bank',
    says: '"freeze <last4>" becomes one freeze call for that card at its bank',
    bankId: 'meridian',
    role: 'ana',
    after: 'freeze',
    before: 'unfreeze',
    method: 'POST',
    route: '/banks/:bankId/v1/cards/:cardId/freeze',
    min: 1,
    max: 1,
  })
  .expect({
    kind: 'messages',
    id: 'freeze-confirmed',
    says: 'Ana is told her card is frozen, by its last4',
    role: 'ana',
    after: 'freeze',
    before: 'unfreeze',
    min: 1,
    namesLast4Of: 'meridian',
  })
  .expect({
    kind: 'calls',
    id: 'unfreeze-at-bank',
    says: '"unfreeze <last4>" becomes one unfreeze call for that card at its bank',
    bankId: 'meridian',
    role: 'ana',
    after: 'unfreeze',
    method: 'POST',
    route: '/banks/:bankId/v1/cards/:cardId/unfreeze',
    min: 1,
    max: 1,
  })
  .expect({
    kind: 'messages',
    id: 'unfreeze-confirmed',
    says: 'Ana is told her card works again, by its last4',
    role: 'ana',
    after: 'unfreeze',
    min: 1,
    namesLast4Of: 'meridian',
  })
  .expect({
    kind: 'calls',
    id: 'other-card-untouched',
    says: 'Her card at harbor, which she did not name, is neither frozen nor unfrozen',
    bankId: 'harbor',
    role: 'ana',
    method: 'POST',
    route: '/banks/:bankId/v1/cards/:cardId/*',
    max: 0,
  })
  .build()
