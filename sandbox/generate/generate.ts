// generateWorld: streams a whole synthetic world, person by person, in NDJSON, JSON
// or CSV. Memory stays constant for any number of people: output goes out in ~64 KB
// chunks with backpressure, and the world itself keeps only small bounded caches.

import { type Account, type Customer, DAY_MS, type Transaction } from '../synthetic/types.ts'
import { WORLD_VERSION } from '../synthetic/version.ts'
import { createWorld } from '../synthetic/world.ts'
import { ChunkedWriter } from './chunked-writer.ts'
import { csvEncoder } from './csv.ts'
import type { Encoder, EncoderContext, ExportMeta, PersonEntry } from './encoder.ts'
import { createIsoFormatter } from './iso.ts'
import { jsonEncoder } from './json.ts'
import { ndjsonEncoder } from './ndjson.ts'

export type GenerateFormat = 'ndjson' | 'json' | 'csv'

export interface GenerateOptions {
  seed: number
  customers: number
  days: number
  nowMs: number
  format: GenerateFormat
  bankIds: readonly string[]
  /** The banks a person can have as their main bank; default all (see WorldConfig). */
  mainBankIds?: readonly string[]
}

export interface GenerateResult {
  people: number
  transactions: number
}

const PROGRESS_EVERY = 1000

const encoders: Record<GenerateFormat, (context: EncoderContext) => Encoder> = {
  ndjson: ndjsonEncoder,
  json: jsonEncoder,
  csv: csvEncoder,
}

export async function generateWorld(
  options: GenerateOptions,
  out: NodeJS.WritableStream,
  onProgress?: (done: number, total: number) => void,
): Promise<GenerateResult> {
  const { seed, customers: total, days, nowMs, bankIds } = options
  const today = Math.floor(nowMs / DAY_MS)
  const startDay = today - days
  // Small caches: an export reads each day once (card payments reread a month of
  // charges) and each person once.
  const world = createWorld(
    { seed, customers: total, bankIds, mainBankIds: options.mainBankIds ?? bankIds, startDay },
    { cacheSize: 512, entityCacheSize: 1 },
  )
  const iso = createIsoFormatter()
  const encoder = encoders[options.format]({ nowMs, iso, bankIds })
  const writer = new ChunkedWriter(out)
  let transactions = 0

  // History is [start of startDay, now]: whole days, then today up to nowMs.
  function* accountDays(account: Account): Iterable<readonly Transaction[]> {
    for (let day = startDay; day <= today; day++) {
      let list = world.transactionsOnDay(account, day)
      if (day === today) list = list.filter((t) => t.bookedAtMs <= nowMs)
      transactions += list.length
      if (list.length > 0) yield list
    }
  }

  const meta: ExportMeta = {
    generator: 'bank-sandbox',
    version: WORLD_VERSION,
    seed,
    customers: total,
    days,
    now: new Date(nowMs).toISOString(),
    startDate: new Date(startDay * DAY_MS).toISOString().slice(0, 10),
    bankIds,
  }
  writer.push(encoder.header(meta))
  let people = 0
  for (let index = 0; index < total; index++) {
    const person = world.person(index)
    if (!person) continue
    const customers = person.bankIds.flatMap((bankId): Customer[] => {
      const customer = world.customerOfPerson(bankId, index)
      return customer ? [customer] : []
    })
    const entry: PersonEntry = { person, customers, days: accountDays }
    for (const piece of encoder.person(entry, people === 0)) {
      writer.push(piece)
      if (writer.full) await writer.flush()
    }
    people++
    if (onProgress && people % PROGRESS_EVERY === 0) onProgress(people, total)
  }
  writer.push(encoder.footer())
  await writer.flush()
  if (onProgress && people % PROGRESS_EVERY !== 0) onProgress(people, total)
  return { people, transactions }
}
