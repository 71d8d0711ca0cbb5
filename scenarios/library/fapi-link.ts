import { scenario } from '../builder.ts'

export const fapiLink = scenario('fapi-link', {
  title: 'FAPI 2.0 link and balance',
  summary:
    'A customer links summit, the FAPI 2.0 bank, through the chat: the integration pushes the request with PKCE (PAR), redeems the code with private_key_jwt and a DPoP proof, follows the nonce challenge, and reads the balance with a DPoP-bound token.',
  catches: 'a client that cannot speak FAPI 2.0: no PKCE, no DPoP',
})
  .person('ana', { banks: ['summit'] })
  .say('ana', 'link summit')
  .mark('linked')
  .say('ana', 'balance')
  .expect({
    kind: 'calls',
    id: 'code-redeemed',
    says: 'The integration redeems the code at summit’s token endpoint',
    bankId: 'summit',
    before: 'linked',
    route: '/banks/:bankId/oauth/token',
    min: 1,
  })
  .expect({
    kind: 'messages',
    id: 'balance-answered',
    says: 'The balance, read with a DPoP-bound token, reaches the customer',
    role: 'ana',
    after: 'linked',
    money: true,
  })
  .build()
