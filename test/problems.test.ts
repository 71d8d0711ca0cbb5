import { describe, expect, test } from 'vitest'
import { bearer, createTestSandbox, firstCustomer, link } from './support/helpers.ts'

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toBe('application/problem+json')
  const text = await res.text()
  expect(text).not.toMatch(/\bat .+\.ts:\d+/) // no stack frames
  const body = JSON.parse(text)
  expect(body).toMatchObject({ status, code, type: `urn:bank-sandbox:problem:${code}` })
  expect(typeof body.title).toBe('string')
  expect(typeof body.detail).toBe('string')
  return { body, text }
}

describe('bad input', () => {
  const consentPath = (id: string) => `/sandbox/banks/harbor/customers/${id}/consents`

  test('malformed JSON is invalid_request', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const res = await sandbox.request(consentPath(customer.id), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"scopes": [',
    })
    await expectProblem(res, 400, 'invalid_request')
  })

  test('wrong types get field-level errors naming each field', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const res = await sandbox.request(consentPath(customer.id), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ scopes: 'accounts:read', purpose: 7 }),
    })
    const { body } = await expectProblem(res, 400, 'invalid_request')
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['purpose', 'scopes'])
  })

  test('a body without Content-Type is invalid_request, not a silent empty body', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const res = await sandbox.request(consentPath(customer.id), { method: 'POST', body: '{}' })
    await expectProblem(res, 400, 'invalid_request')
  })

  test('unknown routes are not_found and do not echo the path', async () => {
    const sandbox = createTestSandbox()
    const { text } = await expectProblem(
      await sandbox.request('/banks/harbor/v2/4111111111111111'),
      404,
      'not_found',
    )
    expect(text).not.toContain('4111111111111111')
  })

  test('unknown banks are not_found', async () => {
    const sandbox = createTestSandbox()
    await expectProblem(await sandbox.request('/sandbox/banks/nowhere/customers'), 404, 'not_found')
  })

  test('bodies over 1 MB are 413 payload_too_large and nothing is stored', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const huge = JSON.stringify({
      scopes: ['accounts:read'],
      purpose: 'account_servicing',
      pad: 'x'.repeat(1_100_000),
    })
    const res = await sandbox.request(consentPath(customer.id), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: huge,
    })
    await expectProblem(res, 413, 'payload_too_large')
    expect(sandbox.deps.state.consents.size).toBe(0)
  })

  test.each(['0', '501', '-1', '1e9', 'lots'])(
    'limit=%s is invalid_request on transactions and customers',
    async (limit) => {
      const sandbox = createTestSandbox()
      const customer = await firstCustomer(sandbox, 'harbor')
      const { token } = await link(sandbox, 'harbor', customer.id, ['transactions.all:read'])
      const txns = await sandbox.request(
        `/banks/harbor/v1/accounts/${customer.accounts[0]?.id}/transactions?limit=${limit}`,
        {
          headers: bearer(token),
        },
      )
      const { body } = await expectProblem(txns, 400, 'invalid_request')
      expect(body.errors[0].path).toBe('limit')
      await expectProblem(
        await sandbox.request(`/sandbox/banks/harbor/customers?limit=${limit}`),
        400,
        'invalid_request',
      )
    },
  )

  test('a forged cursor and a reversed date window are invalid_request', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const { token } = await link(sandbox, 'harbor', customer.id, ['transactions.all:read'])
    const base = `/banks/harbor/v1/accounts/${customer.accounts[0]?.id}/transactions`
    await expectProblem(
      await sandbox.request(`${base}?cursor=not-ours`, { headers: bearer(token) }),
      400,
      'invalid_request',
    )
    await expectProblem(
      await sandbox.request(`${base}?from=2026-06-10&to=2026-06-01`, { headers: bearer(token) }),
      400,
      'invalid_request',
    )
    await expectProblem(
      await sandbox.request(`${base}?from=2026-02-30`, { headers: bearer(token) }),
      400,
      'invalid_request',
    )
  })

  test('a missing or unknown bearer token is 401 invalid_token and never echoes it', async () => {
    const sandbox = createTestSandbox()
    await expectProblem(await sandbox.request('/banks/harbor/v1/accounts'), 401, 'invalid_token')
    const { text } = await expectProblem(
      await sandbox.request('/banks/harbor/v1/accounts', { headers: bearer('at_secret-looking-token') }),
      401,
      'invalid_token',
    )
    expect(text).not.toContain('secret-looking')
  })

  test('clock moves beyond 400 days, backwards, or in an unknown mode are invalid_request', async () => {
    const sandbox = createTestSandbox()
    const post = (body: unknown) =>
      sandbox.request('/sandbox/clock', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
    await expectProblem(await post({ advanceMs: 401 * 86_400_000 }), 400, 'invalid_request')
    await expectProblem(await post({ to: '2020-01-01T00:00:00Z' }), 400, 'invalid_request')
    await expectProblem(await post({ mode: 'sideways' }), 400, 'invalid_request')
    expect(await (await sandbox.request('/sandbox/clock')).json()).toEqual({
      now: '2026-06-15T12:00:00.000Z',
      mode: 'frozen',
    })
  })
})
