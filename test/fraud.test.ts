import { describe, expect, test } from 'vitest'
import { fraudQuality } from '../bench/fraud-quality.ts'
import { detectFraud } from '../sandbox/bank/fraud-engine.ts'
import { amountAnomaly, type Baseline, cardTesting, impossibleTravel } from '../sandbox/bank/fraud-rules.ts'
import { observeTransactions } from '../sandbox/bank/scan.ts'
import { cities, distanceKm } from '../sandbox/synthetic/cities.ts'
import { DAY_MS, type Transaction } from '../sandbox/synthetic/types.ts'
import {
  basic,
  bearer,
  createTestSandbox,
  firstCustomer,
  link,
  postForm,
  postJson,
  TEST_NOW,
  type TestSandbox,
} from './support/helpers.ts'

const MINUTE = 60_000
const charge = (amount: number) => ({ amount, currency: 'USD' })
const inject = (sandbox: TestSandbox, cardId: string, body: unknown) =>
  sandbox.request(`/sandbox/banks/harbor/cards/${cardId}/transactions`, postJson(body))
const injectedIds = async (res: Response) =>
  ((await res.json()) as { data: { id: string }[] }).data.map((t) => t.id)
const eventTypes = (sandbox: TestSandbox) => sandbox.deps.outbox.list().map((d) => d.type)
const count = (types: string[], type: string) => types.filter((t) => t === type).length

/** A linked harbor customer who is not a frequent traveller, and their debit card. */
async function linkedCustomer(
  sandbox: TestSandbox,
  scopes: Parameters<typeof link>[3] = ['alerts'],
  offset = 0,
) {
  for (let i = offset; ; i++) {
    const view = await firstCustomer(sandbox, 'harbor', i)
    const customer = sandbox.deps.world.customer('harbor', view.id)
    const card = customer?.cards.find((c) => c.kind === 'debit')
    if (!customer || !card || customer.person.archetype === 'traveller') continue
    const linked = await link(sandbox, 'harbor', customer.id, scopes)
    return { customer, card, ...linked }
  }
}

function txn(overrides: Partial<Transaction>): Transaction {
  return {
    id: 'txn_test',
    accountId: 'acc_test',
    cardId: 'card_test',
    amount: -100,
    bookedAtMs: TEST_NOW,
    postedAtMs: TEST_NOW,
    merchant: { name: 'TEST', mcc: '5999', category: 'misc_retail' },
    channel: 'online',
    description: 'TEST',
    city: 'Chicago',
    fraud: null,
    ...overrides,
  }
}

describe('fraud rules', () => {
  const baseline: Baseline = {
    charges: 200,
    medianCharge: 3000,
    largestCharge: 40_000,
    homeCity: 'Chicago',
    awayShare: 0.05,
  }

  test('card testing needs three tiny online charges within fifteen minutes', () => {
    const earlier = [
      txn({ id: 'a', bookedAtMs: TEST_NOW - 4 * MINUTE }),
      txn({ id: 'b', bookedAtMs: TEST_NOW - 2 * MINUTE }),
    ]
    expect(cardTesting(txn({ id: 'c' }), earlier.slice(1), baseline)).toBeNull()
    expect(cardTesting(txn({ id: 'c' }), earlier, baseline)?.transactions.map((t) => t.id)).toEqual([
      'a',
      'b',
      'c',
    ])
    expect(cardTesting(txn({ id: 'c', channel: 'in_store' }), earlier, baseline)).toBeNull()
    expect(cardTesting(txn({ id: 'c', amount: -2500 }), earlier, baseline)).toBeNull()
    expect(cardTesting(txn({ id: 'c', bookedAtMs: TEST_NOW + 30 * MINUTE }), earlier, baseline)).toBeNull()
  })

  test('an amount anomaly must dwarf the median, beat the largest charge and exceed $300', () => {
    expect(amountAnomaly(txn({ amount: -100_000 }), [], baseline)?.rule).toBe('amount_anomaly')
    expect(amountAnomaly(txn({ amount: -39_000 }), [], baseline)).toBeNull()
    expect(amountAnomaly(txn({ amount: -100_000 }), [], { ...baseline, largestCharge: 120_000 })).toBeNull()
    expect(amountAnomaly(txn({ amount: -100_000 }), [], { ...baseline, charges: 3 })).toBeNull()
    expect(
      amountAnomaly(txn({ amount: -20_000 }), [], { ...baseline, medianCharge: 500, largestCharge: 1000 }),
    ).toBeNull()
  })

  test('impossible travel flags an away in-store charge 1,500 km from one minutes before', () => {
    const home = txn({ id: 'home', channel: 'in_store', city: 'Chicago', bookedAtMs: TEST_NOW - 20 * MINUTE })
    const far = txn({ id: 'far', channel: 'in_store', city: 'Los Angeles' })
    expect(impossibleTravel(far, [home], baseline)?.transactions.map((t) => t.id)).toEqual(['far'])
    expect(impossibleTravel(txn({ channel: 'in_store', city: 'Detroit' }), [home], baseline)).toBeNull()
    expect(impossibleTravel(far, [{ ...home, bookedAtMs: TEST_NOW - 90 * MINUTE }], baseline)).toBeNull()
    expect(impossibleTravel(far, [{ ...home, channel: 'online' }], baseline)).toBeNull()
    expect(impossibleTravel(far, [home], { ...baseline, awayShare: 0.4 })).toBeNull()
  })
})

describe('fraud engine on injected charges', () => {
  test('a card-testing burst becomes exactly one alert holding every charge of the burst', async () => {
    const sandbox = createTestSandbox()
    const { card, consent } = await linkedCustomer(sandbox)
    const ids = await injectedIds(
      await inject(sandbox, card.id, { amount: charge(-99), count: 20, spreadMs: 5 * MINUTE }),
    )
    const alerts = [...sandbox.deps.state.alerts.values()]
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({ cardId: card.id, last4: card.last4, status: 'open', total: -99 * 20 })
    expect(alerts[0]?.reason).toMatch(/^Card testing/)
    expect([...(alerts[0]?.transactionIds ?? [])].sort()).toEqual([...ids].sort())
    const created = sandbox.deps.outbox.list().filter((d) => d.type === 'fraud.alert.created')
    expect(created).toHaveLength(1)
    expect(JSON.parse(created[0]?.body ?? '{}').data).toMatchObject({
      consentId: consent.id,
      alert: { id: alerts[0]?.id },
    })
    expect(count(eventTypes(sandbox), 'fraud.alert.updated')).toBeLessThanOrEqual(2)
  })

  test('a burst of 50 in five requests grows one alert: one created, one update per request after', async () => {
    const sandbox = createTestSandbox()
    const { card } = await linkedCustomer(sandbox)
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      sandbox.deps.clock.advance(MINUTE)
      ids.push(
        ...(await injectedIds(
          await inject(sandbox, card.id, { amount: charge(-149), count: 10, spreadMs: 30_000 }),
        )),
      )
    }
    expect(sandbox.deps.state.alerts.size).toBe(1)
    expect([...sandbox.deps.state.alerts.values()][0]?.transactionIds).toHaveLength(50)
    const types = eventTypes(sandbox)
    expect(count(types, 'fraud.alert.created')).toBe(1)
    expect(count(types, 'fraud.alert.updated')).toBe(4)
  })

  test('an alert that keeps growing stays small: its payload names the newest 50, with the count and total of all', async () => {
    const sandbox = createTestSandbox()
    const { card } = await linkedCustomer(sandbox)
    const ids: string[] = []
    for (let i = 0; i < 40; i++) {
      sandbox.deps.clock.advance(MINUTE)
      ids.push(
        ...(await injectedIds(
          await inject(sandbox, card.id, { amount: charge(-149), count: 5, spreadMs: 30_000 }),
        )),
      )
    }
    const updates = sandbox.deps.outbox.list().filter((d) => d.type === 'fraud.alert.updated')
    const last = updates.at(-1)
    if (!last) throw new Error('no alert update was sent')
    const { alert } = (JSON.parse(last.body) as { data: { alert: Record<string, unknown> } }).data
    expect(alert.transactionIds).toEqual(ids.slice(-50))
    expect(alert.transactionCount).toBe(200)
    expect(alert.total).toEqual(charge(-149 * 200))
    // Every update is as small as the first that named 50: no payload grows with the card's history.
    expect(Math.max(...updates.map((d) => d.body.length))).toBeLessThan(4_000)
  })

  test('an alert record keeps its newest 5,000 ids and still never flags a kept one twice', async () => {
    const sandbox = createTestSandbox()
    const { card } = await linkedCustomer(sandbox)
    for (let i = 0; i < 6; i++) {
      sandbox.deps.clock.advance(MINUTE)
      await inject(sandbox, card.id, { amount: charge(-149), count: 1_000, spreadMs: 30_000 })
    }
    const [alert] = [...sandbox.deps.state.alerts.values()]
    expect(alert?.transactionIds).toHaveLength(5_000)
    expect(alert?.transactionCount).toBe(6_000)
    expect(new Set(alert?.transactionIds).size).toBe(5_000)
  })

  test('charges that each look harmless alone raise an alert once the third arrives in another request', async () => {
    const sandbox = createTestSandbox()
    const { card } = await linkedCustomer(sandbox)
    const first = await injectedIds(
      await inject(sandbox, card.id, { amount: charge(-50), count: 2, spreadMs: MINUTE }),
    )
    expect(sandbox.deps.state.alerts.size).toBe(0)
    sandbox.deps.clock.advance(MINUTE)
    const third = await injectedIds(await inject(sandbox, card.id, { amount: charge(-50) }))
    expect([...sandbox.deps.state.alerts.values()][0]?.transactionIds).toEqual([...first, ...third])
  })

  test('a single normal purchase raises no alert', async () => {
    const sandbox = createTestSandbox()
    const { card } = await linkedCustomer(sandbox)
    const res = await inject(sandbox, card.id, { amount: charge(-2500), mcc: '5411', channel: 'in_store' })
    expect(res.status).toBe(201)
    expect(sandbox.deps.state.alerts.size).toBe(0)
    expect(eventTypes(sandbox).filter((t) => t.startsWith('fraud.'))).toEqual([])
  })

  test('a charge far above anything the customer spends is an amount anomaly', async () => {
    const sandbox = createTestSandbox()
    const { card } = await linkedCustomer(sandbox)
    const [id] = await injectedIds(
      await inject(sandbox, card.id, { amount: charge(-2_500_000), mcc: '5732', channel: 'in_store' }),
    )
    const alerts = [...sandbox.deps.state.alerts.values()]
    expect(alerts.map((a) => a.transactionIds)).toEqual([[id]])
    expect(alerts[0]?.reason).toMatch(/^Amount anomaly/)
  })

  test('an in-store charge 1,500 km from the previous one twenty minutes earlier is impossible travel', async () => {
    const sandbox = createTestSandbox()
    const { card, customer } = await linkedCustomer(sandbox)
    const home = cities.find((c) => c.name === customer.person.address.city)
    const far = cities.find((c) => home && distanceKm(home, c) > 2000)
    if (!home || !far) throw new Error('no far city')
    await inject(sandbox, card.id, {
      amount: charge(-3000),
      mcc: '5812',
      channel: 'in_store',
      city: home.name,
    })
    sandbox.deps.clock.advance(20 * MINUTE)
    const [away] = await injectedIds(
      await inject(sandbox, card.id, {
        amount: charge(-4000),
        mcc: '5812',
        channel: 'in_store',
        city: far.name,
      }),
    )
    const alerts = [...sandbox.deps.state.alerts.values()]
    expect(alerts.map((a) => a.transactionIds)).toEqual([[away]])
    expect(alerts[0]?.reason).toBe(
      `Impossible travel: in store in ${home.name}, then ${Math.round(distanceKm(home, far))} km away in ${far.name} 20 minutes later`,
    )
  })

  test('large online charges in quick succession are flagged together as spend velocity', async () => {
    const sandbox = createTestSandbox()
    const { card } = await linkedCustomer(sandbox)
    const ids = await injectedIds(
      await inject(sandbox, card.id, {
        amount: charge(-25_000),
        mcc: '5947',
        count: 3,
        spreadMs: 60 * MINUTE,
      }),
    )
    const alerts = [...sandbox.deps.state.alerts.values()]
    expect(alerts.map((a) => a.transactionIds)).toEqual([ids])
    // The reason is the rule as it first fired, on the second charge.
    expect(alerts[0]?.reason).toBe('Spend velocity: 2 large online charges totalling $500 within 3 hours')
    expect(alerts[0]?.total).toBe(-75_000)
  })

  test('a consent without the alerts scope hears no fraud events, though the bank still keeps the alert', async () => {
    const sandbox = createTestSandbox()
    const { card } = await linkedCustomer(sandbox, ['accounts:read', 'transactions.all:read'])
    await inject(sandbox, card.id, { amount: charge(-99), count: 10, spreadMs: MINUTE })
    expect(sandbox.deps.state.alerts.size).toBe(1)
    const types = eventTypes(sandbox)
    expect(types).toContain('transactions.available')
    expect(types.filter((t) => t.startsWith('fraud.'))).toEqual([])
  })

  test('every consent holding alerts hears of the alert, on the fraud.alert bus too', async () => {
    const sandbox = createTestSandbox()
    const { card, customer, consent } = await linkedCustomer(sandbox)
    const second = await link(sandbox, 'harbor', customer.id, ['alerts', 'accounts:read'])
    const heard: unknown[] = []
    sandbox.deps.bus.subscribe((event) => event.kind === 'fraud.alert' && heard.push(event.data))
    await inject(sandbox, card.id, { amount: charge(-99), count: 5, spreadMs: MINUTE })
    const created = sandbox.deps.outbox.list().filter((d) => d.type === 'fraud.alert.created')
    expect(created.map((d) => JSON.parse(d.body).data.consentId).sort()).toEqual(
      [consent.id, second.consent.id].sort(),
    )
    expect(heard).toEqual([expect.objectContaining({ type: 'fraud.alert.created', customerId: customer.id })])
  })

  test('seeing the same transactions twice changes nothing', async () => {
    const sandbox = createTestSandbox()
    const { card, customer } = await linkedCustomer(sandbox)
    await inject(sandbox, card.id, { amount: charge(-99), count: 5, spreadMs: MINUTE })
    const account = sandbox.deps.world.account(card.accountId)
    if (!account) throw new Error('no account')
    const today = sandbox.deps.book.transactionsOnDay(account, Math.floor(TEST_NOW / DAY_MS))
    const before = eventTypes(sandbox).length
    observeTransactions(sandbox.deps, customer, account, today, [detectFraud])
    expect([...sandbox.deps.state.alerts.values()][0]?.transactionIds).toHaveLength(5)
    expect(eventTypes(sandbox)).toHaveLength(before)
  })
})

describe('fraud engine as the clock moves', () => {
  test('advancing the clock turns the world’s own card testing into an alert the integration can read', async () => {
    const sandbox = createTestSandbox({ customers: 400 })
    const { deps } = sandbox
    // Find, through the book, a harbor customer whose card is tested within the next 30 days.
    const days = Array.from({ length: 30 }, (_, i) => Math.floor(TEST_NOW / DAY_MS) + i)
    const { customers } = deps.world.listCustomers('harbor', 0, 400)
    const victim = customers
      .flatMap((customer) => customer.accounts.map((account) => ({ customer, account })))
      .map(({ customer, account }) => ({
        customer,
        tested: days
          .flatMap((day) => deps.book.transactionsOnDay(account, day))
          .filter((t) => t.fraud === 'card_testing' && t.bookedAtMs > TEST_NOW),
      }))
      .find(({ tested }) => tested.length > 0)
    if (!victim) throw new Error('no card testing in this world within 30 days')
    const { tokens } = await link(sandbox, 'harbor', victim.customer.id, ['alerts'])
    await sandbox.request('/sandbox/clock', postJson({ advanceMs: 30 * DAY_MS }))
    const refreshed = await sandbox.request(
      '/banks/harbor/oauth/token',
      postForm({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, basic(deps)),
    )
    const { access_token: token } = (await refreshed.json()) as { access_token: string }
    const res = await sandbox.request('/banks/harbor/v1/alerts', { headers: bearer(token) })
    const { data } = (await res.json()) as { data: { transactionIds: string[]; reason: string }[] }
    const flagged = new Set(data.flatMap((a) => a.transactionIds))
    for (const t of victim.tested) expect(flagged.has(t.id)).toBe(true)
    expect(eventTypes(sandbox)).toContain('fraud.alert.created')
  })

  test('over a month of ticks the engine finds most of the world’s fraud and mostly fraud', async () => {
    const quality = await fraudQuality({ customers: 300, days: 30 })
    expect(quality.fraudTxns).toBeGreaterThan(50)
    expect(quality.precision).toBeGreaterThanOrEqual(0.6)
    expect(quality.recall).toBeGreaterThanOrEqual(0.6)
  })
})
