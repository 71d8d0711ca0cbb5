import { describe, expect, test } from 'vitest'
import type { Scope } from '../sandbox/bank/policy.ts'
import { DAY_MS } from '../sandbox/synthetic/types.ts'
import {
  bearer,
  createTestSandbox,
  firstCustomer,
  link,
  postJson,
  type TestSandbox,
} from './support/helpers.ts'

// TEST_NOW is Monday 2026-06-15, 08:00 in New York. Worked out by hand: ten business days
// skip Juneteenth (Friday 19th) → 2026-06-30; 45 calendar days → 2026-07-30; 90 → 2026-09-13.

const SCOPES: Scope[] = ['accounts:read', 'balances:read', 'transactions.all:read', 'disputes:write']

interface WireDispute {
  id: string
  transactionId: string
  status: string
  outcome: string | null
  provisionalCreditDueOn: string | null
  decisionDueOn: string
}

async function customerWithCharge(
  sandbox: TestSandbox,
  charge: { channel?: string; kind?: 'debit' | 'credit'; offset?: number } = {},
) {
  let offset = charge.offset ?? 0
  for (; ; offset++) {
    const view = await firstCustomer(sandbox, 'harbor', offset)
    const card = sandbox.deps.world
      .customer('harbor', view.id)
      ?.cards.find((c) => c.kind === (charge.kind ?? 'debit'))
    if (!card) continue
    const { token, consent } = await link(sandbox, 'harbor', view.id, SCOPES)
    const res = await sandbox.request(
      `/sandbox/banks/harbor/cards/${card.id}/transactions`,
      postJson({
        amount: { amount: -4599, currency: 'USD' },
        merchant: 'ZEPHYR TOYS',
        channel: charge.channel ?? 'online',
      }),
    )
    const txn = ((await res.json()) as { data: { id: string }[] }).data[0]
    if (!txn) throw new Error('nothing booked')
    return { token, consent, card, transactionId: txn.id, customerId: view.id }
  }
}

const file = (sandbox: TestSandbox, token: string, transactionId: string, reason = 'unrecognized') =>
  sandbox.request('/banks/harbor/v1/disputes', postJson({ transactionId, reason }, bearer(token)))

const updates = (sandbox: TestSandbox) =>
  sandbox.deps.outbox
    .list()
    .filter((d) => d.type === 'dispute.updated')
    .map((d) => (JSON.parse(d.body) as { data: { dispute: WireDispute } }).data.dispute)

const moveTo = (sandbox: TestSandbox, iso: string) => sandbox.request('/sandbox/clock', postJson({ to: iso }))

describe('disputes', () => {
  test('a debit charge files as submitted with Reg E due dates in New York business days', async () => {
    const sandbox = createTestSandbox()
    const { token, transactionId } = await customerWithCharge(sandbox)
    const res = await file(sandbox, token, transactionId)
    expect(res.status).toBe(201)
    const dispute = (await res.json()) as WireDispute
    expect(dispute).toMatchObject({
      id: expect.stringMatching(/^dsp_/),
      transactionId,
      reason: 'unrecognized',
      status: 'submitted',
      outcome: null,
      provisionalCreditDueOn: '2026-06-30',
      decisionDueOn: '2026-07-30',
      createdAt: '2026-06-15T12:00:00.000Z',
    })
    const one = await sandbox.request(`/banks/harbor/v1/disputes/${dispute.id}`, { headers: bearer(token) })
    expect(await one.json()).toEqual(dispute)
    const list = await sandbox.request('/banks/harbor/v1/disputes?status=submitted', {
      headers: bearer(token),
    })
    expect(await list.json()).toEqual({ data: [dispute], nextCursor: null })
    const none = await sandbox.request('/banks/harbor/v1/disputes?status=resolved', {
      headers: bearer(token),
    })
    expect(((await none.json()) as { data: unknown[] }).data).toEqual([])
  })

  test('an in_store debit charge is decided within 90 days; a credit card charge has no provisional credit', async () => {
    const sandbox = createTestSandbox()
    const inStore = await customerWithCharge(sandbox, { channel: 'in_store' })
    expect(await (await file(sandbox, inStore.token, inStore.transactionId)).json()).toMatchObject({
      provisionalCreditDueOn: '2026-06-30',
      decisionDueOn: '2026-09-13',
    })
    const credit = await customerWithCharge(sandbox, { kind: 'credit', offset: 1 })
    expect(await (await file(sandbox, credit.token, credit.transactionId)).json()).toMatchObject({
      provisionalCreditDueOn: null,
      decisionDueOn: '2026-09-13',
    })
  })

  test('a charge disputed twice, or older than 120 days, answers 409 dispute_not_allowed', async () => {
    const sandbox = createTestSandbox({ days: 200 })
    const { token, transactionId, card } = await customerWithCharge(sandbox)
    await file(sandbox, token, transactionId)
    const again = await file(sandbox, token, transactionId, 'duplicate')
    expect(again.status).toBe(409)
    expect(await again.json()).toMatchObject({ code: 'dispute_not_allowed' })
    const account = sandbox.deps.world.account(card.accountId)
    if (!account) throw new Error('no account')
    const oldDay = Math.floor(sandbox.deps.clock.now() / DAY_MS) - 150
    let old: string | undefined
    for (let day = oldDay; !old && day > oldDay - 30; day--)
      old = sandbox.deps.book.transactionsOnDay(account, day).find((t) => t.amount < 0)?.id
    const tooOld = await file(sandbox, token, old ?? '')
    expect(tooOld.status).toBe(409)
    expect(await tooOld.json()).toMatchObject({ code: 'dispute_not_allowed' })
  })

  test('without disputes:write, or at pinecrest, filing is refused', async () => {
    const sandbox = createTestSandbox()
    const view = await firstCustomer(sandbox, 'pinecrest')
    const { token } = await link(sandbox, 'pinecrest', view.id, ['accounts:read', 'disputes:write'])
    const res = await sandbox.request(
      '/banks/pinecrest/v1/disputes',
      postJson({ transactionId: 'txn_x', reason: 'unrecognized' }, bearer(token)),
    )
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ code: 'insufficient_scope' })
  })

  test('the clock brings the provisional credit on its due date, then the decision, each a posted transaction and a dispute.updated', async () => {
    const sandbox = createTestSandbox()
    const { token, transactionId, card, customerId } = await customerWithCharge(sandbox)
    const dispute = (await (await file(sandbox, token, transactionId)).json()) as WireDispute
    expect(updates(sandbox)).toEqual([])
    // The day before the due date in New York: nothing yet.
    await moveTo(sandbox, '2026-06-30T03:59:00.000Z')
    expect(updates(sandbox)).toEqual([])
    await moveTo(sandbox, '2026-06-30T04:00:00.000Z')
    expect(updates(sandbox)).toMatchObject([{ id: dispute.id, status: 'provisional_credit', outcome: null }])
    const credits = [...sandbox.deps.state.injected.values()].filter((t) => t.transaction.amount === 4599)
    expect(credits).toHaveLength(1)
    await moveTo(sandbox, '2026-07-30T12:00:00.000Z')
    expect(updates(sandbox).map((d) => [d.status, d.outcome])).toEqual([
      ['provisional_credit', null],
      ['resolved', 'customer'],
    ])
    // The customer won: the credit stands, nothing is taken back, and the balance shows it.
    const amounts = [...sandbox.deps.state.injected.values()].map((t) => t.transaction.amount)
    expect(amounts.sort()).toEqual([-4599, 4599])
    const again = await link(sandbox, 'harbor', customerId, SCOPES)
    const page = await sandbox.request(
      `/banks/harbor/v1/accounts/${card.accountId}/transactions?from=2026-06-30&to=2026-06-30&limit=500`,
      {
        headers: bearer(again.token),
      },
    )
    const listed = ((await page.json()) as { data: { amount: { amount: number }; status: string }[] }).data
    expect(listed.filter((t) => t.amount.amount === 4599)).toMatchObject([{ status: 'posted' }])
  })

  test('a duplicate claim with no twin charge is decided for the merchant: the provisional credit is reversed', async () => {
    const sandbox = createTestSandbox()
    const { token, transactionId } = await customerWithCharge(sandbox)
    await file(sandbox, token, transactionId, 'duplicate')
    await moveTo(sandbox, '2026-07-31T12:00:00.000Z')
    expect(updates(sandbox).map((d) => [d.status, d.outcome])).toEqual([
      ['provisional_credit', null],
      ['resolved', 'merchant'],
    ])
    const moved = [...sandbox.deps.state.injected.values()].map((t) => t.transaction.amount)
    expect(moved.filter((a) => a === 4599)).toHaveLength(1)
    expect(moved.filter((a) => a === -4599)).toHaveLength(2)
  })
})
