import type { GenerateFigures } from './generate-bench.ts'
import { type HttpFigures, SUBSCRIBERS } from './http-bench.ts'
import type { ReadinessFigures } from './readiness.ts'
import { formatNumber, formatRatio } from './stats.ts'
import { type Row, verdict } from './table.ts'

// Turns each section's figures into table rows and the notes that say how to read
// them. Targets live here, next to the words that print them.

const TARGETS = {
  balancesRatio: 0.6,
  settledPageRatio: 0.8,
  newestPageRatio: 0.5,
  /** Throughput with SUBSCRIBERS live-event subscribers over throughput with none. */
  subscribedRatio: 0.5,
  readinessMs: 500,
  transactionsPerSecond: 300_000,
  peakRssBytes: 200e6,
} as const

const mb = (bytes: number) => (Number.isFinite(bytes) ? `${formatNumber(bytes / 1e6)} MB` : 'n/a')
const ms = (value: number) => `${formatNumber(value, value < 10 ? 2 : 0)} ms`

/** Balances, the settled page and the newest page, in the order benchHttp measures them. */
const HTTP_TARGETS = [TARGETS.balancesRatio, TARGETS.settledPageRatio, TARGETS.newestPageRatio]

type HttpEndpoint = HttpFigures['endpoints'][number]
type ServerFigures = HttpEndpoint['bare']

/**
 * The capacity row and the req/s row of `server` against `baseline`. A target is judged
 * on capacity (requests per server CPU-second) where /proc could say, and on req/s only
 * where it could not: see the notes for why.
 */
function ratioRows(
  what: string,
  server: ServerFigures,
  baseline: ServerFigures,
  target: { text: string; ratio: number; failed: boolean } | null,
): Row[] {
  const judged = (here: boolean, ratio: number) =>
    target && here
      ? { target: target.text, status: verdict(!target.failed && ratio >= target.ratio) }
      : { target: '', status: '' }
  const rows: Row[] = []
  const capacity = server.requestsPerCpuSecond
  const baselineCapacity = baseline.requestsPerCpuSecond
  const onCapacity = capacity !== null && baselineCapacity !== null
  if (onCapacity) {
    const ratio = capacity / baselineCapacity
    rows.push({
      measure: `${what}: requests per server CPU-second`,
      sandbox: formatNumber(capacity),
      baseline: formatNumber(baselineCapacity),
      ratio: formatRatio(ratio),
      ...judged(true, ratio),
    })
  }
  const ratio = server.requestsPerSecond / baseline.requestsPerSecond
  rows.push({
    measure: `${what}: req/s`,
    sandbox: formatNumber(server.requestsPerSecond),
    baseline: formatNumber(baseline.requestsPerSecond),
    ratio: formatRatio(ratio),
    ...judged(!onCapacity, ratio),
  })
  return rows
}

export function httpRows(figures: HttpFigures): Row[] {
  return figures.endpoints.flatMap((endpoint, i) => {
    const failed = endpoint.failures > 0
    const floor = HTTP_TARGETS[i] ?? TARGETS.newestPageRatio
    const name = `HTTP ${endpoint.name}`
    const rows = [
      ...ratioRows(name, endpoint.sandbox, endpoint.bare, { text: `≥ ${floor}× bare`, ratio: floor, failed }),
      // Not the sandbox: the framework alone, replaying the same bytes (what a route through it costs).
      ...ratioRows(`${name} of one Hono route replaying it`, endpoint.floor, endpoint.bare, null),
    ]
    if (endpoint.subscribed) {
      const kept = { text: `≥ ${TARGETS.subscribedRatio}× with none`, ratio: TARGETS.subscribedRatio, failed }
      rows.push(
        ...ratioRows(
          `${name} with ${SUBSCRIBERS} event subscribers`,
          endpoint.subscribed,
          endpoint.sandbox,
          kept,
        ),
      )
    }
    rows.push({
      measure: `${name}: p99 latency`,
      sandbox: ms(endpoint.sandbox.p99Ms),
      baseline: ms(endpoint.bare.p99Ms),
      ratio: formatRatio(endpoint.sandbox.p99Ms / endpoint.bare.p99Ms),
      target: '',
      status: '',
    })
    return rows
  })
}

export function httpNotes(figures: HttpFigures): string[] {
  const { connections, warmupSeconds, seconds } = figures.load
  const bodies = figures.endpoints.map((e) => `${e.name} ${formatNumber(e.bodyBytes)} B`).join(', ')
  const failures = figures.endpoints.map((e) => `${e.name} ${e.failures}`).join(', ')
  return [
    `HTTP: baseline is a bare node:http child replaying the sandbox's recorded status, content-type and body (${bodies}). autocannon over 127.0.0.1, ${connections} connections, pipelining 1, ${warmupSeconds} s warm-up + ${seconds} s measured; median of ${figures.rounds} rounds in rotating order; ${figures.pinning ?? 'not pinned (no taskset or one core)'}.`,
    `HTTP: the "one Hono route" rows are the framework floor: a child serving the same recorded bytes from memory through one Hono route on @hono/node-server, with no middleware, auth or JSON building: what any route through the framework costs at least. The sandbox answers plain balance and page reads before the framework (hot-reads.ts), so it can beat that floor; every other call goes through it.`,
    'HTTP: the settled page is a 30-day window ending a week back: its days are settled, so after the first read it is answered from the page cache. The page reaching today is the default window: it is kept until a transaction it would show is booked or posts (or midnight), so under load most reads find it kept too.',
    `HTTP: the "event subscribers" rows load a second sandbox child, the same but for ${SUBSCRIBERS} dashboard-style subscribers on GET /sandbox/events (a child process beside the load generator, reading everything; every bank call is an event each of them is sent); the baseline is the sandbox without them in the same rounds. Subscribers cut off for falling behind and back with Last-Event-ID: ${figures.resubscribed}.`,
    "HTTP: capacity is requests answered per CPU-second of the server's own process (user + system time from /proc over each measured run, median of the rounds): what a request costs the server, whatever the load generator manages. The ratio targets are judged on it; req/s, shown beside it, mixes in the generator's speed (one core, itself near saturation on 16 KB pages), and is judged only where /proc cannot be read.",
    `HTTP: non-2xx/errors/timeouts across all runs: ${failures}.`,
  ]
}

export function readinessRows(figures: ReadinessFigures): Row[] {
  return [
    {
      measure: 'serve: spawn → first 200 /health',
      sandbox: ms(figures.sandboxMs),
      baseline: ms(figures.bareMs),
      ratio: formatRatio(figures.sandboxMs / figures.bareMs),
      target: `< ${TARGETS.readinessMs} ms`,
      status: verdict(figures.sandboxMs < TARGETS.readinessMs),
    },
  ]
}

export function readinessNotes(figures: ReadinessFigures): string[] {
  return [
    `Readiness: median of ${figures.runs} spawns each, polling every 5 ms; baseline is \`node -e\` with a bare http server. The first sandbox spawn (not in the median, may pay a cold tsx cache) took ${ms(figures.firstSandboxMs)}.`,
  ]
}

export function generateRows(figures: GenerateFigures): Row[] {
  const { customers, smallCustomers, days } = figures.options
  const rate = figures.transactions / (figures.generate.wallMs / 1000)
  const bound = figures.transactions / (figures.rawWrite.wallMs / 1000)
  const rssMet = (bytes: number) => (Number.isFinite(bytes) ? bytes < TARGETS.peakRssBytes : null)
  return [
    {
      measure: `generate ${formatNumber(customers)} × ${days} d: transactions/s`,
      sandbox: formatNumber(rate),
      baseline: formatNumber(bound),
      ratio: formatRatio(rate / bound),
      target: `≥ ${formatNumber(TARGETS.transactionsPerSecond)}/s`,
      status: verdict(rate >= TARGETS.transactionsPerSecond),
    },
    {
      measure: `generate ${formatNumber(customers)} × ${days} d: wall time`,
      sandbox: ms(figures.generate.wallMs),
      baseline: ms(figures.rawWrite.wallMs),
      ratio: formatRatio(figures.generate.wallMs / figures.rawWrite.wallMs),
      target: '',
      status: '',
    },
    {
      measure: `generate ${formatNumber(customers)}: peak RSS`,
      sandbox: mb(figures.generate.peakRss),
      baseline: mb(figures.rawWrite.peakRss),
      ratio: formatRatio(figures.generate.peakRss / figures.rawWrite.peakRss),
      target: '< 200 MB',
      status: verdict(rssMet(figures.generate.peakRss)),
    },
    {
      measure: `generate ${formatNumber(smallCustomers)}: peak RSS`,
      sandbox: mb(figures.smallPeakRss),
      baseline: mb(figures.generate.peakRss),
      ratio: formatRatio(figures.smallPeakRss / figures.generate.peakRss),
      target: '< 200 MB, ≈ 1× (flat in N)',
      status: verdict(rssMet(figures.smallPeakRss)),
    },
  ]
}

export function generateNotes(figures: GenerateFigures): string[] {
  const { seed, customers, smallCustomers, days, runs, budgetMs } = figures.options
  const made = figures.generate.runs
  const howMany =
    made < runs
      ? `median of ${made} (not ${runs}: the section's ${budgetMs / 1000} s budget ran out)`
      : `median of ${made}`
  return [
    `generate: \`generate --seed ${seed} --days ${days} --format ndjson\` > /dev/null, whole-process wall time (Node and tsx start-up included), ${howMany}; the counting run through a pipe took ${ms(figures.pipedWallMs)}; ${formatNumber(figures.transactions)} transactions in ${mb(figures.bytes)} of NDJSON at ${formatNumber(customers)} customers. Baseline: a trivial Node loop writing the same bytes to the same stdout (the I/O bound; its transactions/s is what generate would reach if generating cost nothing). Peak RSS from GNU time %M, worst run; the ${formatNumber(smallCustomers)}-customer row compares against the ${formatNumber(customers)}-customer figure.`,
  ]
}
