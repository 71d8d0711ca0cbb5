import { scenario } from '../builder.ts'

export const fapiDpopReplay = scenario('fapi-dpop-replay', {
  title: 'FAPI 2.0 DPoP replay',
  summary:
    'A linked summit customer asks for the balance twice. Summit accepts each DPoP proof once; the integration makes a fresh proof for every request, so the second answer is served as the first was. Then someone on the path sends the integration’s next proof first: summit refuses it as a replay (invalid_dpop_proof), and the integration recovers with a fresh proof.',
  catches: 'a DPoP proof sent again (replayed), or no recovery after a replay refusal',
})
  .person('ana', { banks: ['summit'] })
  .say('ana', 'link summit')
  .mark('first')
  .say('ana', 'balance')
  .mark('second')
  .say('ana', 'balance')
  .mark('taken')
  // The next proof counts as used by someone else: summit answers it invalid_dpop_proof.
  .faults('summit', { dpopProofTaken: true })
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
    before: 'taken',
    money: true,
  })
  .expect({
    kind: 'messages',
    id: 'recovers-after-refusal',
    says: 'After summit refused a proof as already used, a fresh proof still gets the customer’s balance',
    role: 'ana',
    after: 'taken',
    money: true,
  })
  .build()
