import { DAY, scenario } from '../builder.ts'

export const dataMinimisation = scenario('data-minimisation', {
  title: 'Data minimisation',
  summary:
    'Three linked users over three simulated days: Ana asks only for her balance, Ben for his spending once, Cara never writes. The integration calls a bank only to answer a user’s message or a webhook: it reads no transactions for Ana or Cara, and nothing at all for Cara.',
  catches: 'hoarding: background syncs of every linked customer’s history',
})
  .person('ana', { banks: ['harbor'], linked: ['harbor'] })
  .person('ben', { banks: ['meridian'], linked: ['meridian'] })
  .person('cara', { banks: ['harbor'], linked: ['harbor'] })
  .say('ana', 'balance')
  .advance(DAY)
  .say('ben', 'spending')
  .advance(DAY)
  .say('ana', 'balance')
  .advance(DAY)
  .expect({
    kind: 'evidence',
    id: 'evidence-holds',
    says: 'Every bank call answers a user’s message or a webhook, no off-platform record leaves a bank that withholds it, and nothing is shown after a revocation',
  })
  .expect({
    kind: 'calls',
    id: 'no-unasked-spending',
    says: 'Ana asks only for her balance: no transaction is read under her consent',
    bankId: 'harbor',
    role: 'ana',
    route: '/banks/:bankId/v1/accounts/:accountId/transactions',
    max: 0,
  })
  .expect({
    kind: 'calls',
    id: 'silent-user-untouched',
    says: 'Cara never writes: no call of any kind is made under her consent',
    bankId: 'harbor',
    role: 'cara',
    max: 0,
  })
  .expect({
    kind: 'messages',
    id: 'balance-answered',
    says: 'Ana’s question is answered: her balance shows a money amount',
    role: 'ana',
    money: true,
  })
  .build()
