import { scenario } from '../builder.ts'

export const bankOutage = scenario('bank-outage', {
  title: 'Bank outage',
  summary:
    'Harbor goes down for maintenance (503 with Retry-After). The integration backs off instead of hammering, and tells the user plainly each time they ask.',
  catches: 'hammering, crashes',
})
  .person('ana', { banks: ['harbor'], linked: ['harbor'] })
  .mark('down')
  .faults('harbor', { outageUntil: '2099-01-01T00:00:00.000Z' })
  .say('ana', 'balance')
  .say('ana', 'balance')
  .say('ana', 'spending')
  .expect({
    kind: 'calls',
    id: 'backs-off',
    says: 'Three questions during the outage cost Harbor at most three calls',
    bankId: 'harbor',
    after: 'down',
    max: 3,
  })
  .expect({
    kind: 'messages',
    id: 'user-told',
    says: 'The user gets an answer to each question, without a money amount',
    role: 'ana',
    after: 'down',
    min: 3,
    money: false,
  })
  .build()
