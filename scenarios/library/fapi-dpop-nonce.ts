import { MINUTE, scenario } from '../builder.ts'

export const fapiDpopNonce = scenario('fapi-dpop-nonce', {
  title: 'FAPI 2.0 DPoP nonce',
  summary:
    'A linked summit customer asks for the balance; ten minutes later summit has a new DPoP nonce and answers the next call use_dpop_nonce. The integration follows the challenge with a fresh proof carrying the new nonce, and never sends its token without a proof.',
  catches: 'a DPoP nonce challenge ignored, or a token sent as a bearer token',
})
  .person('ana', { banks: ['summit'] })
  .say('ana', 'link summit')
  .mark('before')
  .say('ana', 'balance')
  .advance(10 * MINUTE)
  .mark('rotated')
  .say('ana', 'balance')
  .expect({
    kind: 'messages',
    id: 'balance-with-proof',
    says: 'The balance, read with the token and its DPoP proof, reaches the customer',
    role: 'ana',
    after: 'before',
    before: 'rotated',
    money: true,
  })
  .expect({
    kind: 'messages',
    id: 'nonce-followed',
    says: 'After the nonce changed, the challenge is followed and the balance still arrives',
    role: 'ana',
    after: 'rotated',
    money: true,
  })
  .build()
