import { scenario } from '../builder.ts'

export const fapiDpopReplay = scenario('fapi-dpop-replay', {
  title: 'FAPI 2.0 DPoP replay',
  summary:
    'A linked summit customer asks for the balance twice. Summit accepts each DPoP proof once; the integration makes a fresh proof for every request, so the second answer is served as the first was.',
  catches: 'a DPoP proof sent again (replayed)',
})
  .person('ana', { banks: ['summit'] })
  .say('ana', 'link summit')
  .mark('first')
  .say('ana', 'balance')
  .mark('second')
  .say('ana', 'balance')
  .expect({
    kind: 'messages',
    id: 'first-balance',
    says: 'The first balance reaches the customer',
    role: 'ana',
    after: 'first',
    before: 'second',
    money: true,
  })
  .expect({
    kind: 'messages',
    id: 'second-balance',
    says: 'The second balance reaches the customer too: no proof was sent twice',
    role: 'ana',
    after: 'second',
    money: true,
  })
  .build()
