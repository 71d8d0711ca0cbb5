import { describe, expect, test } from 'vitest'
import { Transaction } from '../sandbox/bank/schemas.ts'
import {
  bearer,
  createTestSandbox,
  firstCustomer,
  link,
  postJson,
  TEST_NOW,
  type TestSandbox,
} from './support/helpers.ts'

type Txn = {
  id: string
  amount: { amount: number }
  bookedAt: string
  status: string
  channel: string
  merchant: { name: string; mcc: string; category: string }
}

const inject = (sandbox: TestSandbox, cardId: string, body: unknown, bankId = 'harbor') =>
  sandbox.request(`/sandbox/banks/${bankId}/cards/${cardId}/transactions`, postJson(body))

const charge = (amount: number) => ({ amount, currency: 'USD' })

async function debitCard(sandbox: TestSandbox) {
  const customer = await firstCustomer(sandbox, 'harbor')
  const card = sandbox.deps.world.card(customer.cards[0]?.id ?? '')
  if (!card) throw new Error('the first customer has no card')
  return { customer, card }
}

async function balance(sandbox: TestSandbox, token: string, accountId: string) {
  const res = await sandbox.request(`/banks/harbor/v1/accounts/${accountId}/balances`, {
    headers: bearer(token),
  })
  return (await res.json()) as { current: { amount: number }; available: { amount: number } }
}

describe('POST /sandbox/banks/{bankId}/cards/{cardId}/transactions', () => {
  test('a burst of 20 charges moves the balance by exactly their sum', async () => {
    const sandbox = createTestSandbox()
    const { customer, card } = await debitCard(sandbox)
    const { token } = await link(sandbox, 'harbor', customer.id, ['balances:read'])
    const before = await balance(sandbox, token, card.accountId)
    const res = await inject(sandbox, card.id, { amount: charge(-1234), count: 20, spreadMs: 600_000 })
    expect(res.status).toBe(201)
    const after = await balance(sandbox, token, card.accountId)
    expect(after.current.amount - before.current.amount).toBe(-1234 * 20)
    expect(after.available.amount - before.available.amount).toBe(-1234 * 20)
  })

  test('injected transactions are posted at once and appear first on the transaction page', async () => {
    const sandbox = createTestSandbox()
    const { customer, card } = await debitCard(sandbox)
    const { token } = await link(sandbox, 'harbor', customer.id, ['transactions.all:read'])
    const res = await inject(sandbox, card.id, {
      amount: charge(-450),
      count: 3,
      spreadMs: 120_000,
      channel: 'platform',
    })
    const { data } = (await res.json()) as { data: Txn[] }
    for (const txn of data) expect(() => Transaction.parse(txn)).not.toThrow()
    expect(data.map((t) => t.status)).toEqual(['posted', 'posted', 'posted'])
    const page = await sandbox.request(`/banks/harbor/v1/accounts/${card.accountId}/transactions?limit=3`, {
      headers: bearer(token),
    })
    const listed = ((await page.json()) as { data: Txn[] }).data
    expect(listed.map((t) => t.id)).toEqual(data.map((t) => t.id).reverse())
  })

  test('a burst is spread evenly over spreadMs and ends now', async () => {
    const sandbox = createTestSandbox()
    const { card } = await debitCard(sandbox)
    const res = await inject(sandbox, card.id, { amount: charge(-100), count: 5, spreadMs: 240_000 })
    const { data } = (await res.json()) as { data: Txn[] }
    expect(data.map((t) => Date.parse(t.bookedAt) - TEST_NOW)).toEqual([
      -240_000, -180_000, -120_000, -60_000, 0,
    ])
  })

  test('ids are prefixed txn_inj_ and never hold a run of 13 digits', async () => {
    const sandbox = createTestSandbox()
    const { card } = await debitCard(sandbox)
    const { data } = (await (await inject(sandbox, card.id, { amount: charge(-100), count: 50 })).json()) as {
      data: Txn[]
    }
    expect(new Set(data.map((t) => t.id)).size).toBe(50)
    for (const { id } of data) {
      expect(id).toMatch(/^txn_inj_/)
      expect(id).not.toMatch(/\d{13}/)
    }
  })

  test('without a merchant the charge goes online at a plausible merchant for the mcc', async () => {
    const sandbox = createTestSandbox()
    const { card } = await debitCard(sandbox)
    const res = await inject(sandbox, card.id, { amount: charge(-5200), mcc: '5411' })
    const [txn] = ((await res.json()) as { data: Txn[] }).data
    expect(txn).toMatchObject({
      channel: 'online',
      merchant: { name: 'FRESHWAY MARKET', mcc: '5411', category: 'grocery' },
    })
  })

  test('a merchant given by name keeps the name and takes the category of its mcc', async () => {
    const sandbox = createTestSandbox()
    const { card } = await debitCard(sandbox)
    const res = await inject(sandbox, card.id, { amount: charge(-99), merchant: 'TEST SHOP', mcc: '5816' })
    const [txn] = ((await res.json()) as { data: Txn[] }).data
    expect(txn?.merchant).toEqual({ name: 'TEST SHOP', mcc: '5816', category: 'digital_goods' })
  })

  test('transactions.available goes to a consent that may read them', async () => {
    const sandbox = createTestSandbox()
    const { customer, card } = await debitCard(sandbox)
    const { consent } = await link(sandbox, 'harbor', customer.id, ['transactions.all:read'])
    await inject(sandbox, card.id, { amount: charge(-2500), count: 4, channel: 'in_store', mcc: '5411' })
    const available = sandbox.deps.outbox.list().filter((d) => d.type === 'transactions.available')
    expect(available.map((d) => JSON.parse(d.body).data)).toEqual([
      {
        bankId: 'harbor',
        consentId: consent.id,
        customerId: customer.id,
        accountId: card.accountId,
        count: 4,
      },
    ])
  })
})

describe('injection refusals', () => {
  const cases: [string, unknown, string][] = [
    ['a burst over 1,000', { amount: charge(-100), count: 1001 }, 'count'],
    ['a fractional amount', { amount: charge(-1.5) }, 'amount.amount'],
    ['a zero amount', { amount: charge(0) }, 'amount.amount'],
    ['another currency', { amount: { amount: -100, currency: 'EUR' } }, 'amount.currency'],
    ['an mcc that is not four digits', { amount: charge(-100), mcc: 'abcd' }, 'mcc'],
    ['an unknown channel', { amount: charge(-100), channel: 'atm' }, 'channel'],
    ['a spread over a day', { amount: charge(-100), count: 2, spreadMs: 86_400_001 }, 'spreadMs'],
    ['no amount at all', { count: 3 }, 'amount'],
  ]
  for (const [what, body, path] of cases) {
    test(`${what} is 400 invalid_request naming the field ${path}`, async () => {
      const sandbox = createTestSandbox()
      const { card } = await debitCard(sandbox)
      const res = await inject(sandbox, card.id, body)
      expect(res.status).toBe(400)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
      const problem = (await res.json()) as { code: string; errors: { path: string }[] }
      expect(problem.code).toBe('invalid_request')
      expect(problem.errors.map((e) => e.path)).toContain(path)
    })
  }

  test('an unknown card or bank is 404 not_found', async () => {
    const sandbox = createTestSandbox()
    const { card } = await debitCard(sandbox)
    for (const res of [
      await inject(sandbox, 'card_harbor_zzzzz_d', { amount: charge(-100) }),
      await inject(sandbox, card.id, { amount: charge(-100) }, 'meridian'),
      await inject(sandbox, card.id, { amount: charge(-100) }, 'nobank'),
    ]) {
      expect(res.status).toBe(404)
      expect(await res.json()).toMatchObject({ code: 'not_found', status: 404 })
    }
  })

  test('a frozen card declines: 409 card_frozen and nothing is booked', async () => {
    const sandbox = createTestSandbox()
    const { customer, card } = await debitCard(sandbox)
    const { token } = await link(sandbox, 'harbor', customer.id, ['balances:read'])
    const before = await balance(sandbox, token, card.accountId)
    sandbox.deps.state.cardStatus.set(card.id, 'frozen')
    const res = await inject(sandbox, card.id, { amount: charge(-100), count: 10 })
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ code: 'card_frozen', detail: expect.stringContaining('frozen') })
    expect(await balance(sandbox, token, card.accountId)).toEqual(before)
  })
})
