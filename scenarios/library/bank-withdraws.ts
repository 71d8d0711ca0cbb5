import { DAY, scenario } from '../builder.ts'

export const bankWithdraws = scenario('bank-withdraws', {
  title: 'Bank withdraws',
  summary:
    'Harbor gives a week’s notice and then ends the partnership. The integration tells each linked Harbor user once, at the notice, refuses new Harbor links, stops calling Harbor (no retry storm) and keeps serving Meridian.',
  catches: 'ignoring withdrawal, retry storms, collateral outage',
})
  .person('ana', { banks: ['harbor'], linked: ['harbor'] })
  .person('ben', { banks: ['harbor'], linked: ['harbor'] })
  .person('cara', { banks: ['meridian'], notAt: ['harbor'], linked: ['meridian'] })
  .person('eve', { banks: ['harbor'] })
  .mark('notice')
  .withdraw('harbor', 'terminating', 7 * DAY)
  .mark('asks')
  .say('eve', 'link harbor')
  // The notice week passes: Harbor's consents are served until it ends, then nothing is.
  .advance(7 * DAY + 60_000)
  .mark('after')
  .say('ana', 'balance')
  .say('ben', 'balance')
  .say('cara', 'balance')
  .expect({
    kind: 'messages',
    id: 'told-at-notice',
    says: 'A linked Harbor user is told at the notice, not only when the partnership ends',
    role: 'ana',
    after: 'notice',
    before: 'asks',
    min: 1,
  })
  .expect({
    kind: 'messages',
    id: 'users-told-once',
    says: 'Each linked Harbor user is told once, from the notice to the end',
    role: 'ana',
    after: 'notice',
    before: 'after',
    min: 1,
    max: 1,
  })
  .expect({
    kind: 'messages',
    id: 'every-user-told',
    says: 'Every linked Harbor user is told (ben too), once',
    role: 'ben',
    after: 'notice',
    before: 'after',
    min: 1,
    max: 1,
  })
  .expect({
    kind: 'messages',
    id: 'no-new-links',
    says: 'A new Harbor link is refused, in words: an answer, but no authorize URL',
    role: 'eve',
    after: 'asks',
    min: 1,
    lacks: '/banks/harbor/oauth/authorize',
  })
  .expect({
    kind: 'calls',
    id: 'stops-calling',
    says: 'After the partnership ends the integration makes no call to Harbor',
    bankId: 'harbor',
    after: 'after',
    max: 0,
  })
  .expect({
    kind: 'messages',
    id: 'other-banks-served',
    says: 'Meridian users still get their balance',
    role: 'cara',
    after: 'after',
    money: true,
  })
  .build()
