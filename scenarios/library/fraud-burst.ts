import { MINUTE, scenario } from '../builder.ts'

export const fraudBurst = scenario('fraud-burst', {
  title: 'Fraud burst',
  summary:
    'A card-testing burst hits a linked card. The integration acks every delivery within 2 s, tells the user once or twice (card last4, never the number), ignores duplicate webhook-ids, relays "not me" as a fraud resolution and confirms the freeze.',
  catches: 'spamming, duplicates, lost alerts, slow acks',
})
  .person('ana', { banks: ['harbor'], linked: ['harbor'] })
  .mark('burst')
  .spend('ana', 'harbor', { amount: -137, count: 30, spreadMs: 4 * MINUTE, mcc: '5816' })
  .redeliver('fraud.alert.created', 2)
  .mark('answer')
  .say('ana', 'not me')
  .mark('end')
  .expect({
    kind: 'acksInTime',
    id: 'acks-in-time',
    says: 'Every webhook delivery is acknowledged with a 2xx within 2 s',
    withinMs: 2000,
  })
  .expect({
    kind: 'messages',
    id: 'alert-relayed',
    says: 'The user hears about the burst, naming the card by its last4',
    role: 'ana',
    after: 'burst',
    before: 'answer',
    min: 1,
    namesLast4Of: 'harbor',
  })
  .expect({
    kind: 'messages',
    id: 'alerts-coalesced',
    says: 'The burst and its duplicate deliveries reach the user as at most two messages',
    role: 'ana',
    after: 'burst',
    before: 'answer',
    max: 2,
  })
  .expect({ kind: 'noCardNumbers', id: 'no-card-number', says: 'No message carries a full card number' })
  .expect({
    kind: 'calls',
    id: 'resolution-relayed',
    says: '"not me" becomes a resolution call to the bank',
    bankId: 'harbor',
    after: 'answer',
    method: 'POST',
    route: '/banks/:bankId/v1/alerts/:alertId/resolution',
    min: 1,
    max: 1,
  })
  .expect({
    kind: 'card',
    id: 'card-frozen',
    says: 'The bank froze the card',
    role: 'ana',
    bankId: 'harbor',
    status: 'frozen',
  })
  .expect({
    kind: 'messages',
    id: 'freeze-confirmed',
    says: 'The user is told the card is frozen, by its last4',
    role: 'ana',
    after: 'answer',
    min: 1,
    namesLast4Of: 'harbor',
  })
  .build()
