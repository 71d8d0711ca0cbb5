import { scenario } from '../builder.ts'

export const fapiMixUp = scenario('fapi-mix-up', {
  title: 'FAPI 2.0 mix-up',
  summary:
    'The answer to a summit link reaches the integration first naming another issuer, then naming none (RFC 9207). The integration refuses both without redeeming the code, and completes the link from the genuine answer.',
  catches: 'a missing iss check (mix-up attack)',
})
  .person('ana', { banks: ['summit'] })
  .mark('forged')
  .mixUpCallback('ana', 'summit')
  .mark('genuine')
  .completeCallback('ana', 'summit')
  .mark('linked')
  .say('ana', 'balance')
  .expect({
    kind: 'forgeriesRefused',
    id: 'mix-up-refused',
    says: 'Answers with a wrong or missing iss are refused (a 4xx)',
  })
  .expect({
    kind: 'calls',
    id: 'forged-code-not-redeemed',
    says: 'The integration redeems no code from an answer with a wrong or missing iss',
    bankId: 'summit',
    after: 'forged',
    before: 'genuine',
    route: '/banks/:bankId/oauth/token',
    max: 0,
  })
  .expect({
    kind: 'messages',
    id: 'genuine-link-works',
    says: 'The genuine answer completes the link: the balance reaches the customer',
    role: 'ana',
    after: 'linked',
    money: true,
  })
  .build()
