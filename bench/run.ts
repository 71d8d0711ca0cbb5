import { execFileSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { benchBursts } from './bursts.ts'
import { benchCliStart, cliStartNotes, cliStartRows } from './cli-start.ts'
import { benchClockMove } from './clock-move.ts'
import { benchDeliveries } from './deliveries.ts'
import { fraudQuality } from './fraud-quality.ts'
import { benchGenerate } from './generate-bench.ts'
import {
  burstNotes,
  burstRows,
  clockMoveNotes,
  clockMoveRows,
  slowSubscriberNotes,
  slowSubscriberRows,
} from './growth-report.ts'
import { benchHttp } from './http-bench.ts'
import { createChildGroup } from './processes.ts'
import { benchReadiness } from './readiness.ts'
import { generateNotes, generateRows, httpNotes, httpRows, readinessNotes, readinessRows } from './report.ts'
import { benchRestart } from './restart.ts'
import { benchSlowSubscriber } from './slow-subscriber.ts'
import { benchSoak, soakNotes, soakRows } from './soak.ts'
import { benchStoreModes } from './store-modes.ts'
import {
  deliveryNotes,
  deliveryRows,
  restartNotes,
  restartRows,
  storeModeNotes,
  storeModeRows,
} from './store-report.ts'
import { type Row, renderTable } from './table.ts'
import { benchWorlds, worldNotes, worldRows } from './worlds.ts'

// `npm run bench`: measures, prints one table with baselines side by side, writes it to
// bench/out/latest.md. It reports against the targets but never fails on them; it exits
// non-zero only when a section could not be measured at all. `npm run bench -- http
// worlds` runs only the sections named (the names it prints as it goes) and writes
// bench/out/partial.md instead.

const children = createChildGroup()
process.on('exit', () => children.killAll())
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    children.killAll()
    process.exit(signal === 'SIGINT' ? 130 : 143)
  })
}

// Measure what `npm start` runs: the bundled server.
execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' })

const rows: Row[] = []
const notes: string[] = []
const failures: string[] = []
const chosen = process.argv.slice(2)
const sectionNames: string[] = []

async function section<T>(
  name: string,
  measure: () => Promise<T>,
  toRows: (f: T) => Row[],
  toNotes: (f: T) => string[],
) {
  sectionNames.push(name)
  if (chosen.length > 0 && !chosen.includes(name)) return
  process.stderr.write(`bench: ${name}…\n`)
  const started = Date.now()
  try {
    const figures = await measure()
    rows.push(...toRows(figures))
    notes.push(...toNotes(figures))
  } catch (error) {
    failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`)
  }
  process.stderr.write(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
}

await section('readiness', () => benchReadiness(children), readinessRows, readinessNotes)
await section('cli start', () => benchCliStart(), cliStartRows, cliStartNotes)
await section('http', () => benchHttp(children), httpRows, httpNotes)
await section('slow subscriber', () => benchSlowSubscriber(children), slowSubscriberRows, slowSubscriberNotes)
await section('bursts', () => benchBursts(children), burstRows, burstNotes)
await section('clock move', () => benchClockMove(children), clockMoveRows, clockMoveNotes)
await section('worlds', () => benchWorlds(children), worldRows, worldNotes)
await section('soak', () => benchSoak(children), soakRows, soakNotes)
await section('store modes', () => benchStoreModes(children), storeModeRows, storeModeNotes)
await section('restart', () => benchRestart(children), restartRows, restartNotes)
await section('deliveries', () => benchDeliveries(children), deliveryRows, deliveryNotes)
await section('generate', () => benchGenerate(children), generateRows, generateNotes)
await section(
  'fraud quality',
  () => fraudQuality(),
  (q) => [
    // The baseline is the world's hidden ground truth: a perfect engine scores 1.
    {
      measure: 'fraud engine: precision (transactions)',
      sandbox: q.precision.toFixed(2),
      baseline: '1.00',
      ratio: q.precision.toFixed(2),
      target: '',
      status: '',
    },
    {
      measure: 'fraud engine: recall (transactions)',
      sandbox: q.recall.toFixed(2),
      baseline: '1.00',
      ratio: q.recall.toFixed(2),
      target: '',
      status: '',
    },
  ],
  (q) => [
    `Fraud quality: ${q.customers} linked customers, ${q.days} days on the clock; ${q.alerts} alerts, ${q.flaggedTxns} flagged and ${q.fraudTxns} truly fraudulent transactions; alert precision ${q.alertPrecision.toFixed(2)}, episode recall ${q.episodeRecall.toFixed(2)}.`,
  ],
)

for (const name of chosen.filter((name) => !sectionNames.includes(name))) {
  failures.push(`${name}: no such section (there are ${sectionNames.join(', ')})`)
}

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`
const report = [
  `# Bank Sandbox bench — ${new Date().toISOString()}`,
  '',
  `Machine: ${machine}. Ratio is sandbox ÷ baseline.`,
  '',
  renderTable(rows),
  '',
  ...notes.map((note) => `- ${note}`),
  ...failures.map((failure) => `- **Not measured** — ${failure}`),
  '',
].join('\n')

process.stdout.write(report)
await mkdir(new URL('./out/', import.meta.url), { recursive: true })
// A run of chosen sections must not overwrite the whole table of the last full run.
await writeFile(new URL(chosen.length > 0 ? './out/partial.md' : './out/latest.md', import.meta.url), report)
if (failures.length > 0) process.exitCode = 1
