import { describe, expect, test } from 'vitest'
import { ALL_SCOPES, bearer, createTestSandbox, firstCustomer, link } from './support/helpers.ts'
import { findCardNumbers } from './support/luhn-scan.ts'

describe('no full card number leaves the bank', () => {
  test('the scanner itself finds a Luhn-valid number inside text', () => {
    expect(findCardNumbers('paid with 4111111111111111 today')).toEqual(['4111111111111111'])
    expect(findCardNumbers('card 378282246310005.')).toEqual(['378282246310005'])
    expect(findCardNumbers('order 4111111111111112')).toEqual([])
  })

  test('every endpoint a customer’s data flows through answers without one', async () => {
    const sandbox = createTestSandbox({ customers: 30 })
    const bodies: string[] = []
    for (const bankId of ['harbor', 'meridian', 'pinecrest']) {
      const list = await sandbox.request(`/sandbox/banks/${bankId}/customers?limit=10`)
      bodies.push(await list.text())
      for (let i = 0; i < 3; i++) {
        const customer = await firstCustomer(sandbox, bankId, i)
        bodies.push(await (await sandbox.request(`/sandbox/banks/${bankId}/customers/${customer.id}`)).text())
        const { token } = await link(sandbox, bankId, customer.id, ALL_SCOPES)
        const get = async (path: string) => {
          const res = await sandbox.request(`/banks/${bankId}/v1${path}`, { headers: bearer(token) })
          bodies.push(await res.text())
        }
        await get('/accounts')
        await get('/cards')
        await get('/consent')
        for (const card of customer.cards) await get(`/cards/${card.id}`)
        for (const account of customer.accounts) {
          await get(`/accounts/${account.id}`)
          await get(`/accounts/${account.id}/balances`)
          await get(`/accounts/${account.id}/transactions?from=2026-03-17&to=2026-06-15&limit=500`)
        }
      }
    }
    bodies.push(await (await sandbox.request('/sandbox/credentials')).text())
    bodies.push(await (await sandbox.request('/openapi.json')).text())
    const all = bodies.join('\n')
    expect(all.length).toBeGreaterThan(100_000)
    expect(findCardNumbers(all)).toEqual([])
    // and the cards really exist inside the bank, so the scan had something to miss
    const pan = sandbox.deps.world.customerOfPerson('harbor', 0)?.cards[0]?.pan ?? ''
    expect(findCardNumbers(pan)).toEqual([pan])
  })
})
