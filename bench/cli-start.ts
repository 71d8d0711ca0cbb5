import { spawnSync } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { NODE } from './processes.ts'
import { formatNumber, formatRatio, median } from './stats.ts'
import { type Row, verdict } from './table.ts'

// How long a short CLI command keeps a shell or a CI step waiting, spawn to exit, as
// `npx bank-sandbox` runs it (bin/bank-sandbox.js → the bundle), against a bare
// `node -e ""`: what Node itself costs to start and stop.

const BIN = fileURLToPath(new URL('../bin/bank-sandbox.js', import.meta.url))
const COMMANDS = [['integrations'], ['scenario', 'list']]
const TARGET_RATIO = 2.5

export interface CliStartFigures {
  bareMs: number
  commands: { command: string; ms: number }[]
  runs: number
}

function wallMs(args: string[]): number {
  const started = performance.now()
  const run = spawnSync(NODE, args, { stdio: 'ignore' })
  const ms = performance.now() - started
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${run.status}`)
  return ms
}

export async function benchCliStart(runs = 11): Promise<CliStartFigures> {
  const all = [['-e', ''], ...COMMANDS.map((command) => [BIN, ...command])]
  for (const args of all) wallMs(args) // warm the file-system cache
  const times = all.map(() => [] as number[])
  for (let i = 0; i < runs; i++) for (const [j, args] of all.entries()) times[j]?.push(wallMs(args))
  const [bare = [], ...commands] = times
  return {
    bareMs: median(bare),
    commands: COMMANDS.map((command, i) => ({ command: command.join(' '), ms: median(commands[i] ?? []) })),
    runs,
  }
}

export function cliStartRows(figures: CliStartFigures): Row[] {
  return figures.commands.map(({ command, ms }) => ({
    measure: `CLI start: bank-sandbox ${command}, spawn → exit`,
    sandbox: `${formatNumber(ms)} ms`,
    baseline: `${formatNumber(figures.bareMs)} ms`,
    ratio: formatRatio(ms / figures.bareMs),
    target: `≤ ${TARGET_RATIO}× node -e`,
    status: verdict(ms / figures.bareMs <= TARGET_RATIO),
  }))
}

export function cliStartNotes(figures: CliStartFigures): string[] {
  return [
    `CLI start: median wall time of ${figures.runs} runs each, spawn to exit, of bin/bank-sandbox.js (what npx bank-sandbox runs: the bundle) against a bare \`node -e ""\`.`,
  ]
}
