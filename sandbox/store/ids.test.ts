import { describe, expect, test } from 'vitest'
import { ALL_SCOPES, bearer, createTestSandbox, firstCustomer, link } from '../../test/support/helpers.ts'
import { createIdSource } from './ids.ts'

describe('ids and secrets', () => {
  test('ids of things that happen never repeat across processes, and never hold 13 digits in a row', () => {
    // Two id sources stand for two sandbox processes started with the same seed.
    const first = createIdSource()
    const second = createIdSource()
    const a = Array.from({ length: 1000 }, () => first.next('evt'))
    const b = Array.from({ length: 1000 }, () => second.next('evt'))
    expect(new Set([...a, ...b]).size).toBe(2000)
    for (const id of [...a, ...b]) expect(id).not.toMatch(/\d{13}/)
    expect(a[0]).toMatch(/^evt_[a-z]{10}[0-9a-z]{6}$/)
  })

  test('codes and tokens are random, whatever the seed', () => {
    const first = createIdSource()
    const second = createIdSource()
    expect(first.secret('at')).not.toBe(second.secret('at'))
    expect(first.secret('at')).toMatch(/^at_[A-Za-z0-9_-]{32}$/)
  })

  test('a token from before a restart answers 401 invalid_token, never another customer’s data', async () => {
    const before = createTestSandbox()
    const customer = await firstCustomer(before, 'harbor')
    const { token } = await link(before, 'harbor', customer.id, ALL_SCOPES)
    // The same seed in a new process: another customer links first.
    const after = createTestSandbox()
    await link(after, 'harbor', (await firstCustomer(after, 'harbor', 1)).id, ALL_SCOPES)
    const res = await after.request('/banks/harbor/v1/accounts', { headers: bearer(token) })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ code: 'invalid_token' })
  })
})
