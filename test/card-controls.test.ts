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

const CARD_SCOPES: Scope[] = ['accounts:read', 'transactions.all:read', 'cards:write']

async function linkedCard(sandbox: TestSandbox, bankId = 'harbor', scopes = CARD_SCOPES) {
  const customer = await firstCustomer(sandbox, bankId)
  const card = customer.cards[0]
  if (!card) throw new Error('no card')
  const { token } = await link(sandbox, bankId, customer.id, scopes)
  return { customer, cardId: card.id, token }
}

const control = (sandbox: TestSandbox, token: string, cardId: string, action: 'freeze' | 'unfreeze') =>
  sandbox.request(`/banks/harbor/v1/cards/${cardId}/${action}`, { method: 'POST', headers: bearer(token) })

const statusEvents = (sandbox: TestSandbox) =>
  sandbox.deps.outbox
    .list()
    .filter((d) => d.type === 'card.status.changed')
    .map((d) => (JSON.parse(d.body) as { data: { card: { status: string } } }).data.card.status)

describe('card freeze and unfreeze', () => {
  test('freeze answers the frozen card, and card.status.changed follows once', async () => {
    const sandbox = createTestSandbox()
    const { cardId, token } = await linkedCard(sandbox)
    const res = await control(sandbox, token, cardId, 'freeze')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ id: cardId, status: 'frozen' })
    expect((await control(sandbox, token, cardId, 'freeze')).status).toBe(200)
    expect(statusEvents(sandbox)).toEqual(['frozen'])
    const back = await control(sandbox, token, cardId, 'unfreeze')
    expect(await back.json()).toMatchObject({ id: cardId, status: 'active' })
    expect(statusEvents(sandbox)).toEqual(['frozen', 'active'])
  })

  test('without cards:write a freeze answers 403 insufficient_scope', async () => {
    const sandbox = createTestSandbox()
    const { cardId, token } = await linkedCard(sandbox, 'harbor', ['accounts:read'])
    const res = await control(sandbox, token, cardId, 'freeze')
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ code: 'insufficient_scope' })
  })

  test('another customer’s card is a 404', async () => {
    const sandbox = createTestSandbox()
    const { token } = await linkedCard(sandbox)
    const other = await firstCustomer(sandbox, 'harbor', 1)
    const res = await control(sandbox, token, other.cards[0]?.id ?? '', 'freeze')
    expect(res.status).toBe(404)
  })

  test('an injected charge on a frozen card answers 409 card_frozen and books nothing, single or burst', async () => {
    const sandbox = createTestSandbox()
    const { cardId, token } = await linkedCard(sandbox)
    await control(sandbox, token, cardId, 'freeze')
    for (const count of [1, 20]) {
      const res = await sandbox.request(
        `/sandbox/banks/harbor/cards/${cardId}/transactions`,
        postJson({ amount: { amount: -500, currency: 'USD' }, count, spreadMs: count > 1 ? 60_000 : 0 }),
      )
      expect(res.status).toBe(409)
      expect(await res.json()).toMatchObject({ code: 'card_frozen', status: 409 })
    }
    expect(sandbox.deps.state.injected.size).toBe(0)
  })

  test('the world’s own spending skips a frozen card, and comes back once it is unfrozen', async () => {
    const sandbox = createTestSandbox()
    const { customer, cardId, token } = await linkedCard(sandbox)
    const card = sandbox.deps.world.card(cardId)
    const account = card && sandbox.deps.world.account(card.accountId)
    if (!account) throw new Error('no account')
    const onCard = (fromMs: number, toMs: number) => {
      let n = 0
      for (let day = Math.floor(fromMs / DAY_MS); day <= Math.floor(toMs / DAY_MS); day++)
        for (const txn of sandbox.deps.book.transactionsOnDay(account, day))
          if (txn.cardId === cardId && txn.bookedAtMs >= fromMs && txn.bookedAtMs < toMs) n++
      return n
    }
    const now = sandbox.deps.clock.now()
    const month = 30 * DAY_MS
    const before = onCard(now, now + month)
    expect(before).toBeGreaterThan(0)
    await control(sandbox, token, cardId, 'freeze')
    expect(onCard(now, now + month)).toBe(0)
    await sandbox.request('/sandbox/clock', postJson({ advanceMs: month }))
    // Access tokens are short-lived: a month on, the customer links again.
    const again = await link(sandbox, 'harbor', customer.id, CARD_SCOPES)
    expect((await control(sandbox, again.token, cardId, 'unfreeze')).status).toBe(200)
    expect(onCard(now, now + month)).toBe(0)
    expect(onCard(now + month, now + 2 * month)).toBeGreaterThan(0)
    // No fraud alert about spending that never happened.
    expect([...sandbox.deps.state.alerts.values()].filter((a) => a.customerId === customer.id)).toEqual([])
  })

  test('pinecrest grants cards:write but not disputes:write', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'pinecrest')
    const { tokens } = await link(sandbox, 'pinecrest', customer.id, [
      'accounts:read',
      'cards:write',
      'disputes:write',
    ])
    expect(tokens.scope.split(' ').sort()).toEqual(['accounts:read', 'cards:write'])
  })
})

describe('transaction pages around a freeze', () => {
  test('a page read while the card was frozen does not hide the spending after it is unfrozen', async () => {
    const sandbox = createTestSandbox()
    const now = sandbox.deps.clock.now()
    const endOfDay = (Math.floor(now / DAY_MS) + 1) * DAY_MS - 60_000
    // A customer whose debit card the world charges later today (in any channel).
    for (let offset = 0; offset < 40; offset++) {
      const view = await firstCustomer(sandbox, 'harbor', offset)
      const card = sandbox.deps.world.customer('harbor', view.id)?.cards.find((c) => c.kind === 'debit')
      const account = card && sandbox.deps.world.account(card.accountId)
      if (!card || !account) continue
      const later = sandbox.deps.world
        .transactionsOnDay(account, Math.floor(now / DAY_MS))
        .filter((t) => t.cardId === card.id && t.bookedAtMs > now && t.bookedAtMs < endOfDay)
      if (later.length === 0) continue
      let { token } = await link(sandbox, 'harbor', view.id, CARD_SCOPES)
      const page = async () =>
        (
          (await (
            await sandbox.request(`/banks/harbor/v1/accounts/${account.id}/transactions?limit=500`, {
              headers: bearer(token),
            })
          ).json()) as { data: { id: string }[] }
        ).data.map((t) => t.id)
      await control(sandbox, token, card.id, 'freeze')
      await page()
      await control(sandbox, token, card.id, 'unfreeze')
      await sandbox.request('/sandbox/clock', postJson({ to: new Date(endOfDay).toISOString() }))
      token = (await link(sandbox, 'harbor', view.id, CARD_SCOPES)).token // the old one lapsed
      expect(await page()).toEqual(expect.arrayContaining(later.map((t) => t.id)))
      return
    }
    throw new Error('no customer is charged later today')
  })
})
