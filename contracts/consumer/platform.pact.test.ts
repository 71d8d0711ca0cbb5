import { MatchersV3 } from '@pact-foundation/pact'
import { describe, expect, test } from 'vitest'
import { createPlatformClient } from '../../fixtures/reference/platform-client.ts'
import { PROVIDERS, stateName } from '../vocabulary.ts'
import { consumerPact, EXAMPLE, referenceConfig, stateValue } from './support.ts'

// The reference integration's Send API client (fixtures/reference/platform-client.ts)
// against a Pact mock of the messaging platform. The client only checks that the
// message was accepted, so the contract asks for a 2xx and nothing of the body.

const { fromProviderState, like, regex } = MatchersV3

const pact = consumerPact(PROVIDERS.platform)

describe('POST /platform/v1/messages', () => {
  test('a text message to a user is accepted with the page token', async () => {
    const text = 'Linked harbor. Say "balance" or "spending".'
    await pact
      .addInteraction()
      .given(stateName('platformUser'))
      .uponReceiving('a text message to a user')
      .withRequest('POST', '/platform/v1/messages', (b) =>
        b.headers({ Authorization: regex('^Bearer \\S+$', 'Bearer page-token-example') }).jsonBody({
          recipient: { id: fromProviderState(stateValue('userId'), EXAMPLE.userId) },
          message: { text: like(text) },
        }),
      )
      .willRespondWith(200)
      .executeTest(async (server) => {
        await expect(
          createPlatformClient(referenceConfig(server.url)).send(EXAMPLE.userId, text),
        ).resolves.toBeUndefined()
      })
  })
})
