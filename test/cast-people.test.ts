import { describe, expect, test } from 'vitest'
import { alertsOf } from '../sandbox/bank/alerts.ts'
import { tick } from '../sandbox/time/tick.ts'
import { createTestSandbox, firstCustomer, link, postJson } from './support/helpers.ts'

// People handed out to scenario runs hear only of the fraud their scenario injects. The
// world's own history holds fraud too; on a cast person it would reach the chat in the
// middle of another scenario (a withdrawal notice "told once", and a card alert besides).

const DAYS = 60
const LINKED = 40

async function alertedAfter(claimFirst: number) {
  const sandbox = createTestSandbox({ customers: 200 })
  for (let i = 0; i < claimFirst; i++)
    await sandbox.request('/sandbox/people/claim', postJson({ banks: ['harbor'], notAt: [] }))
  const customers = []
  for (let offset = 0; offset < LINKED; offset++) {
    const customer = await firstCustomer(sandbox, 'harbor', offset)
    await link(sandbox, 'harbor', customer.id, ['accounts:read', 'alerts'])
    customers.push(customer)
  }
  sandbox.deps.clock.advance(DAYS * 86_400_000)
  tick(sandbox.deps)
  return customers.filter((c) => alertsOf(sandbox.deps, 'harbor', c.id).length > 0).map((c) => c.id)
}

describe('people cast in a scenario', () => {
  test('get no alert from the world’s own history; the same people uncast do', async () => {
    const uncast = await alertedAfter(0)
    expect(uncast.length).toBeGreaterThan(0)
    // Claiming hands out people from the first one on: all the linked ones are cast.
    const cast = await alertedAfter(LINKED * 3)
    expect(cast).toEqual([])
  })

  test('still get the alert for fraud their scenario injects', async () => {
    const sandbox = createTestSandbox({ customers: 200 })
    const claimed = await sandbox.request('/sandbox/people/claim', postJson({ banks: ['harbor'], notAt: [] }))
    const person = (await claimed.json()) as { banks: { harbor: { customerId: string; cardId: string } } }
    const { customerId, cardId } = person.banks.harbor
    await link(sandbox, 'harbor', customerId, ['accounts:read', 'alerts'])
    const burst = await sandbox.request(
      `/sandbox/banks/harbor/cards/${cardId}/transactions`,
      postJson({ amount: { amount: -199, currency: 'USD' }, mcc: '5816', count: 20, spreadMs: 60_000 }),
    )
    expect(burst.status).toBe(201)
    expect(alertsOf(sandbox.deps, 'harbor', customerId)).toHaveLength(1)
  })
})
