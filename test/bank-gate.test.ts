import { describe, expect, test } from 'vitest'
import { bearer, createTestSandbox, firstCustomer, link, postJson } from './support/helpers.ts'

// The bank gate wraps each bank route by hand (for speed, not as middleware), so this
// checks the wrapping is complete: every registered bank route and any unknown path
// under /banks/{bankId}/ answers as a bank call — journaled, refused by a withdrawn bank.

describe('the bank gate', () => {
  test('every bank route and unknown bank paths are journaled and refused by a withdrawn bank', async () => {
    const sandbox = createTestSandbox()
    const routes = new Map<string, { method: string; path: string }>()
    for (const { method, path } of sandbox.app.routes) {
      if (path.startsWith('/banks/') && method !== 'ALL') routes.set(`${method} ${path}`, { method, path })
    }
    // All of the bank API: OAuth (5, FAPI banks' PAR included), accounts (4), cards (2),
    // card controls (2), disputes (3), alerts (2), consent (2).
    expect(routes.size).toBe(20)
    const calls = [...routes.values(), { method: 'GET', path: '/banks/:bankId/v1/nowhere' }]

    const withdrawn = await sandbox.request(
      '/sandbox/banks/harbor/partnership',
      postJson({ status: 'terminated' }),
    )
    expect(withdrawn.status).toBe(200)
    const before = sandbox.deps.state.journal.recorded
    for (const { method, path } of calls) {
      const url = path.replace(':bankId', 'harbor').replace(/:\w+/g, 'x')
      const res = await sandbox.request(url, { method })
      expect([`${method} ${path}`, (await res.json()).code]).toEqual([
        `${method} ${path}`,
        'partnership_terminated',
      ])
    }
    const journaled = sandbox.deps.state.journal.newest(calls.length).reverse()
    expect(sandbox.deps.state.journal.recorded - before).toBe(calls.length)
    expect(journaled.map((e) => `${e.method} ${e.route}`)).toEqual(
      calls.map(({ method, path }) => `${method} ${path.endsWith('/nowhere') ? '/banks/:bankId/*' : path}`),
    )
  })

  test('a refused input on a data route is journaled with its consent', async () => {
    const sandbox = createTestSandbox()
    const customer = await firstCustomer(sandbox, 'harbor')
    const { token, consent } = await link(sandbox, 'harbor', customer.id, ['transactions:read'])
    const account = customer.accounts[0]?.id ?? ''
    const res = await sandbox.request(`/banks/harbor/v1/accounts/${account}/transactions?limit=9999`, {
      headers: bearer(token),
    })
    expect(res.status).toBe(400)
    expect(sandbox.deps.state.journal.newest(1)[0]).toMatchObject({
      route: '/banks/:bankId/v1/accounts/:accountId/transactions',
      status: 400,
      consentId: consent.id,
    })
  })
})
