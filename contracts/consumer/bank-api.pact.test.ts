import { MatchersV3 } from '@pact-foundation/pact'
import { describe, expect, test } from 'vitest'
import { createBankClient, TRANSACTION_PAGE_SIZE } from '../../fixtures/reference/bank-client.ts'
import { REQUESTED_SCOPES } from '../../fixtures/reference/config.ts'
import { createStore } from '../../fixtures/reference/store.ts'
import { PROVIDERS, stateName } from '../vocabulary.ts'
import {
  bearer,
  consumerPact,
  EXAMPLE,
  exampleLink,
  formBody,
  isoTimestamp,
  last4,
  money,
  oneOf,
  PROBLEM_JSON,
  problem,
  referenceConfig,
  stateValue,
} from './support.ts'

// The reference integration's bank client (fixtures/reference/bank-client.ts) against a
// Pact mock of the bank API. Each test drives the real client; the pact records only
// the fields the client reads, with matchers, so the bank may add fields freely.

const { eachLike, equal, fromProviderState, integer, like, regex } = MatchersV3

const pact = consumerPact(PROVIDERS.bankApi)
const LINKED = stateName('linkedCustomer', { bankId: 'harbor', scopes: REQUESTED_SCOPES.join(' ') })
const BASIC = {
  Authorization: regex(
    '^Basic [A-Za-z0-9+/]+=*$',
    `Basic ${Buffer.from('platform-demo:cs_example').toString('base64')}`,
  ),
}
const FORM = {
  'Content-Type': regex('^application/x-www-form-urlencoded', 'application/x-www-form-urlencoded'),
}
const TOKENS = {
  access_token: like(EXAMPLE.accessToken),
  refresh_token: like(EXAMPLE.refreshToken),
  expires_in: integer(900),
  scope: like(REQUESTED_SCOPES.join(' ')),
  consent_id: like(EXAMPLE.consentId),
}
const accountPath = (suffix: string) =>
  fromProviderState(
    `/banks/harbor/v1/accounts/${stateValue('accountId')}${suffix}`,
    `/banks/harbor/v1/accounts/${EXAMPLE.accountId}${suffix}`,
  )
const clientFor = (url: string) => createBankClient(referenceConfig(url), createStore())

/** Shared by the accounts test and the refresh test: identical interactions merge into one. */
function accountsInteraction() {
  return pact
    .addInteraction()
    .given(LINKED)
    .uponReceiving('a request for the accounts')
    .withRequest('GET', '/banks/harbor/v1/accounts', (b) => b.headers(bearer()))
    .willRespondWith(200, (b) =>
      b.jsonBody({
        data: eachLike({
          id: like(EXAMPLE.accountId),
          type: oneOf(['checking', 'savings', 'credit'], 'checking'),
          name: like('Everyday Checking'),
          mask: last4('0421'),
        }),
      }),
    )
}

describe('OAuth token endpoint', () => {
  test('an authorization code is exchanged for tokens bound to one consent', async () => {
    await pact
      .addInteraction()
      .given(stateName('approvedLink', { bankId: 'harbor', scopes: REQUESTED_SCOPES.join(' ') }))
      .uponReceiving('a token request with an authorization code')
      .withRequest('POST', '/banks/harbor/oauth/token', (b) => {
        b.headers({ ...BASIC, ...FORM })
        formBody(b, {
          grant_type: 'authorization_code',
          code: fromProviderState(stateValue('code'), EXAMPLE.code),
          redirect_uri: like(EXAMPLE.redirectUri),
        })
      })
      .willRespondWith(200, (b) => b.jsonBody(TOKENS))
      .executeTest(async (server) => {
        const tokens = await clientFor(server.url).exchangeCode('harbor', EXAMPLE.code, EXAMPLE.redirectUri)
        expect(tokens).toMatchObject({ access_token: EXAMPLE.accessToken, consent_id: EXAMPLE.consentId })
      })
  })

  test('a lapsing access token is refreshed before the call', async () => {
    pact
      .addInteraction()
      .given(LINKED)
      .uponReceiving('a token request with a refresh token')
      .withRequest('POST', '/banks/harbor/oauth/token', (b) => {
        b.headers({ ...BASIC, ...FORM })
        formBody(b, {
          grant_type: 'refresh_token',
          refresh_token: fromProviderState(stateValue('refreshToken'), EXAMPLE.refreshToken),
        })
      })
      .willRespondWith(200, (b) => b.jsonBody(TOKENS))
    await accountsInteraction().executeTest(async (server) => {
      const link = exampleLink({ refreshAfter: 0, accessToken: 'at_lapsed' })
      await clientFor(server.url).accounts(link)
      expect(link.accessToken).toBe(EXAMPLE.accessToken)
    })
  })
})

describe('accounts, balances and transactions', () => {
  test('the accounts list names each account by type and mask', async () => {
    await accountsInteraction().executeTest(async (server) => {
      const { data } = await clientFor(server.url).accounts(exampleLink())
      expect(data[0]).toMatchObject({ type: 'checking', mask: '0421' })
    })
  })

  test('a balance has current and available money', async () => {
    await pact
      .addInteraction()
      .given(LINKED)
      .uponReceiving('a request for a balance')
      .withRequest('GET', accountPath('/balances'), (b) => b.headers(bearer()))
      .willRespondWith(200, (b) => b.jsonBody({ current: money(123_456), available: money(120_000) }))
      .executeTest(async (server) => {
        const balance = await clientFor(server.url).balance(exampleLink(), EXAMPLE.accountId)
        expect(balance.available.amount).toBe(120_000)
      })
  })

  test('transactions come in pages joined by an opaque cursor', async () => {
    const size = String(TRANSACTION_PAGE_SIZE)
    const manyTransactions = stateName('manyTransactions', { count: size })
    const transaction = { amount: money(-1250), merchant: { category: like('groceries') } }
    pact
      .addInteraction()
      .given(LINKED)
      .given(manyTransactions)
      .uponReceiving('a request for the first page of transactions')
      .withRequest('GET', accountPath('/transactions'), (b) => b.headers(bearer()).query({ limit: size }))
      .willRespondWith(200, (b) =>
        b.jsonBody({ data: eachLike(transaction), nextCursor: like(EXAMPLE.cursor) }),
      )
    await pact
      .addInteraction()
      .given(LINKED)
      .given(manyTransactions)
      .uponReceiving('a request for the next page of transactions')
      .withRequest('GET', accountPath('/transactions'), (b) =>
        b
          .headers(bearer())
          .query({ limit: size, cursor: fromProviderState(stateValue('cursor'), EXAMPLE.cursor) }),
      )
      .willRespondWith(200, (b) => b.jsonBody({ data: eachLike(transaction), nextCursor: null }))
      .executeTest(async (server) => {
        const client = clientFor(server.url)
        const first = await client.transactions(exampleLink(), EXAMPLE.accountId)
        expect(first.nextCursor).toBe(EXAMPLE.cursor)
        const next = await client.transactions(exampleLink(), EXAMPLE.accountId, first.nextCursor ?? '')
        expect(next.nextCursor).toBeNull()
      })
  })
})

describe('cards and fraud alerts', () => {
  test('cards show last4 and status, never the number', async () => {
    await pact
      .addInteraction()
      .given(LINKED)
      .uponReceiving('a request for the cards')
      .withRequest('GET', '/banks/harbor/v1/cards', (b) => b.headers(bearer()))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          data: eachLike({
            id: like('card_harbor_00000_d'),
            last4: last4(),
            status: oneOf(['active', 'frozen', 'replaced'], 'active'),
          }),
        }),
      )
      .executeTest(async (server) => {
        const { data } = await clientFor(server.url).cards(exampleLink())
        expect(data[0]?.last4).toBe('4242')
      })
  })

  const alertOpen = stateName('alertOpen')
  test('open alerts carry the card and the money at stake', async () => {
    await pact
      .addInteraction()
      .given(LINKED)
      .given(alertOpen)
      .uponReceiving('a request for the fraud alerts')
      .withRequest('GET', '/banks/harbor/v1/alerts', (b) => b.headers(bearer()))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          data: eachLike({
            id: like(EXAMPLE.alertId),
            last4: last4(),
            status: oneOf(['open', 'fraud', 'legitimate'], 'open'),
            total: money(-297),
          }),
        }),
      )
      .executeTest(async (server) => {
        const { data } = await clientFor(server.url).alerts(exampleLink())
        expect(data[0]?.status).toBe('open')
      })
  })

  test('the customer’s "not me" resolves the alert as fraud', async () => {
    await pact
      .addInteraction()
      .given(LINKED)
      .given(alertOpen)
      .uponReceiving('a fraud alert resolution')
      .withRequest(
        'POST',
        fromProviderState(
          `/banks/harbor/v1/alerts/${stateValue('alertId')}/resolution`,
          `/banks/harbor/v1/alerts/${EXAMPLE.alertId}/resolution`,
        ),
        (b) => b.headers({ ...bearer(), 'Content-Type': 'application/json' }).jsonBody({ outcome: 'fraud' }),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody({ id: like(EXAMPLE.alertId), last4: last4(), status: equal('fraud'), total: money(-297) }),
      )
      .executeTest(async (server) => {
        const alert = await clientFor(server.url).resolveAlert(exampleLink(), EXAMPLE.alertId, 'fraud')
        expect(alert.status).toBe('fraud')
      })
  })
})

describe('the consent', () => {
  test('the token’s own consent can be read', async () => {
    await pact
      .addInteraction()
      .given(LINKED)
      .uponReceiving('a request for the consent')
      .withRequest('GET', '/banks/harbor/v1/consent', (b) => b.headers(bearer()))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          id: like(EXAMPLE.consentId),
          status: oneOf(['active', 'revoked', 'expired'], 'active'),
          scopes: eachLike('accounts:read'),
          expiresAt: isoTimestamp('2027-06-15T12:00:00.000Z'),
        }),
      )
      .executeTest(async (server) => {
        const consent = await clientFor(server.url).consent(exampleLink())
        expect(consent.id).toBe(EXAMPLE.consentId)
      })
  })

  test('"disconnect" deletes the consent', async () => {
    await pact
      .addInteraction()
      .given(LINKED)
      .uponReceiving('a consent deletion')
      .withRequest('DELETE', '/banks/harbor/v1/consent', (b) => b.headers(bearer()))
      .willRespondWith(204)
      .executeTest(async (server) => {
        await expect(clientFor(server.url).revoke(exampleLink())).resolves.toBeUndefined()
      })
  })
})

describe('errors the integration must handle', () => {
  test('a revoked consent answers 401 consent_revoked', async () => {
    await pact
      .addInteraction()
      .given(LINKED)
      .given(stateName('consentRevoked'))
      .uponReceiving('a request for the accounts under a revoked consent')
      .withRequest('GET', '/banks/harbor/v1/accounts', (b) => b.headers(bearer()))
      .willRespondWith(401, (b) => b.headers(PROBLEM_JSON).jsonBody(problem('consent_revoked', 401)))
      .executeTest(async (server) => {
        await expect(clientFor(server.url).accounts(exampleLink())).rejects.toMatchObject({
          code: 'consent_revoked',
          status: 401,
        })
      })
  })

  test('a withdrawn bank answers 403 partnership_terminated, and the client stops calling it', async () => {
    await pact
      .addInteraction()
      .given(LINKED)
      .given(stateName('partnershipTerminated', { bankId: 'harbor' }))
      .uponReceiving('a request for the accounts after the partnership ended')
      .withRequest('GET', '/banks/harbor/v1/accounts', (b) => b.headers(bearer()))
      .willRespondWith(403, (b) => b.headers(PROBLEM_JSON).jsonBody(problem('partnership_terminated', 403)))
      .executeTest(async (server) => {
        const store = createStore()
        const client = createBankClient(referenceConfig(server.url), store)
        await expect(client.accounts(exampleLink())).rejects.toMatchObject({ code: 'partnership_terminated' })
        expect(store.withdrawnBanks.get('harbor')).toBe('terminated')
      })
  })

  test('a resource outside the consent’s scopes answers 403 insufficient_scope', async () => {
    await pact
      .addInteraction()
      .given(stateName('linkedCustomer', { bankId: 'harbor', scopes: 'accounts:read' }))
      .uponReceiving('a request for a balance without the balances scope')
      .withRequest('GET', accountPath('/balances'), (b) => b.headers(bearer()))
      .willRespondWith(403, (b) => b.headers(PROBLEM_JSON).jsonBody(problem('insufficient_scope', 403)))
      .executeTest(async (server) => {
        await expect(clientFor(server.url).balance(exampleLink(), EXAMPLE.accountId)).rejects.toMatchObject({
          code: 'insufficient_scope',
          status: 403,
        })
      })
  })

  test('a rate-limited call answers 429 with Retry-After, and the client backs off', async () => {
    await pact
      .addInteraction()
      .given(LINKED)
      .given(stateName('rateLimiting'))
      .uponReceiving('a request for the accounts while the bank is rate limiting')
      .withRequest('GET', '/banks/harbor/v1/accounts', (b) => b.headers(bearer()))
      .willRespondWith(429, (b) =>
        b
          .headers({ ...PROBLEM_JSON, 'Retry-After': regex('^\\d+$', '1') })
          .jsonBody(problem('rate_limited', 429)),
      )
      .executeTest(async (server) => {
        const store = createStore()
        const client = createBankClient(referenceConfig(server.url), store, () => 1_000)
        await expect(client.accounts(exampleLink())).rejects.toMatchObject({ code: 'rate_limited' })
        expect(store.backoffUntil.get('harbor')).toBe(2_000)
      })
  })
})

describe('card controls and disputes', () => {
  const cardId = 'card_harbor_00000_d'
  const date = (example: string) => regex('^\\d{4}-\\d{2}-\\d{2}$', example)

  test('a freeze answers the card, frozen', async () => {
    await pact
      .addInteraction()
      .given(LINKED)
      .uponReceiving('a freeze of the customer’s card')
      .withRequest(
        'POST',
        fromProviderState(
          `/banks/harbor/v1/cards/${stateValue('cardId')}/freeze`,
          `/banks/harbor/v1/cards/${cardId}/freeze`,
        ),
        (b) => b.headers(bearer()),
      )
      .willRespondWith(200, (b) => b.jsonBody({ id: like(cardId), last4: last4(), status: equal('frozen') }))
      .executeTest(async (server) => {
        const card = await clientFor(server.url).setCardFrozen(exampleLink(), cardId, true)
        expect(card).toMatchObject({ id: cardId, status: 'frozen' })
      })
  })

  test('a dispute of a charge answers 201 with its due dates', async () => {
    await pact
      .addInteraction()
      .given(LINKED)
      .given(stateName('chargeBooked'))
      .uponReceiving('a dispute of a charge')
      .withRequest('POST', '/banks/harbor/v1/disputes', (b) => {
        b.headers(bearer())
        b.jsonBody({
          transactionId: fromProviderState(stateValue('transactionId'), 'txn_example'),
          reason: equal('unrecognized'),
        })
      })
      .willRespondWith(201, (b) =>
        b.jsonBody({
          id: like('dsp_example'),
          transactionId: like('txn_example'),
          status: equal('submitted'),
          provisionalCreditDueOn: date('2026-06-30'),
          decisionDueOn: date('2026-07-30'),
        }),
      )
      .executeTest(async (server) => {
        const dispute = await clientFor(server.url).fileDispute(exampleLink(), 'txn_example', 'unrecognized')
        expect(dispute).toMatchObject({ id: 'dsp_example', provisionalCreditDueOn: '2026-06-30' })
      })
  })
})
