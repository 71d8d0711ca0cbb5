import type { BurstFigures } from './bursts.ts'
import type { ClockMoveFigures } from './clock-move.ts'
import type { SlowSubscriberFigures } from './slow-subscriber.ts'
import { formatNumber, formatRatio } from './stats.ts'
import { type Row, verdict } from './table.ts'

// Rows and notes for where cost could grow with the work: a live-event subscriber that
// never reads, bursts piling up on one card, and a long clock move with many linked
// customers. Targets live here, next to the words that print them.

const TARGETS = {
  slowSubscriberGrowthBytes: 64e6,
  burstGrowth: 2,
  healthStallMs: 200,
} as const

const mb = (bytes: number) => (Number.isFinite(bytes) ? `${formatNumber(bytes / 1e6)} MB` : 'n/a')
const ms = (value: number) => `${formatNumber(value, value < 10 ? 2 : 0)} ms`

export function slowSubscriberRows(f: SlowSubscriberFigures): Row[] {
  return [
    {
      measure: `RSS growth over ${f.seconds} s of events, one subscriber never reading`,
      sandbox: mb(f.growthBytes),
      baseline: mb(f.baselineGrowthBytes),
      ratio: formatRatio(f.growthBytes / f.baselineGrowthBytes),
      target: '≤ 64 MB',
      status: verdict(f.growthBytes <= TARGETS.slowSubscriberGrowthBytes),
    },
    {
      measure: 'that subscriber disconnected by the server',
      sandbox: f.disconnected ? 'yes' : 'no',
      baseline: '',
      ratio: '',
      target: 'yes',
      status: verdict(f.disconnected),
    },
  ]
}

export function slowSubscriberNotes(f: SlowSubscriberFigures): string[] {
  return [
    `Slow subscriber: a sandbox child with one GET /sandbox/events whose socket stops reading after \`hello\`, under ${f.seconds} s of balance reads (10 connections, ${formatNumber(f.requests)} reads, one event each); RSS sampled every 200 ms, peak less RSS before the load. Baseline: a second child under the same load with no subscriber. Its last event was \`overflow\`: ${f.overflowSeen ? 'yes' : 'no'} (read after the run).`,
  ]
}

export function burstRows(f: BurstFigures): Row[] {
  const first = f.burstMs[0] ?? Number.NaN
  const last = f.burstMs.at(-1) ?? Number.NaN
  const n = f.burstMs.length
  return [
    {
      measure: `${formatNumber(f.size)}-transaction burst on one card: the 1st`,
      sandbox: ms(first),
      baseline: '',
      ratio: '',
      target: '',
      status: '',
    },
    {
      measure: `${formatNumber(f.size)}-transaction burst on one card: the ${n}th`,
      sandbox: ms(last),
      baseline: ms(first),
      ratio: formatRatio(last / first),
      target: `≤ ${TARGETS.burstGrowth}× the 1st`,
      status: verdict(last <= TARGETS.burstGrowth * first),
    },
  ]
}

export function burstNotes(f: BurstFigures): string[] {
  return [
    `Bursts: ${f.burstMs.length} POSTs in a row of ${formatNumber(f.size)} tiny online charges spread over 10 minutes on one card of a linked customer (the fraud engine flags them, the card's alert grows by each burst); wall time per POST: ${f.burstMs.map((t) => formatNumber(t)).join(', ')} ms.`,
  ]
}

export function clockMoveRows(f: ClockMoveFigures): Row[] {
  return [
    {
      measure: `${f.days}-day clock move, ${f.linked} linked customers: longest /health stall`,
      sandbox: ms(f.longestStallMs),
      baseline: ms(f.idleLongestMs),
      ratio: formatRatio(f.longestStallMs / f.idleLongestMs),
      target: `≤ ${TARGETS.healthStallMs} ms`,
      status: verdict(f.longestStallMs <= TARGETS.healthStallMs),
    },
    {
      measure: `${f.days}-day clock move, ${f.linked} linked customers: total time`,
      sandbox: ms(f.moveMs),
      baseline: '',
      ratio: '',
      target: '',
      status: '',
    },
  ]
}

export function clockMoveNotes(f: ClockMoveFigures): string[] {
  return [
    `Clock move: a sandbox child (3,000 people) with ${f.linked} Harbor customers linked with every scope; POST /sandbox/clock {advanceMs: ${f.days} days}, sent to answered, while GET /health is asked again as soon as it answers (${formatNumber(f.probes)} answers during the move; the stall is the longest round trip). Baseline: the longest round trip over 2 s with the server idle. The move reported ${formatNumber(f.progressEvents)} \`clock.progress\` events to a subscriber on GET /sandbox/events.`,
  ]
}
