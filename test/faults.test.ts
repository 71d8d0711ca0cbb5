import { describe, expect, test } from 'vitest'
import { bearer, createTestSandbox, firstCustomer, link } from './support/helpers.ts'

async function linked() {
  const sandbox = createTestSandbox()
  const customer = await firstCustomer(sandbox, 'harbor')
  const { token, consent } = await link(sandbox, 'harbor', customer.id, ['accounts:read'])
  const call = () => sandbox.request('/banks/harbor/v1/accounts', { headers: bearer(token) })
  const setFaults = (faults: unknown) =>
    sandbox.request('/sandbox/banks/harbor/faults', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(faults),
    })
  return { sandbox, token, consent, call, setFaults }
}

describe('fault injection', () => {
  test('a forced status answers every call with that problem until cleared', async () => {
    const { sandbox, call, setFaults } = await linked()
    expect((await setFaults({ status: 503 })).status).toBe(200)
    const res = await call()
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect((await res.json()).code).toBe('bank_unavailable')
    expect((await sandbox.request('/banks/meridian/health-of-another-bank')).status).toBe(404)
    expect((await sandbox.request('/sandbox/banks/harbor/faults', { method: 'DELETE' })).status).toBe(204)
    expect((await call()).status).toBe(200)
  })

  test('a rate limit answers 429 with Retry-After and RateLimit headers past the limit', async () => {
    const { call, setFaults } = await linked()
    await setFaults({ rateLimit: 3 })
    const statuses: number[] = []
    const answers: Response[] = []
    for (let i = 0; i < 5; i++) answers.push(await call())
    statuses.push(...answers.map((res) => res.status))
    const limited = answers[4] as Response
    // the wall clock is frozen in tests, so all five fall in one second
    expect(statuses).toEqual([200, 200, 200, 429, 429])
    expect(limited.headers.get('retry-after')).toBe('1')
    expect(limited.headers.get('ratelimit-limit')).toBe('3')
    expect(limited.headers.get('ratelimit-remaining')).toBe('0')
    expect((await limited.json()).code).toBe('rate_limited')
  })

  test('an outage window answers 503 until the simulation clock passes it, Retry-After in seconds up to 60', async () => {
    const { sandbox, call, setFaults } = await linked()
    await setFaults({ outageUntil: '2026-06-15T12:00:30.000Z' })
    const res = await call()
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('30')
    sandbox.deps.clock.advance(30_000)
    expect((await call()).status).toBe(200)
    await setFaults({ outageUntil: '2099-01-01T00:00:00.000Z' })
    // HTTP counts Retry-After in seconds: a window decades long still says at most a minute.
    expect((await call()).headers.get('retry-after')).toBe('60')
  })

  test('an error rate fails about that share of calls, the same way on every run', async () => {
    const run = async () => {
      const { call, setFaults } = await linked()
      await setFaults({ errorRate: 0.3 })
      const statuses: number[] = []
      for (let i = 0; i < 200; i++) statuses.push((await call()).status)
      return statuses
    }
    const first = await run()
    const failures = first.filter((s) => s === 503).length
    expect(failures).toBeGreaterThan(35)
    expect(failures).toBeLessThan(85)
    expect(await run()).toEqual(first)
  })

  test('latency delays the answer by about the injected time', async () => {
    const { call, setFaults } = await linked()
    await setFaults({ latencyMs: 120 })
    const started = performance.now()
    expect((await call()).status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(110)
  })

  test.each([{ errorRate: 1.5 }, { status: 418 }, { latencyMs: 30_001 }, { rateLimit: 0 }])(
    '%j is invalid_request',
    async (faults) => {
      const { setFaults } = await linked()
      const res = await setFaults(faults)
      expect(res.status).toBe(400)
      expect((await res.json()).code).toBe('invalid_request')
    },
  )
})

describe('journal', () => {
  test('lists every bank call with its route, consent, status and latency, filterable by consent', async () => {
    const { sandbox, consent, call, token } = await linked()
    await call()
    await sandbox.request('/banks/harbor/v1/accounts/acc_nope', { headers: bearer(token) })
    const res = await sandbox.request(`/sandbox/journal?consentId=${consent.id}`)
    const { data } = await res.json()
    expect(data.map((e: { route: string; status: number }) => [e.route, e.status])).toEqual([
      ['/banks/:bankId/v1/accounts', 200],
      ['/banks/:bankId/v1/accounts/:accountId', 404],
    ])
    expect(data[0]).toMatchObject({
      bankId: 'harbor',
      method: 'GET',
      consentId: consent.id,
      at: '2026-06-15T12:00:00.000Z',
    })
    const all = await (await sandbox.request('/sandbox/journal?bankId=harbor')).json()
    expect(all.data.some((e: { route: string }) => e.route.endsWith('/oauth/token'))).toBe(true)
  })
})

describe('every call is filed under its consent, whatever answers it', () => {
  test('a call refused by an injected outage shows in its consent’s journal and evidence', async () => {
    const { sandbox, consent, call, setFaults } = await linked()
    await setFaults({ status: 503 })
    expect((await call()).status).toBe(503)
    const { data } = await (await sandbox.request(`/sandbox/journal?consentId=${consent.id}`)).json()
    expect(data.map((e: { status: number }) => e.status)).toEqual([503])
    const evidence = await (await sandbox.request(`/sandbox/consents/${consent.id}/evidence`)).json()
    expect(evidence.calls.map((c: { status: number }) => c.status)).toEqual([503])
  })

  test('a read in flight when its consent is revoked is served, and judged as made while the consent held', async () => {
    const { sandbox, consent, call, setFaults } = await linked()
    // The customer revokes once the read has passed its consent check; latency keeps it in flight.
    expect((await setFaults({ latencyMs: 50, revokeInFlight: consent.id })).status).toBe(200)
    const inFlight = call()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(sandbox.deps.state.consents.get(consent.id)?.revokedBy).toBe('customer')
    expect((await inFlight).status).toBe(200)
    // Used once: the next call is refused as any call after a revocation is.
    const after = await call()
    expect(after.status).toBe(401)
    expect((await after.json()).code).toBe('consent_revoked')

    const evidence = await (await sandbox.request(`/sandbox/consents/${consent.id}/evidence`)).json()
    expect(evidence.calls.map((c: { status: number }) => c.status)).toEqual([200, 401])
    expect(evidence.end).toMatchObject({ reason: 'revoked', callsAfter: 1, servedAfter: 0, refusedAfter: 1 })
    expect(sandbox.deps.state.faults.get('harbor')).toEqual({ latencyMs: 50 })
  })
})
