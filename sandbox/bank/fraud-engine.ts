import type { Deps } from '../deps.ts'
import type { SandboxState } from '../store/state.ts'
import type { Account, Transaction } from '../synthetic/types.ts'
import { DAY_MS } from '../synthetic/types.ts'
import { raiseAlert } from './alerts.ts'
import { type BaselineWindow, emptyWindow, slideWindow, summarizeDay } from './fraud-baseline.ts'
import { type Baseline, evaluate, HISTORY_WINDOW_MS, isCharge } from './fraud-rules.ts'
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

interface EngineMemory {
  /** The store state it was filled from: a reset starts afresh. */
  state: SandboxState
  /** cardId → recent charges, oldest first, spanning at most HISTORY_WINDOW_MS. */
  cards: Map<string, Transaction[]>
  baselines: Map<string, BaselineWindow>
}

declare module '../deps.ts' {
  interface WorldMemory {
    /** What the fraud engine remembers of the current store state's charges. */
    fraud?: EngineMemory
  }
}

function memoryOf(deps: Deps): EngineMemory {
  const known = deps.memory.fraud
  if (known && known.state === deps.state) return known
  const memory: EngineMemory = { state: deps.state, cards: new Map(), baselines: new Map() }
  deps.memory.fraud = memory
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

/** What the account's card charges of the BASELINE_DAYS before `day` say, kept per account as the window slides. */
function baselineFor(deps: Deps, memory: EngineMemory, account: Account, day: number): Baseline {
  const cached = memory.baselines.get(account.id)
  if (cached?.day === day) return cached.value
  const from = Math.max(deps.book.startDay, day - BASELINE_DAYS)
  const window = cached ?? emptyWindow(day)
  const value = slideWindow(window, from, day, (d) => summarizeDay(deps.book.transactionsOnDay(account, d)))
  if (!cached) {
    if (memory.baselines.size >= MAX_BASELINES)
      memory.baselines.delete(memory.baselines.keys().next().value ?? '')
    memory.baselines.set(account.id, window)
  }
  return value
}
