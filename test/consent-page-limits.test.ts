import { describe, expect, test } from 'vitest'
import { PENDING_CONSENT_LIFETIME_MS } from '../sandbox/bank/pending-consents.ts'
import { APPROVALS_PER_CUSTOMER, POSTS_PER_CLIENT } from '../sandbox/bank/routes/consent-form-limit.ts'
import { tick } from '../sandbox/time/tick.ts'
import { basic, createTestSandbox, firstCustomer, postForm, TEST_NOW } from './support/helpers.ts'

// The consent page is open to anyone (it is what a customer's browser opens), so its form
// is what a script would hammer: posts are limited per client and per customer, and a
// consent approved there but never claimed by the integration does not stay.

const REDIRECT = 'http://127.0.0.1:9999/oauth/callback/harbor'

function sandboxAt() {
  const clock = { wall: TEST_NOW }
  const sandbox = createTestSandbox({ wallNow: () => clock.wall })
  const post = (fields: Record<string, string>) =>
    sandbox.request(
      '/banks/harbor/oauth/authorize',
      postForm({
        response_type: 'code',
        client_id: 'platform-demo',
        redirect_uri: REDIRECT,
        scope: 'accounts:read',
        purpose: 'account_servicing',
        ...fields,
      }),
    )
  const approve = async (customerId: string) => {
    const res = await post({ decision: 'approve', customer_id: customerId })
    const code = new URL(res.headers.get('location') ?? 'http://x/').searchParams.get('code')
    return { res, code }
  }
  return { sandbox, clock, post, approve }
}

describe('the consent page’s form', () => {
  test(`answers 429 rate_limited with Retry-After past ${POSTS_PER_CLIENT} posts a minute from one client`, async () => {
    const { clock, post } = sandboxAt()
    for (let i = 0; i < POSTS_PER_CLIENT; i++) expect((await post({ decision: 'deny' })).status).toBe(302)
    clock.wall += 20_000
    const refused = await post({ decision: 'deny' })
    expect(refused.status).toBe(429)
    expect(refused.headers.get('content-type')).toBe('application/problem+json')
    expect(await refused.json()).toMatchObject({ code: 'rate_limited' })
    expect(refused.headers.get('retry-after')).toBe('40')
    clock.wall += 40_000
    expect((await post({ decision: 'deny' })).status).toBe(302)
  })

  test(`approves one customer at most ${APPROVALS_PER_CUSTOMER} times a minute; another customer is not held up`, async () => {
    const { sandbox, approve } = sandboxAt()
    const one = await firstCustomer(sandbox, 'harbor')
    const other = await firstCustomer(sandbox, 'harbor', 1)
    for (let i = 0; i < APPROVALS_PER_CUSTOMER; i++) expect((await approve(one.id)).res.status).toBe(302)
    const refused = (await approve(one.id)).res
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await approve(other.id)).res.status).toBe(302)
    expect(sandbox.deps.state.consents.size).toBe(APPROVALS_PER_CUSTOMER + 1)
  })
})

describe('a consent approved on the page', () => {
  test('is dropped, with its code, when the integration has not exchanged the code within 10 minutes', async () => {
    const { sandbox, clock, approve } = sandboxAt()
    const customer = await firstCustomer(sandbox, 'harbor')
    const unclaimed = await approve(customer.id)
    const claimed = await approve(customer.id)
    const exchanged = await sandbox.request(
      '/banks/harbor/oauth/token',
      postForm(
        { grant_type: 'authorization_code', code: claimed.code ?? '', redirect_uri: REDIRECT },
        basic(sandbox.deps),
      ),
    )
    expect(exchanged.status).toBe(200)
    const { consent_id: kept } = (await exchanged.json()) as { consent_id: string }
    expect(sandbox.deps.state.consents.size).toBe(2)

    clock.wall += PENDING_CONSENT_LIFETIME_MS - 1
    tick(sandbox.deps)
    expect(sandbox.deps.state.consents.size).toBe(2)

    clock.wall += 1
    tick(sandbox.deps)
    expect([...sandbox.deps.state.consents.keys()]).toEqual([kept])
    expect(sandbox.deps.state.codes.has(unclaimed.code ?? '')).toBe(false)
    const late = await sandbox.request(
      '/banks/harbor/oauth/token',
      postForm(
        { grant_type: 'authorization_code', code: unclaimed.code ?? '', redirect_uri: REDIRECT },
        basic(sandbox.deps),
      ),
    )
    expect(late.status).toBe(400)
    expect(await late.json()).toMatchObject({ error: 'invalid_grant' })
  })
})
