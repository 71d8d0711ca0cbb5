import { DAY, scenario } from '../builder.ts'

const MERCHANT = 'ZEPHYR TOYS'

export const disputeInChat = scenario('dispute-in-chat', {
  title: 'A disputed charge in chat',
  summary:
    'Ana, linked at harbor, is charged at ZEPHYR TOYS and then at BOLT COFFEE. She says "dispute"; the integration offers her recent charges as quick replies, she taps ZEPHYR TOYS, and it files the dispute on that charge and tells her the provisional-credit date (YYYY-MM-DD). As the clock moves, the bank posts the provisional credit and then decides: the integration relays each dispute.updated to her, naming the merchant.',
  catches: 'disputes never filed, the wrong transaction disputed, silent dispute updates',
})
  .person('ana', { banks: ['harbor'], linked: ['harbor'] })
  .spend('ana', 'harbor', { amount: -4599, merchant: MERCHANT, channel: 'platform' })
  .spend('ana', 'harbor', { amount: -450, merchant: 'BOLT COFFEE', channel: 'platform' })
  .mark('ask')
  .say('ana', 'dispute')
  .tap('ana', MERCHANT)
  .mark('filed')
  // Ten business days are at most 16 calendar days, holidays included.
  .advance(20 * DAY)
  .mark('credited')
  // 45 calendar days after filing, the decision.
  .advance(40 * DAY)
  .mark('end')
  .expect({
    kind: 'messages',
    id: 'offers-charges',
    says: '"dispute" is answered with her recent charges as quick replies',
    role: 'ana',
    after: 'ask',
    before: 'filed',
    offersQuickReply: MERCHANT,
  })
  .expect({
    kind: 'calls',
    id: 'dispute-filed',
    says: 'Her choice becomes one dispute filed at the bank',
    bankId: 'harbor',
    role: 'ana',
    after: 'ask',
    method: 'POST',
    route: '/banks/:bankId/v1/disputes',
    min: 1,
    max: 1,
  })
  .expect({
    kind: 'dispute',
    id: 'right-transaction',
    says: 'The dispute is of the charge she chose, and of no other',
    role: 'ana',
    bankId: 'harbor',
    merchant: MERCHANT,
  })
  .expect({
    kind: 'dispute',
    id: 'date-told',
    says: 'She is told the date of her provisional credit, as YYYY-MM-DD',
    role: 'ana',
    bankId: 'harbor',
    merchant: MERCHANT,
    toldDueDate: true,
  })
  .expect({
    kind: 'messages',
    id: 'filing-confirmed',
    says: 'She is told the dispute of the charge at ZEPHYR TOYS is filed',
    role: 'ana',
    after: 'ask',
    before: 'filed',
    contains: MERCHANT,
  })
  .expect({
    kind: 'messages',
    id: 'credit-relayed',
    says: 'The provisional credit (dispute.updated) reaches her, naming the merchant',
    role: 'ana',
    after: 'filed',
    before: 'credited',
    contains: MERCHANT,
  })
  .expect({
    kind: 'messages',
    id: 'decision-relayed',
    says: 'The decision (dispute.updated) reaches her, naming the merchant',
    role: 'ana',
    after: 'credited',
    contains: MERCHANT,
  })
  .build()
