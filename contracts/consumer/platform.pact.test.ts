import { MatchersV3 } from '@pact-foundation/pact'
import { describe, expect, test } from 'vitest'
import { OPTIN_TITLE } from '../../fixtures/reference/optins.ts'
import { createPlatformClient } from '../../fixtures/reference/platform-client.ts'
import { PROVIDERS, stateName } from '../vocabulary.ts'
import { consumerPact, EXAMPLE, referenceConfig, stateValue } from './support.ts'

// The reference integration's Send API client (fixtures/reference/platform-client.ts)
// against a Pact mock of the messaging platform. The client only checks that the
// message was accepted, so the contract asks for a 2xx and nothing of the body.

const { fromProviderState, like, regex } = MatchersV3

const pact = consumerPact(PROVIDERS.platform)
const EXAMPLE_TOKEN = 'ntok_4x9QmV2rTqLw8ZpK0sYbHcJd1fGaEuNi'

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

describe('messaging rules (opt-ins and a human agent)', () => {
  test('an opt-in request asks the user to allow notification messages', async () => {
    await pact
      .addInteraction()
      .given(stateName('platformUser'))
      .uponReceiving('an opt-in request for notification messages')
      .withRequest('POST', '/platform/v1/messages', (b) =>
        b.headers({ Authorization: regex('^Bearer \\S+$', 'Bearer page-token-example') }).jsonBody({
          recipient: { id: fromProviderState(stateValue('userId'), EXAMPLE.userId) },
          message: {
            attachment: {
              type: 'template',
              payload: {
                template_type: 'notification_messages',
                title: like(OPTIN_TITLE),
                payload: like('alerts'),
              },
            },
          },
        }),
      )
      .willRespondWith(200)
      .executeTest(async (server) => {
        await expect(
          createPlatformClient(referenceConfig(server.url)).askForNotifications(
            EXAMPLE.userId,
            OPTIN_TITLE,
            'alerts',
          ),
        ).resolves.toBeUndefined()
      })
  })

  test('a message to a notification token the user granted is accepted', async () => {
    const text = 'Possible fraud on card ••4242: 3 charges. Was this you?'
    await pact
      .addInteraction()
      .given(stateName('userOptedIn'))
      .uponReceiving('a message to a notification token')
      .withRequest('POST', '/platform/v1/messages', (b) =>
        b.headers({ Authorization: regex('^Bearer \\S+$', 'Bearer page-token-example') }).jsonBody({
          recipient: {
            notification_messages_token: fromProviderState(stateValue('notificationToken'), EXAMPLE_TOKEN),
          },
          message: { text: like(text) },
        }),
      )
      .willRespondWith(200)
      .executeTest(async (server) => {
        await expect(
          createPlatformClient(referenceConfig(server.url)).sendToToken(EXAMPLE_TOKEN, text),
        ).resolves.toBeUndefined()
      })
  })

  test('the conversation is handed to the page inbox', async () => {
    await pact
      .addInteraction()
      .given(stateName('platformUser'))
      .uponReceiving('a handover to the page inbox')
      .withRequest('POST', '/platform/v1/pass_thread_control', (b) =>
        b.headers({ Authorization: regex('^Bearer \\S+$', 'Bearer page-token-example') }).jsonBody({
          recipient: { id: fromProviderState(stateValue('userId'), EXAMPLE.userId) },
          target_app_id: 'inbox',
          metadata: like('asked for a person'),
        }),
      )
      .willRespondWith(200)
      .executeTest(async (server) => {
        await expect(
          createPlatformClient(referenceConfig(server.url)).passToInbox(EXAMPLE.userId, 'asked for a person'),
        ).resolves.toBeUndefined()
      })
  })
})
