import { scenario } from '../builder.ts'

export const bankOutage = scenario('bank-outage', {
  title: 'Bank outage',
  summary:
    'Harbor goes down for maintenance (503 with Retry-After: 3). The integration backs off instead of hammering, and tells the user plainly each time they ask.',
  catches: 'hammering, crashes',
})
  .person('ana', { banks: ['harbor'], linked: ['harbor'] })
  .mark('down')
  // Three seconds of simulation time, frozen for the run: Retry-After says 3, so a correct
  // integration's backoff is over before the next run needs Harbor.
  .faults('harbor', { outageForMs: 3_000 })
  .say('ana', 'balance')
  .say('ana', 'balance')
  .say('ana', 'spending')
  .expect({
    kind: 'calls',
    id: 'backs-off',
    says: 'Three questions during the outage cost Harbor at most two calls: Retry-After is honoured',
    bankId: 'harbor',
    after: 'down',
    max: 2,
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
