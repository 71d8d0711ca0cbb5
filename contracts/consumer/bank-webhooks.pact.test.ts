import { MatchersV3 } from '@pact-foundation/pact'
import { describe, expect, test } from 'vitest'
import { createBankClient } from '../../fixtures/reference/bank-client.ts'
import { handleBankEvent } from '../../fixtures/reference/bank-events.ts'
import { REQUESTED_SCOPES } from '../../fixtures/reference/config.ts'
import type { PlatformClient } from '../../fixtures/reference/platform-client.ts'
import type { Store } from '../../fixtures/reference/store.ts'
import { PROVIDERS, type StateKey, stateName, webhookDescription } from '../vocabulary.ts'
import {
  consumerPact,
  EXAMPLE,
  exampleLink,
  last4,
  money,
  oneOf,
  referenceConfig,
  storeWith,
} from './support.ts'

// Bank webhooks as message pacts: each expected payload goes through the reference
// integration's real handler (handleBankEvent), the code behind POST /webhooks/bank/:bankId
// once the signature is checked. The pact holds only what the handler reads.

const { equal, integer, like } = MatchersV3

const pact = consumerPact(PROVIDERS.webhooks)
const LINKED = stateName('linkedCustomer', { bankId: 'harbor', scopes: REQUESTED_SCOPES.join(' ') })
type BankEvent = Parameters<typeof handleBankEvent>[2]

/** Runs the handler on the message as the integration would, recording what users were told. */
async function handle(event: BankEvent, prepare: (store: Store) => void) {
  const store = storeWith(exampleLink())
  prepare(store)
  const sent: { userId: string; text: string }[] = []
  const config = referenceConfig('http://127.0.0.1:1')
  await handleBankEvent(
    {
      config,
      store,
      bank: createBankClient(config, store),
      platform: {
        send: async (userId: string, text: string) => void sent.push({ userId, text }),
      } as unknown as PlatformClient,
    },
    'harbor',
    event,
  )
  return { store, sent, texts: sent.map((message) => message.text) }
}

/** One message interaction: the states that make the bank send it, the payload, what the handler did. */
async function expectWebhook(
  type: string,
  states: string[],
  data: Record<string, unknown>,
  check: (outcome: { store: Store; texts: string[] }) => void,
  /** What the integration knew before the message, beyond the example link. */
  prepare: (store: Store) => void = () => {},
) {
  const interaction = states.reduce(
    (message, state) => message.given(state),
    pact.addAsynchronousInteraction(),
  )
  await interaction
    .expectsToReceive(webhookDescription(type), (b) => b.withJSONContent({ type: equal(type), data }))
    .executeTest(async (message) =>
      check(await handle(message.contents.content as unknown as BankEvent, prepare)),
    )
}

const consentId = like(EXAMPLE.consentId)
const alert = {
  id: like(EXAMPLE.alertId),
  last4: last4(),
  status: oneOf(['open', 'fraud', 'legitimate'], 'open'),
  transactionCount: integer(3),
  total: money(-297),
}
const given = (...keys: StateKey[]) => [LINKED, ...keys.map((key) => stateName(key))]
const resolvedAsFraud = stateName('alertResolved', { outcome: 'fraud' })

describe('fraud webhooks', () => {
  test('fraud.alert.created asks the user about the card, by last4', async () => {
    await expectWebhook(
      'fraud.alert.created',
      given('alertOpen'),
      { consentId, alert },
      ({ store, texts }) => {
        expect(texts).toHaveLength(1)
        expect(texts[0]).toContain('••4242')
        expect(store.alerts.has(EXAMPLE.alertId)).toBe(true)
      },
    )
  })

  test('fraud.alert.updated on an alert not yet seen asks once', async () => {
    await expectWebhook(
      'fraud.alert.updated',
      [...given('alertOpen'), resolvedAsFraud],
      { consentId, alert },
      ({ texts }) => expect(texts).toHaveLength(1),
    )
  })

  test('card.status.changed to frozen tells the user', async () => {
    await expectWebhook(
      'card.status.changed',
      [...given('alertOpen'), resolvedAsFraud],
      { consentId, card: { last4: last4(), status: oneOf(['active', 'frozen', 'replaced'], 'frozen') } },
      ({ texts }) => expect(texts).toEqual(['Card ••4242 is frozen.']),
    )
  })

  test('transactions.available needs no message: every answer is a fresh read', async () => {
    await expectWebhook(
      'transactions.available',
      given('newTransactions'),
      { consentId },
      ({ store, texts }) => {
        expect(texts).toEqual([])
        expect(store.links.size).toBe(1)
      },
    )
  })
})

describe('consent webhooks', () => {
  const revokedBy = oneOf(['customer', 'platform', 'bank'], 'customer')

  test('consent.revoked drops the link and tells the user how to reconnect', async () => {
    await expectWebhook(
      'consent.revoked',
      given('consentRevoked'),
      { consentId, consent: { revokedBy } },
      ({ store, texts }) => {
        expect(store.links.size).toBe(0)
        expect(texts[0]).toContain('link harbor')
      },
    )
  })

  test('consent.expiring warns the user a week ahead', async () => {
    await expectWebhook('consent.expiring', given('consentExpiring'), { consentId }, ({ store, texts }) => {
      expect(store.links.size).toBe(1)
      expect(texts[0]).toContain('link harbor')
    })
  })

  test('consent.expired drops the link', async () => {
    await expectWebhook('consent.expired', given('consentExpired'), { consentId }, ({ store, texts }) => {
      expect(store.links.size).toBe(0)
      expect(texts[0]).toContain('link harbor')
    })
  })
})

describe('partnership webhooks', () => {
  test('partnership.terminating tells each linked user once and refuses new links', async () => {
    await expectWebhook(
      'partnership.terminating',
      [LINKED, stateName('partnershipTerminating', { bankId: 'harbor' })],
      { status: equal('terminating') },
      ({ store, texts }) => {
        expect(texts).toHaveLength(1)
        expect(store.withdrawnBanks.get('harbor')).toBe('terminating')
      },
    )
  })

  test('partnership.terminated forgets every link to the bank', async () => {
    await expectWebhook(
      'partnership.terminated',
      [LINKED, stateName('partnershipTerminated', { bankId: 'harbor' })],
      { status: equal('terminated') },
      ({ store }) => {
        expect(store.links.size).toBe(0)
        expect(store.withdrawnBanks.get('harbor')).toBe('terminated')
      },
    )
  })

  test('partnership.restored takes the withdrawal back: the bank may be linked again', async () => {
    await expectWebhook(
      'partnership.restored',
      [LINKED, stateName('partnershipTerminating', { bankId: 'harbor' })],
      { status: equal('active') },
      ({ store }) => {
        expect(store.withdrawnBanks.has('harbor')).toBe(false)
        expect(store.links.size).toBe(1)
      },
      (store) => store.withdrawnBanks.set('harbor', 'terminating'),
    )
  })
})

describe('dispute webhooks', () => {
  test('dispute.updated with the provisional credit tells the user, naming the merchant', async () => {
    await expectWebhook(
      'dispute.updated',
      given('disputeFiled', 'disputeCredited'),
      {
        consentId,
        dispute: {
          id: like('dsp_example'),
          status: oneOf(['submitted', 'provisional_credit', 'resolved'], 'provisional_credit'),
        },
      },
      ({ texts }) =>
        expect(texts).toEqual([
          'Your dispute of the ZEPHYR TOYS charge: the bank has credited it provisionally.',
        ]),
      (store) =>
        store.disputes.set('dsp_example', {
          userId: EXAMPLE.userId,
          bankId: 'harbor',
          merchant: 'ZEPHYR TOYS',
        }),
    )
  })
})
