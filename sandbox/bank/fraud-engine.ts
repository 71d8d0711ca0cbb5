import type { Deps } from '../deps.ts'
import type { SandboxState } from '../store/state.ts'
import type { Account, Transaction } from '../world/types.ts'
import { DAY_MS } from '../world/types.ts'
import { raiseAlert } from './alerts.ts'
import { type Baseline, evaluate, HISTORY_WINDOW_MS, isCharge, median } from './fraud-rules.ts'
import type { TransactionObserver } from './scan.ts'

// The bank's fraud engine: a transaction observer that runs the rules on every new
// card charge of a linked customer (as the clock moves or a scenario injects) and
// turns what they flag into one growing alert per card.
//
// Its memory (each card's last few hours of charges, each account's 90-day spending
// baseline) is bounded and belongs to one SandboxState, so a reset forgets it and two
// sandboxes in one process never share it.

export const BASELINE_DAYS = 90
const MAX_CHARGES_PER_CARD = 200
const MAX_CARDS = 50_000
const MAX_BASELINES = 20_000

/** One day of an account's card charges, as the baseline needs them. */
interface DaySummary {
  /** Sizes in cents (positive). */
  sizes: number[]
  /** Cities of the in-store ones. */
  stores: string[]
}

interface AccountBaseline {
  /** The day the value is for: it covers the BASELINE_DAYS before it. */
  day: number
  days: Map<number, DaySummary>
  value: Baseline
}

interface EngineMemory {
  /** cardId → recent charges, oldest first, spanning at most HISTORY_WINDOW_MS. */
  cards: Map<string, Transaction[]>
  baselines: Map<string, AccountBaseline>
}

const memories = new WeakMap<SandboxState, EngineMemory>()

function memoryOf(deps: Deps): EngineMemory {
  const known = memories.get(deps.state)
  if (known) return known
  const memory: EngineMemory = { cards: new Map(), baselines: new Map() }
  memories.set(deps.state, memory)
  return memory
}

/** Observer: flags suspicious charges; at most one alert event per card per call. */
export const detectFraud: TransactionObserver = (deps, customer, account, fresh) => {
  const memory = memoryOf(deps)
  const flagged = new Map<string, { reason: string; transactions: Map<string, Transaction> }>()
  const charges = fresh.filter(isCharge).sort((a, b) => a.bookedAtMs - b.bookedAtMs)
  for (const txn of charges) {
    const cardId = txn.cardId ?? ''
    const history = memory.cards.get(cardId) ?? []
    if (history.some((seen) => seen.id === txn.id)) continue
    const recent = history.filter((t) => t.bookedAtMs <= txn.bookedAtMs)
    const findings = evaluate(
      txn,
      recent,
      baselineFor(deps, memory, account, Math.floor(txn.bookedAtMs / DAY_MS)),
    )
    remember(memory, cardId, history, txn)
    const first = findings[0]
    if (!first) continue
    const hit = flagged.get(cardId) ?? { reason: first.reason, transactions: new Map() }
    for (const finding of findings) for (const t of finding.transactions) hit.transactions.set(t.id, t)
    flagged.set(cardId, hit)
  }
  for (const [cardId, hit] of flagged) {
    const card = customer.cards.find((c) => c.id === cardId)
    if (card) raiseAlert(deps, card, hit.reason, [...hit.transactions.values()])
  }
}

function remember(memory: EngineMemory, cardId: string, history: Transaction[], txn: Transaction): void {
  history.push(txn)
  if (history.length > 1 && (history.at(-2)?.bookedAtMs ?? 0) > txn.bookedAtMs) {
    history.sort((a, b) => a.bookedAtMs - b.bookedAtMs)
  }
  const oldest = (history.at(-1)?.bookedAtMs ?? txn.bookedAtMs) - HISTORY_WINDOW_MS
  const stale = history.findIndex((t) => t.bookedAtMs >= oldest)
  const drop = Math.max(stale, history.length - MAX_CHARGES_PER_CARD)
  if (drop > 0) history.splice(0, drop)
  if (!memory.cards.has(cardId)) {
    if (memory.cards.size >= MAX_CARDS) memory.cards.delete(memory.cards.keys().next().value ?? '')
    memory.cards.set(cardId, history)
  }
}

/** What the account's card charges of the BASELINE_DAYS before `day` say, cached per account and day. */
function baselineFor(deps: Deps, memory: EngineMemory, account: Account, day: number): Baseline {
  const cached = memory.baselines.get(account.id)
  if (cached?.day === day) return cached.value
  const from = Math.max(deps.book.startDay, day - BASELINE_DAYS)
  const days = cached?.days ?? new Map<number, DaySummary>()
  for (const d of days.keys()) if (d < from || d >= day) days.delete(d)
  for (let d = from; d < day; d++)
    if (!days.has(d)) days.set(d, summarize(deps.book.transactionsOnDay(account, d)))
  const entry = { day, days, value: summarizeBaseline([...days.values()]) }
  if (!cached && memory.baselines.size >= MAX_BASELINES) {
    memory.baselines.delete(memory.baselines.keys().next().value ?? '')
  }
  memory.baselines.set(account.id, entry)
  return entry.value
}

function summarize(transactions: readonly Transaction[]): DaySummary {
  const summary: DaySummary = { sizes: [], stores: [] }
  for (const txn of transactions) {
    if (!isCharge(txn)) continue
    summary.sizes.push(-txn.amount)
    if (txn.channel === 'in_store') summary.stores.push(txn.city)
  }
  return summary
}

function summarizeBaseline(days: readonly DaySummary[]): Baseline {
  const sizes = days.flatMap((d) => d.sizes)
  const visits = new Map<string, number>()
  for (const d of days) for (const city of d.stores) visits.set(city, (visits.get(city) ?? 0) + 1)
  let homeCity: string | null = null
  let home = 0
  let stores = 0
  for (const [city, count] of visits) {
    stores += count
    if (count > home) [homeCity, home] = [city, count]
  }
  return {
    charges: sizes.length,
    medianCharge: median(sizes),
    largestCharge: Math.max(0, ...sizes),
    homeCity,
    awayShare: stores === 0 ? 0 : 1 - home / stores,
  }
}
