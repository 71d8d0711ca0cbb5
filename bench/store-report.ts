import type { DeliveryFigures } from './deliveries.ts'
import type { RestartFigures } from './restart.ts'
import { formatNumber, formatRatio } from './stats.ts'
import type { StoreModeFigures } from './store-modes.ts'
import { type Row, verdict } from './table.ts'

// Table rows and notes for the store sections: balance reads in each mode, restarts with
// a long session kept, and webhook deliveries with one and two instances.

const MEMORY_BALANCES_RATIO = 0.59

const ms = (value: number | null) =>
  value === null || !Number.isFinite(value) ? 'n/a' : `${formatNumber(value, value < 10 ? 2 : 0)} ms`
const perSecond = (value: number | null | undefined) => (value == null ? 'n/a' : `${formatNumber(value)}/s`)
const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a == null || b == null ? 'n/a' : formatRatio(a / b)

const MODE_NAMES = {
  memory: 'memory',
  'data-dir': '--data-dir (SQLite)',
  postgres: '--database (PostgreSQL)',
} as const

export function storeModeRows(figures: StoreModeFigures): Row[] {
  const bare = figures.bare
  const modes = Object.keys(MODE_NAMES) as (keyof typeof MODE_NAMES)[]
  const reqs = modes.map((mode): Row => {
    const measured = figures.modes[mode]
    const isMemory = mode === 'memory'
    const met =
      measured && figures.failures === 0 ? measured.requestsPerSecond / bare.requestsPerSecond : null
    return {
      measure: `HTTP balances, ${MODE_NAMES[mode]} store: req/s`,
      sandbox: measured ? formatNumber(measured.requestsPerSecond) : 'n/a',
      baseline: formatNumber(bare.requestsPerSecond),
      ratio: ratio(measured?.requestsPerSecond, bare.requestsPerSecond),
      target: isMemory ? `≥ ${MEMORY_BALANCES_RATIO}× bare` : '',
      status: isMemory ? verdict(met === null ? false : met >= MEMORY_BALANCES_RATIO) : '',
    }
  })
  const p99s = modes.map(
    (mode): Row => ({
      measure: `HTTP balances, ${MODE_NAMES[mode]} store: p99 latency`,
      sandbox: ms(figures.modes[mode]?.p99Ms ?? null),
      baseline: ms(bare.p99Ms),
      ratio: ratio(figures.modes[mode]?.p99Ms, bare.p99Ms),
      target: '',
      status: '',
    }),
  )
  return [...reqs, ...p99s]
}

export function storeModeNotes(figures: StoreModeFigures): string[] {
  const { connections, warmupSeconds, seconds } = figures.load
  return [
    `Store modes: one sandbox per mode (memory; --data-dir on a temp directory; --database on ${figures.postgres ?? 'no PostgreSQL'}) and the bare node:http child replaying the memory sandbox's balances answer, all in the same run; autocannon over 127.0.0.1, ${connections} connections, ${warmupSeconds} s warm-up + ${seconds} s measured, median of ${figures.rounds} rounds in rotating order; ${figures.pinning ? `${figures.pinning}, PostgreSQL (when the bench started it) on the servers' core too` : 'not pinned (no taskset or one core)'}. A kept store writes each read's journal entry before answering; PostgreSQL also reads other instances' changes first. Non-2xx/errors/timeouts: ${figures.failures}.`,
    ...(figures.skipped ? [figures.skipped] : []),
  ]
}

export function restartRows(figures: RestartFigures): Row[] {
  const changes = formatNumber(figures.kept.changes)
  return (['data-dir', 'postgres'] as const).map((mode) => ({
    measure: `restart, ${MODE_NAMES[mode]} with ${changes} changes: spawn → first 200 /health`,
    sandbox: ms(figures.modes[mode]),
    baseline: ms(figures.modes.memory),
    ratio: ratio(figures.modes[mode], figures.modes.memory),
    target: '',
    status: '',
  }))
}

export function restartNotes(figures: RestartFigures): string[] {
  const { changes, session, records } = figures.kept
  return [
    `Restart: ${formatNumber(changes)} changes kept as ${formatNumber(records)} records — a session played through the app (200 customers linked, accounts and balances read, transactions injected, chats, revocations: ${formatNumber(session)} changes), then balance reads' journal entries written through the engine; copied into PostgreSQL (${figures.postgres ?? 'not measured'}) through its engine. Baseline: a memory-mode start in the same run. \`serve --integration none\`, polled every 5 ms; each mode started once unmeasured, then median of ${figures.runs} in rotating order.`,
    ...(figures.skipped ? [figures.skipped] : []),
  ]
}

export function deliveryRows(figures: DeliveryFigures): Row[] {
  const [one, two] = figures.instances
  const total = formatNumber(figures.webhooks * figures.rounds)
  return [
    {
      measure: 'webhooks delivered/s, 1 instance on PostgreSQL',
      sandbox: perSecond(one?.perSecond),
      baseline: perSecond(figures.barePerSecond),
      ratio: ratio(one?.perSecond, figures.barePerSecond),
      target: '',
      status: '',
    },
    {
      measure: 'webhooks delivered/s, 2 instances on one database',
      sandbox: perSecond(two?.perSecond),
      baseline: perSecond(one?.perSecond),
      ratio: ratio(two?.perSecond, one?.perSecond),
      target: '',
      status: '',
    },
    {
      measure: 'webhook ids delivered more than once, 2 instances',
      sandbox: two ? `${formatNumber(two.repeats)} of ${total}` : 'n/a',
      baseline: one ? `${formatNumber(one.repeats)} of ${total}` : 'n/a',
      ratio: '',
      target: '',
      status: '',
    },
  ]
}

export function deliveryNotes(figures: DeliveryFigures): string[] {
  return [
    `Deliveries: ${formatNumber(figures.webhooks)} consent.revoked webhooks (one per consent, so none waits on another) held while no integration is attached, then timed from attaching a loopback receiver answering 204 until it has seen every id; median of ${figures.rounds} rounds, on ${figures.postgres}; instances unpinned, each asked for /health every 20 ms (an instance takes in the others' changes when asked something). Baseline for 1 instance: a bare fetch loop in a Node child posting the same body to the same receiver, 10 at a time (one instance's pool); for 2 instances: 1 instance. Repeats are counted over every round (baseline column: 1 instance).`,
  ]
}
