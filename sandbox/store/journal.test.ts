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
    expect(journal.entries()[1]).toEqual({ id: 2, at: new Date(atMs).toISOString(), ...rest })
    expect(journal.newest(2).map((e) => e.id)).toEqual([3, 2])
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
})
