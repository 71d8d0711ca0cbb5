import { createHash } from 'node:crypto'
import { Writable } from 'node:stream'
import { describe, expect, test } from 'vitest'
import { findCardNumbers } from '../synthetic/luhn.ts'
import { DAY_MS } from '../synthetic/types.ts'
import { createWorld } from '../synthetic/world.ts'
import { CHUNK_BYTES, MAX_QUEUED_BYTES } from './chunked-writer.ts'
import { csvField } from './csv.ts'
import { type GenerateFormat, type GenerateOptions, generateWorld } from './generate.ts'

const NOW = Date.parse('2026-01-01T12:34:56.789Z')
const options = (overrides: Partial<GenerateOptions> = {}): GenerateOptions => ({
  seed: 42,
  customers: 25,
  days: 20,
  nowMs: NOW,
  format: 'ndjson',
  bankIds: ['harbor', 'meridian', 'pinecrest'],
  ...overrides,
})

class Collect extends Writable {
  readonly chunks: Buffer[] = []
  maxBuffered = 0
  constructor(private readonly slow = false) {
    super({ highWaterMark: slow ? 1024 : 16 * 1024 })
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.chunks.push(chunk)
    this.maxBuffered = Math.max(this.maxBuffered, this.writableLength)
    if (this.slow) setImmediate(done)
    else done()
  }
  text() {
    return Buffer.concat(this.chunks).toString('utf8')
  }
}

async function run(overrides: Partial<GenerateOptions> = {}, out = new Collect()) {
  const result = await generateWorld(options(overrides), out)
  await new Promise((resolve) => out.end(resolve))
  return { text: out.text(), result, out }
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex')
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const formats: GenerateFormat[] = ['ndjson', 'json', 'csv']

/** A strict RFC 4180 parser, enough to prove the CSV is well-formed. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let i = 0
  while (i < text.length) {
    if (text[i] === '"') {
      i++
      while (i < text.length && !(text[i] === '"' && text[i + 1] !== '"')) {
        field += text[i] === '"' ? '"' : text[i]
        i += text[i] === '"' ? 2 : 1
      }
      i++
    } else if (text[i] === ',') {
      row.push(field)
      field = ''
      i++
    } else if (text.startsWith('\r\n', i)) {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i += 2
    } else {
      field += text[i]
      i++
    }
  }
  expect(field).toBe('')
  return rows
}

describe('generateWorld', () => {
  test.each(formats)('%s output is byte-identical across runs and changes with the seed', async (format) => {
    const [a, b, c] = await Promise.all([run({ format }), run({ format }), run({ format, seed: 43 })])
    expect(sha(a.text)).toBe(sha(b.text))
    expect(sha(a.text)).not.toBe(sha(c.text))
    expect(a.result.people).toBe(25)
    expect(a.result.transactions).toBeGreaterThan(500)
  })

  test.each(formats)('%s output never holds anything that looks like a card number', async (format) => {
    const { text } = await run({ format })
    expect(findCardNumbers(text)).toEqual([])
    expect(text).not.toMatch(/\d{13,}/)
    const world = createWorld({ seed: 42, customers: 25, bankIds: options().bankIds, startDay: 0 })
    const pans = Array.from({ length: 25 }, (_, i) =>
      (world.person(i)?.bankIds ?? []).flatMap(
        (b) => world.customerOfPerson(b, i)?.cards.map((c) => c.pan) ?? [],
      ),
    ).flat()
    expect(pans.length).toBeGreaterThan(25)
    for (const pan of pans) expect(text).not.toContain(pan)
  })

  test('ndjson is meta first, then typed records, with the history window and statuses right', async () => {
    const { text, result } = await run()
    const lines = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines[0]).toMatchObject({
      type: 'meta',
      seed: 42,
      customers: 25,
      days: 20,
      now: '2026-01-01T12:34:56.789Z',
      version: 1,
    })
    const count = (type: string) => lines.filter((l) => l.type === type).length
    expect(count('meta')).toBe(1)
    expect(count('person')).toBe(25)
    expect(count('transaction')).toBe(result.transactions)
    const startMs = (Math.floor(NOW / DAY_MS) - 20) * DAY_MS
    for (const l of lines) {
      if (l.type === 'card')
        expect(Object.keys(l).sort()).toEqual([
          'accountId',
          'expiry',
          'id',
          'kind',
          'last4',
          'network',
          'type',
        ])
      if (l.type === 'account') expect(['checking', 'savings', 'credit']).toContain(l.accountType)
      if (l.type !== 'transaction') continue
      const booked = Date.parse(l.bookedAt)
      expect(l.bookedAt).toMatch(ISO)
      expect(l.postedAt).toMatch(ISO)
      expect(booked).toBeGreaterThanOrEqual(startMs)
      expect(booked).toBeLessThanOrEqual(NOW)
      expect(l.status).toBe(Date.parse(l.postedAt) > NOW ? 'pending' : 'posted')
      expect(l.amount).toEqual({ amount: expect.any(Number), currency: 'USD' })
      expect(l).toHaveProperty('fraud')
    }
    expect(lines.some((l) => l.status === 'pending')).toBe(true)
  })

  test('exported transactions are exactly those of the world on those days', async () => {
    const { text } = await run()
    const exported = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((l) => l.type === 'transaction' && l.accountId === 'acc_harbor_00000_chk')
    const world = createWorld({ seed: 42, customers: 25, bankIds: options().bankIds, startDay: 0 })
    const account = world.account('acc_harbor_00000_chk')
    if (!account) throw new Error('no account')
    const today = Math.floor(NOW / DAY_MS)
    const expected = []
    for (let day = today - 20; day <= today; day++) {
      expected.push(...world.transactionsOnDay(account, day).filter((t) => t.bookedAtMs <= NOW))
    }
    expect(exported.map((l) => [l.id, l.amount.amount, Date.parse(l.bookedAt)])).toEqual(
      expected.map((t) => [t.id, t.amount, t.bookedAtMs]),
    )
  })

  test('json is one document with people → customers → accounts → transactions, matching ndjson', async () => {
    const [json, ndjson] = await Promise.all([run({ format: 'json' }), run()])
    const doc = JSON.parse(json.text)
    expect(doc.meta).toMatchObject({ seed: 42, customers: 25 })
    expect(doc.people).toHaveLength(25)
    const ids: string[] = []
    for (const person of doc.people) {
      expect(person.customers.length).toBeGreaterThan(0)
      for (const customer of person.customers) {
        for (const card of customer.cards) expect(card).not.toHaveProperty('pan')
        for (const account of customer.accounts) for (const t of account.transactions) ids.push(t.id)
      }
    }
    const ndIds = ndjson.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'transaction')
      .map((l) => l.id)
    expect(ids).toEqual(ndIds)
  })

  test('csv has a header and one well-formed row per transaction', async () => {
    const { text, result } = await run({ format: 'csv' })
    const rows = parseCsv(text)
    const [header, ...body] = rows
    expect(header?.slice(0, 4)).toEqual(['transactionId', 'bookedAt', 'postedAt', 'status'])
    expect(body).toHaveLength(result.transactions)
    for (const row of body) {
      expect(row).toHaveLength(header?.length ?? 0)
      expect(row[0]).toMatch(/^txn_/)
      expect(row[1]).toMatch(ISO)
      expect(Number.isInteger(Number(row[4]))).toBe(true)
    }
    expect(csvField('a "b", c')).toBe('"a ""b"", c"')
    expect(csvField('line\r\nbreak')).toBe('"line\r\nbreak"')
  })

  test('a slow consumer gets the same bytes, with the producer waiting for drain', async () => {
    const fast = await run({ customers: 20, days: 90 })
    const slow = await run({ customers: 20, days: 90 }, new Collect(true))
    expect(sha(slow.text)).toBe(sha(fast.text))
    // Without backpressure the whole export would pile up in the stream's buffer.
    expect(slow.out.maxBuffered).toBeLessThanOrEqual(MAX_QUEUED_BYTES + 2 * CHUNK_BYTES)
    expect(Buffer.byteLength(slow.text)).toBeGreaterThan(4 * (MAX_QUEUED_BYTES + 2 * CHUNK_BYTES))
  })

  test('progress is reported every 1000 people and at the end', async () => {
    const calls: [number, number][] = []
    await generateWorld(options({ customers: 2500, days: 1 }), new Collect(), (done, total) =>
      calls.push([done, total]),
    )
    expect(calls).toEqual([
      [1000, 2500],
      [2000, 2500],
      [2500, 2500],
    ])
  })
})
