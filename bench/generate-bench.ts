import { closeSync, existsSync, openSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { benchScript, type ChildGroup, CLI_BUNDLE, NODE, waitForExit } from './processes.ts'
import { median } from './stats.ts'

// Section 3: `generate` throughput against the raw write speed of the same byte volume,
// and its peak memory at two sizes (a streaming generator keeps it flat as N grows).
// Peak RSS comes from GNU time's %M (kilobytes); without it memory reads n/a.

const TIME = '/usr/bin/time'
const RSS_MARK = 'BENCH_MAXRSS_KB='
const TRANSACTION_MARK = Buffer.from('"type":"transaction"')

export interface GenerateOptions {
  seed: number
  customers: number
  /** A second, smaller size whose peak RSS should match the big one's. */
  smallCustomers: number
  days: number
  /** Timed runs wanted; fewer are made when they would overrun `budgetMs`. */
  runs: number
  /** Wall time this section may spend, so a slow generator cannot stretch the bench without bound. */
  budgetMs: number
}

export const DEFAULT_GENERATE: GenerateOptions = {
  seed: 1,
  customers: 20_000,
  smallCustomers: 2_000,
  days: 90,
  runs: 3,
  budgetMs: 120_000,
}

export interface TimedRun {
  wallMs: number
  /** Bytes; NaN when GNU time is missing. */
  peakRss: number
}

export interface GenerateFigures {
  options: GenerateOptions
  transactions: number
  bytes: number
  generate: { wallMs: number; peakRss: number; runs: number }
  /** The counting run, whose stdout is a pipe into the bench rather than /dev/null. */
  pipedWallMs: number
  smallPeakRss: number
  rawWrite: { wallMs: number; peakRss: number }
}

export async function benchGenerate(
  children: ChildGroup,
  options = DEFAULT_GENERATE,
): Promise<GenerateFigures> {
  const args = (customers: number) => [
    CLI_BUNDLE,
    'generate',
    '--seed',
    String(options.seed),
    '--customers',
    String(customers),
    '--days',
    String(options.days),
    '--format',
    'ndjson',
  ]
  const started = performance.now()
  const small = await timedRun(children, args(options.smallCustomers))
  // Counted once through a pipe (the output is a pure function of the seed); timed runs go to /dev/null.
  const countStarted = performance.now()
  const { bytes, transactions } = await countOutput(children, args(options.customers))
  const pipedWallMs = performance.now() - countStarted
  const generateRuns: TimedRun[] = []
  const rawRuns: TimedRun[] = []
  for (let i = 0; i < options.runs; i++) {
    const last = generateRuns.at(-1)?.wallMs ?? pipedWallMs
    if (i > 0 && performance.now() - started + last > options.budgetMs) break
    generateRuns.push(await timedRun(children, args(options.customers)))
    rawRuns.push(await timedRun(children, [...benchScript('./raw-write.ts'), String(bytes)]))
  }
  return {
    options,
    transactions,
    bytes,
    generate: { ...summarize(generateRuns), runs: generateRuns.length },
    pipedWallMs,
    smallPeakRss: small.peakRss,
    rawWrite: summarize(rawRuns),
  }
}

/** Median wall time; peak RSS is the worst run's, since the target is a ceiling. */
function summarize(runs: readonly TimedRun[]) {
  return { wallMs: median(runs.map((r) => r.wallMs)), peakRss: Math.max(...runs.map((r) => r.peakRss)) }
}

async function countOutput(
  children: ChildGroup,
  args: string[],
): Promise<{ bytes: number; transactions: number }> {
  const child = children.start(NODE, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  let bytes = 0
  let transactions = 0
  // The tail of the previous chunk, so a mark split across two chunks still counts once.
  let carry = Buffer.alloc(0)
  for await (const chunk of child.stdout ?? []) {
    const buffer = chunk as Buffer
    bytes += buffer.length
    const window = Buffer.concat([carry, buffer])
    for (
      let at = window.indexOf(TRANSACTION_MARK);
      at !== -1;
      at = window.indexOf(TRANSACTION_MARK, at + 1)
    ) {
      transactions++
    }
    carry = window.subarray(Math.max(0, window.length - TRANSACTION_MARK.length + 1))
  }
  const { code } = await waitForExit(child)
  if (code !== 0) throw new Error(`generate exited with ${code}`)
  return { bytes, transactions }
}

async function timedRun(children: ChildGroup, nodeArgs: string[]): Promise<TimedRun> {
  const withTime = existsSync(TIME)
  const [command, args] = withTime ? [TIME, ['-f', `${RSS_MARK}%M`, NODE, ...nodeArgs]] : [NODE, nodeArgs]
  const devNull = openSync('/dev/null', 'w')
  try {
    const started = performance.now()
    const child = children.start(command, args, { stdio: ['ignore', devNull, 'pipe'] })
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000)
    })
    const { code } = await waitForExit(child)
    const wallMs = performance.now() - started
    if (code !== 0) throw new Error(`${nodeArgs.join(' ')} exited with ${code}: ${stderr}`)
    const kilobytes = Number(stderr.slice(stderr.lastIndexOf(RSS_MARK) + RSS_MARK.length).trim())
    return { wallMs, peakRss: withTime && stderr.includes(RSS_MARK) ? kilobytes * 1024 : Number.NaN }
  } finally {
    closeSync(devNull)
  }
}
