import { createWriteStream } from 'node:fs'
import { parseArgs } from 'node:util'
import { DEFAULT_BANKS, mainBankIds } from '../bank/policy.ts'
import { generateWorld } from '../generate/generate.ts'
import { UsageError } from '../usage-error.ts'
import type { CliIo } from './io.ts'
import { parseDays, parseSeed, wholeNumber } from './options.ts'

// `bank-sandbox generate`: a synthetic world streamed as NDJSON, JSON or CSV. A large one
// streams for minutes, so it loads neither the server nor the web stack.

export async function generateCommand(args: string[], io: CliIo): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      seed: { type: 'string' },
      customers: { type: 'string' },
      days: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      now: { type: 'string' },
    },
  })
  const format = values.format ?? 'ndjson'
  if (format !== 'ndjson' && format !== 'json' && format !== 'csv')
    throw new UsageError('--format must be ndjson, json or csv.')
  const nowMs = values.now === undefined ? GENERATE_DEFAULT_NOW : Date.parse(values.now)
  if (Number.isNaN(nowMs)) throw new UsageError('--now must be an ISO 8601 date-time.')
  const options = {
    seed: parseSeed(values.seed) ?? 42,
    customers: wholeNumber(values.customers, 'customers', 1, 100_000_000) ?? 100,
    days: parseDays(values.days) ?? 90,
    nowMs,
    format,
    bankIds: DEFAULT_BANKS.map((bank) => bank.id),
    mainBankIds: mainBankIds(DEFAULT_BANKS),
  } as const
  const out = values.out ? createWriteStream(values.out) : io.stdout
  const progress = io.stderr.isTTY ? progressLine(io) : undefined
  const result = await generateWorld(options, out, progress?.update)
  progress?.done(result)
  if (values.out)
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    )
}

/**
 * generate's "now" when --now is not given: a fixed instant, so the same seed gives the
 * same bytes on any day. Pass --now to anchor the history elsewhere.
 */
export const GENERATE_DEFAULT_NOW = Date.parse('2026-01-01T00:00:00.000Z')

function progressLine(io: CliIo) {
  const started = io.wallNow()
  let shown = 0
  return {
    update(done: number, total: number) {
      const now = io.wallNow()
      if (now - shown < 200) return
      shown = now
      const pct = ((100 * done) / total).toFixed(1)
      io.stderr.write(`\rgenerating: ${done}/${total} people (${pct}%)`)
    },
    done(result: { people: number; transactions: number }) {
      const seconds = (io.wallNow() - started) / 1000
      io.stderr.write(
        `\rgenerated ${result.people} people, ${result.transactions} transactions in ${seconds.toFixed(1)} s\n`,
      )
    },
  }
}
