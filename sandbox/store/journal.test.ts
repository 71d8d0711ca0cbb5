import { describe, expect, test } from 'vitest'
import { createJournal, type JournalCall } from './journal.ts'

const call = (n: number): JournalCall => ({
  atMs: Date.UTC(2026, 0, 1) + n * 1000,
  bankId: n % 2 ? 'harbor' : null,
  method: 'GET',
  route: '/banks/:bankId/v1/accounts',
  path: `/banks/harbor/v1/accounts?n=${n % 3}`,
  consentId: n % 2 ? `cns_${n}` : null,
  status: 200 + (n % 5),
  latencyMs: n / 4,
})

describe('journal', () => {
  test('gives back what was recorded, with ids in order and ISO times', () => {
    const journal = createJournal(10)
    expect(journal.entries()).toEqual([])
    for (let n = 0; n < 3; n++) expect(journal.record(call(n))).toBe(n + 1)
    const { atMs, ...rest } = call(1)
    const at = new Date(atMs).toISOString()
    // Without a wall time the call's own time stands in; a call that served nothing has no scope or records.
    expect(journal.entries()[1]).toEqual({
      id: 2,
      at,
      wallAt: at,
      scope: null,
      records: 0,
      channels: null,
      ...rest,
    })
    expect(journal.newest(2).map((e) => e.id)).toEqual([3, 2])
  })

  test('keeps what each answer served: its wall time, scope, records and channels', () => {
    const journal = createJournal(4)
    const wallAtMs = Date.UTC(2026, 5, 1, 9)
    const channels = { platform: 3, inStore: 1, online: 0 }
    journal.record({ ...call(1), wallAtMs, scope: 'transactions.all:read', records: 4, channels })
    journal.record({ ...call(2), scope: 'balances:read', records: 1 })
    const [transactions, balance] = journal.entries()
    expect(transactions).toMatchObject({
      wallAt: new Date(wallAtMs).toISOString(),
      scope: 'transactions.all:read',
      records: 4,
      channels,
    })
    expect(balance).toMatchObject({ scope: 'balances:read', records: 1, channels: null })
    expect(journal.ofConsent('cns_1').map((entry) => entry.id)).toEqual([1])
  })

  test('keeps only the newest `capacity` calls, oldest first, and counts every call', () => {
    const journal = createJournal(4)
    for (let n = 0; n < 11; n++) journal.record(call(n))
    expect(journal.recorded).toBe(11)
    expect(journal.entries().map((e) => e.id)).toEqual([8, 9, 10, 11])
    expect(journal.entries().map((e) => e.status)).toEqual([7, 8, 9, 10].map((n) => call(n).status))
    expect(journal.newest(10).map((e) => e.id)).toEqual([11, 10, 9, 8])
    expect(journal.entries().at(-1)?.path).toBe(call(10).path)
  })

  test('grows as calls come, then keeps the newest `capacity`, every field intact across the growth', () => {
    const journal = createJournal(1000)
    const served = (n: number): JournalCall => ({
      ...call(n),
      records: n,
      channels: { platform: n, inStore: 1, online: 2 },
    })
    for (let n = 0; n < 700; n++) journal.record(served(n))
    // Grown twice by now (256, 512): the first calls came through both copies.
    expect(journal.entries()[0]).toMatchObject({
      id: 1,
      path: call(0).path,
      records: 0,
      channels: { platform: 0 },
    })
    expect(journal.entries()[300]).toMatchObject({ id: 301, path: call(300).path, records: 300 })
    for (let n = 700; n < 2500; n++) journal.record(served(n))
    const kept = journal.entries()
    expect(kept.map((e) => e.id)).toEqual(Array.from({ length: 1000 }, (_, i) => 1501 + i))
    for (const entry of [kept[0], kept[499], kept[999]]) {
      const n = (entry?.id ?? 0) - 1
      expect(entry).toMatchObject({
        path: call(n).path,
        status: call(n).status,
        records: n,
        channels: { platform: n },
      })
    }
  })
})
