import { describe, expect, test } from 'vitest'
import { createTestSandbox, firstCustomer, link, postJson, TEST_NOW } from '../../test/support/helpers.ts'
import { createDeps } from '../deps.ts'
import { createApp } from '../serving/app.ts'
import { createClock } from '../time/clock.ts'

// The dashboard's server side without a browser: what /demo preselects, the JSON and
// HTML reads that keep it live, and what it refuses to show.

const panel = (name: string, bankId: string, customerId: string) =>
  `/sandbox/demo/panels/${name}?bankId=${bankId}&customerId=${customerId}`

describe('GET /demo', () => {
  test('with nobody linked, it opens on harbor and its first customer', async () => {
    const sandbox = createTestSandbox()
    const first = await firstCustomer(sandbox, 'harbor')
    const html = await (await sandbox.request('/demo')).text()
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain(`data-bank-id="harbor" data-customer-id="${first.id}"`)
    expect(html).toContain('Fake data only')
    expect(html).toContain('data-testid="partnership-harbor"')
  })

  test('it opens on the first customer who linked the integration', async () => {
    const sandbox = createTestSandbox()
    const linked = await firstCustomer(sandbox, 'harbor', 3)
    await link(sandbox, 'harbor', linked.id, ['accounts:read'])
    expect(await (await sandbox.request('/demo')).text()).toContain(`data-customer-id="${linked.id}"`)
  })

  test('a shared link with an unknown person falls back to the default story', async () => {
    const sandbox = createTestSandbox()
    const res = await sandbox.request('/demo?bank=harbor&person=cus_nobody')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('data-bank-id="harbor"')
  })

  test('the page loads scripts and styles from the sandbox only, and serves only its own assets', async () => {
    const sandbox = createTestSandbox()
    const res = await sandbox.request('/demo')
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect((await sandbox.request('/demo/assets/dashboard.js')).headers.get('content-type')).toContain(
      'javascript',
    )
    expect((await sandbox.request('/demo/assets/routes.ts')).status).toBe(404)
    expect((await sandbox.request('/demo/assets/..%2Froutes.ts')).status).toBe(404)
  })

  test('behind an admin key it asks for the key instead of showing people', async () => {
    const clock = createClock({ startMs: TEST_NOW, mode: 'frozen', wallNow: () => TEST_NOW })
    const app = createApp(createDeps({ seed: 42, customers: 50, days: 30, clock, adminKey: 'secret' }))
    const refused = await app.request('/demo', { headers: { Accept: 'text/html' } })
    expect(refused.status).toBe(403)
    const html = await refused.text()
    expect(html).toContain('<form class="key-form" method="post" action="/demo">')
    expect(html).not.toContain('data-customer-id')
    expect((await app.request(panel('person', 'harbor', 'cus_harbor_00000'))).status).toBe(403)
    const opened = await app.request('/demo', { headers: { Cookie: 'sandbox_admin_key=secret' } })
    expect(await opened.text()).toContain('data-customer-id')
  })
})

describe('GET /sandbox/demo/people/{bankId}/{customerId}/activity', () => {
  test('shows balances, 90 days of spending by category and the charges on a fraud alert', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    await link(sandbox, 'harbor', customer.id, ['alerts'])
    const card = customer.cards[0]
    if (!card) throw new Error('no card')
    const burst = { amount: { amount: -137, currency: 'USD' }, count: 30, spreadMs: 240_000, mcc: '5816' }
    expect(
      (await sandbox.request(`/sandbox/banks/harbor/cards/${card.id}/transactions`, postJson(burst))).status,
    ).toBe(201)

    const res = await sandbox.request(`/sandbox/demo/people/harbor/${customer.id}/activity?limit=5`)
    expect(res.status).toBe(200)
    const activity = await res.json()
    expect(activity.accounts.length).toBe(customer.accounts.length)
    expect(activity.transactions).toHaveLength(5)
    expect(activity.alerts.length).toBeGreaterThan(0)
    const digital = activity.spending.categories.find(
      (c: { category: string }) => c.category === 'digital_goods',
    )
    expect(digital.flagged).toBe(activity.flaggedTransactionIds.length)
    expect(activity.flaggedTransactionIds.length).toBeGreaterThan(0)
  })

  test('an unknown customer is a 404 problem', async () => {
    const res = await createTestSandbox().request('/sandbox/demo/people/harbor/cus_nobody/activity')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
  })
})

describe('GET /sandbox/demo/panels/{panel}', () => {
  test('answers one panel as HTML; an unknown panel is a 400, an unknown customer a 404', async () => {
    const sandbox = createTestSandbox()
    const person = await sandbox.request(panel('person', 'harbor', 'cus_harbor_00000'))
    expect(person.headers.get('content-type')).toContain('text/html')
    expect(await person.text()).toContain('data-testid="spending-chart"')
    expect((await sandbox.request(panel('secrets', 'harbor', 'cus_harbor_00000'))).status).toBe(400)
    expect((await sandbox.request(panel('person', 'harbor', 'cus_nobody'))).status).toBe(404)
  })

  test('each bank’s partnership is shown with its state', async () => {
    const sandbox = createTestSandbox()
    await sandbox.request('/sandbox/banks/meridian/partnership', postJson({ status: 'terminating' }))
    const html = await (await sandbox.request(panel('banks', 'harbor', 'cus_harbor_00000'))).text()
    expect(html).toMatch(/data-testid="partnership-harbor">active</)
    expect(html).toMatch(/data-testid="partnership-meridian">terminating</)
  })

  test('the policy columns count what the integration may see of this person', async () => {
    const sandbox = createTestSandbox()
    const { channels } = await (
      await sandbox.request('/sandbox/demo/people/harbor/cus_harbor_00000/activity')
    ).json()
    const html = await (await sandbox.request(panel('banks', 'harbor', 'cus_harbor_00000'))).text()
    const seen = (bankId: string) =>
      Number(html.match(new RegExp(`data-testid="visible-${bankId}".*?<strong>(\\d+)<`))?.[1])
    expect(seen('harbor')).toBe(channels.platform + channels.offPlatform)
    expect(seen('meridian')).toBe(channels.platform)
    expect(seen('pinecrest')).toBe(0)
  })

  test('the chat shows what the user typed, with links shortened', async () => {
    const sandbox = createTestSandbox()
    await sandbox.request(
      '/sandbox/platform/users/usr_00000/messages',
      postJson({ text: 'see https://example.com/a?b=c' }),
    )
    const html = await (await sandbox.request(panel('chat', 'harbor', 'cus_harbor_00000'))).text()
    expect(html).toContain('data-direction="from_user"')
    expect(html).toContain('example.com/a…')
    expect(html).not.toContain('>see https://')
  })

  test('verdicts follow the scenario events, and malformed ones are ignored', async () => {
    const sandbox = createTestSandbox()
    const { bus } = sandbox.deps
    bus.publish('scenario.started', '2026-06-15T12:00:00.000Z', {
      runId: 'run_1',
      name: 'fraud-burst',
      title: 'Fraud burst',
    })
    bus.publish('scenario.expectation', '2026-06-15T12:00:01.000Z', {
      runId: 'run_1',
      id: 'acks',
      says: 'Acks fast',
      passed: true,
    })
    bus.publish('scenario.expectation', '2026-06-15T12:00:01.000Z', { runId: 'run_1', passed: 'yes' })
    bus.publish('scenario.finished', '2026-06-15T12:00:02.000Z', {
      runId: 'run_1',
      name: 'fraud-burst',
      passed: true,
    })
    const html = await (await sandbox.request(panel('verdicts', 'harbor', 'cus_harbor_00000'))).text()
    expect(html).toContain('data-status="passed"')
    expect(html.match(/data-verdict=/g)).toHaveLength(1)
    expect(html).toContain('Acks fast')
  })
})

describe('GET /sandbox/demo/users/{userId} and /banks/{bankId}/default-person', () => {
  test('a platform user is found at each of their banks', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'meridian')
    const user = await (await sandbox.request(`/sandbox/demo/users/${customer.platformUserId}`)).json()
    expect(user.customers).toContainEqual({ bankId: 'meridian', customerId: customer.id })
    expect((await sandbox.request('/sandbox/demo/users/usr_nobody!')).status).toBe(404)
    const chosen = await (await sandbox.request('/sandbox/demo/banks/meridian/default-person')).json()
    expect(chosen.customerId).toBe(customer.id)
  })
})
