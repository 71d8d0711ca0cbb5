import { describe, expect, test } from 'vitest'
import { Table } from '../store/table.ts'
import type { AttemptResult } from './deliver.ts'
import { createOutbox, type Delivery, type DeliveryTable, RETRY_DELAYS_MS } from './outbox.ts'

/** An outbox whose transport answers from a script, on a clock the test moves. */
function scripted(
  answers: (url: string, id: string) => number | null,
  finishedLimit?: number,
  table?: DeliveryTable,
) {
  let now = 1_000_000
  const sent: { id: string; at: number }[] = []
  const outbox = createOutbox(
    {
      now: () => now,
      wallNow: () => now,
      send: async (url, headers): Promise<AttemptResult> => {
        const id = headers['webhook-id'] ?? ''
        sent.push({ id, at: now })
        const statusCode = answers(url, id)
        return { statusCode, latencyMs: 1, error: statusCode === null ? 'connection failed' : null }
      },
      target: () => 'http://127.0.0.1:1/webhooks/bank/harbor',
      sign: (_bank, id) => ({ 'webhook-id': id }),
      onAttempt: () => {},
    },
    table,
    finishedLimit,
  )
  const advance = async (ms: number) => {
    now += ms
    outbox.dispatchDue()
    await outbox.idle()
  }
  return { outbox, sent, advance, start: now }
}

describe('outbox', () => {
  test('retries follow the schedule on the injected clock, with the same id, until a 2xx', async () => {
    let calls = 0
    const { outbox, sent, advance, start } = scripted(() => (++calls < 4 ? 500 : 204))
    outbox.enqueue({ id: 'evt_a', bankId: 'harbor', type: 'consent.revoked', orderKey: 'c1', body: '{}' })
    await outbox.idle()
    await advance(4_999)
    expect(sent).toHaveLength(1) // 5 s not yet up
    await advance(1)
    await advance(300_000)
    await advance(1_800_000)
    expect(sent.map((s) => s.at - start)).toEqual([0, 5_000, 305_000, 2_105_000])
    expect(new Set(sent.map((s) => s.id))).toEqual(new Set(['evt_a']))
    expect(outbox.list()[0]).toMatchObject({ status: 'delivered', nextAttemptAtMs: null })
    expect(outbox.list()[0]?.attempts.map((a) => a.statusCode)).toEqual([500, 500, 500, 204])
  })

  test('a 3xx is a failure, and a delivery is never dropped: past the schedule it is tried every 10 h', async () => {
    let down = true
    const { outbox, sent, advance } = scripted(() => (down ? 302 : 200))
    outbox.enqueue({ id: 'evt_b', bankId: 'harbor', type: 'consent.revoked', orderKey: 'c1', body: '{}' })
    await outbox.idle()
    for (const delay of RETRY_DELAYS_MS.slice(1)) await advance(delay)
    // Thirty days down: still waiting, still tried.
    for (let hour = 0; hour < 30 * 24; hour++) await advance(3_600_000)
    expect(outbox.list()[0]?.status).toBe('retrying')
    expect(sent.length).toBe(RETRY_DELAYS_MS.length + 72)
    down = false
    await advance(36_000_000)
    expect(outbox.list()[0]).toMatchObject({ status: 'delivered', nextAttemptAtMs: null })
  })

  test('a redelivery that gets a 2xx completes a delivery still waiting, and the consent’s next event follows', async () => {
    let down = true
    const { outbox, sent } = scripted(() => (down ? 500 : 200))
    outbox.enqueue({ id: 'evt_1', bankId: 'harbor', type: 'consent.expiring', orderKey: 'c1', body: '{}' })
    outbox.enqueue({ id: 'evt_2', bankId: 'harbor', type: 'consent.expired', orderKey: 'c1', body: '{}' })
    await outbox.idle()
    down = false
    await outbox.redeliver('evt_1')
    await outbox.idle()
    expect(outbox.list().map((d) => d.status)).toEqual(['delivered', 'delivered'])
    expect(sent.map((s) => s.id)).toEqual(['evt_1', 'evt_1', 'evt_2'])
  })

  test('recover sends every delivery since a time again, in order, with the same ids', async () => {
    const { outbox, sent, start } = scripted(() => 200)
    for (const id of ['evt_1', 'evt_2', 'evt_3'])
      outbox.enqueue({ id, bankId: 'harbor', type: 'transactions.available', orderKey: 'c1', body: '{}' })
    await outbox.idle()
    expect(outbox.recover(start)).toBe(3)
    await outbox.idle()
    expect(sent.map((s) => s.id)).toEqual(['evt_1', 'evt_2', 'evt_3', 'evt_1', 'evt_2', 'evt_3'])
    expect(outbox.list().every((d) => d.status === 'delivered' && d.attempts.length === 2)).toBe(true)
  })

  test('a delivery another instance recovered goes back before the later events of its consent still waiting', async () => {
    let down = false
    // A store's table, as instances sharing a database keep deliveries in.
    const table = new Table<Delivery>('deliveries', () => {})
    const { outbox, sent, advance } = scripted(() => (down ? 503 : 200), undefined, table)
    const event = (id: string, type = 'transactions.available') =>
      outbox.enqueue({ id, bankId: 'harbor', type, orderKey: 'c1', body: '{}' })
    event('evt_1')
    await outbox.idle()
    down = true
    event('evt_2', 'consent.revoked')
    await outbox.idle()
    // The other instance sent evt_1 again: kept as pending, as its recovery left it.
    const first = outbox.list().find((d) => d.id === 'evt_1')
    if (!first) throw new Error('no evt_1')
    outbox.adopt({ ...first, status: 'pending', nextAttemptAtMs: 0 })
    down = false
    await advance(5_000)
    expect(sent.map((s) => s.id)).toEqual(['evt_1', 'evt_2', 'evt_1', 'evt_2'])
  })

  test('events of one consent wait behind a failing one and arrive in order; other consents are not held', async () => {
    let down = true
    const { outbox, sent, advance } = scripted((_url, id) => (down && id !== 'evt_other' ? null : 200))
    for (const id of ['evt_1', 'evt_2', 'evt_3']) {
      outbox.enqueue({ id, bankId: 'harbor', type: 'transactions.available', orderKey: 'c1', body: '{}' })
    }
    outbox.enqueue({
      id: 'evt_other',
      bankId: 'harbor',
      type: 'transactions.available',
      orderKey: 'c2',
      body: '{}',
    })
    await outbox.idle()
    expect(sent.map((s) => s.id)).toEqual(['evt_1', 'evt_other'])
    down = false
    await advance(5_000)
    expect(sent.map((s) => s.id)).toEqual(['evt_1', 'evt_other', 'evt_1', 'evt_2', 'evt_3'])
    expect(outbox.list().every((d) => d.status === 'delivered')).toBe(true)
  })

  test('with no integration attached deliveries are held, not attempted and not dropped', async () => {
    const sent: string[] = []
    let target: string | null = null
    const outbox = createOutbox({
      now: () => 0,
      wallNow: () => 0,
      send: async (_url, headers) => {
        sent.push(headers['webhook-id'] ?? '')
        return { statusCode: 200, latencyMs: 0, error: null }
      },
      target: () => target,
      sign: (_bank, id) => ({ 'webhook-id': id }),
      onAttempt: () => {},
    })
    outbox.enqueue({ id: 'evt_h', bankId: 'harbor', type: 'consent.revoked', orderKey: 'c', body: '{}' })
    await outbox.idle()
    expect(sent).toEqual([])
    target = 'http://127.0.0.1:1/webhooks/bank/harbor'
    outbox.dispatchDue()
    await outbox.idle()
    expect(sent).toEqual(['evt_h'])
  })

  test('keeps every pending delivery and only the newest finished ones', async () => {
    // Events of consent c-down never get through; everything else is delivered at once.
    const { outbox } = scripted((_url, id) => (id.startsWith('down') ? 500 : 204), 10)
    for (let n = 0; n < 40; n++) {
      const down = n % 8 === 0
      outbox.enqueue({
        id: `${down ? 'down' : 'ok'}_${n}`,
        bankId: 'harbor',
        type: 'transaction.created',
        orderKey: down ? 'c-down' : `c${n}`,
        body: '{}',
      })
      await outbox.idle()
    }
    const kept = outbox.list()
    expect(kept.filter((d) => d.status !== 'delivered').map((d) => d.id)).toEqual([
      'down_0',
      'down_8',
      'down_16',
      'down_24',
      'down_32',
    ])
    const finished = kept.filter((d) => d.status === 'delivered')
    expect(finished.length).toBeGreaterThanOrEqual(10)
    expect(finished.length).toBeLessThanOrEqual(11)
    expect(finished.at(-1)?.id).toBe('ok_39')
    // Oldest first, as enqueued.
    const order = kept.map((d) => Number(d.id.split('_')[1]))
    expect(order).toEqual([...order].sort((a, b) => a - b))
  })
})
