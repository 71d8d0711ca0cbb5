import type { Deps } from '../deps.ts'
import type { Account, Transaction } from '../synthetic/types.ts'
import { DAY_MS } from '../synthetic/types.ts'
import { raiseAlert } from './alerts.ts'
import type { Book } from './book.ts'
import { type BaselineWindow, emptyWindow, slideWindow, summarizeDay } from './fraud-baseline.ts'
import { type Baseline, evaluate, HISTORY_WINDOW_MS, isCharge } from './fraud-rules.ts'
import type { TransactionObserver } from './scan.ts'

// The bank's fraud engine: a transaction observer that runs the rules on every new
// card charge of a linked customer (as the clock moves or a scenario injects) and
// turns what they flag into one growing alert per card.
//
// It judges each charge against the card's other charges of the last hours, read from the
// book (generated and injected alike), and against the account's 90-day baseline, also
// computed from the book. So what it decides depends on the book alone: a restart, or
// another instance on the same database, decides the same. What it keeps in memory is a
// cache of baselines, which dropping changes nothing.

export const BASELINE_DAYS = 90
/** The most charges of one card the rules look back on. */
const MAX_CHARGES_PER_CARD = 200
const MAX_BASELINES = 20_000

interface EngineMemory {
  /** The book the baselines were computed from: a new world starts afresh. */
  book: Book
  /** A cache: accountId → the sliding baseline window. */
  baselines: Map<string, BaselineWindow>
}

declare module '../deps.ts' {
  interface WorldMemory {
    /** A cache of the fraud engine's baselines for the current book. */
    fraud?: EngineMemory
  }
}

function memoryOf(deps: Deps): EngineMemory {
  const known = deps.memory.fraud
  if (known && known.book === deps.book) return known
  const memory: EngineMemory = { book: deps.book, baselines: new Map() }
  deps.memory.fraud = memory
  return memory
}

/** Observer: flags suspicious charges; at most one alert event per card per call. */
export const detectFraud: TransactionObserver = (deps, customer, account, fresh) => {
  const memory = memoryOf(deps)
  const flagged = new Map<string, { reason: string; transactions: Map<string, Transaction> }>()
  const charges = fresh.filter(isCharge).sort((a, b) => a.bookedAtMs - b.bookedAtMs)
  // The batch's charges are judged one after another: each sees those judged before it.
  const unjudged = new Set(charges.map((txn) => txn.id))
  for (const txn of charges) {
    const cardId = txn.cardId ?? ''
    unjudged.delete(txn.id)
    const findings = evaluate(
      txn,
      chargesBefore(deps.book, account, txn, unjudged),
      baselineFor(deps, memory, account, Math.floor(txn.bookedAtMs / DAY_MS)),
    )
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

/**
 * The card's other charges in the book within the history window before `txn`, oldest
 * first, leaving out those of its batch not judged yet; at most the last MAX_CHARGES_PER_CARD.
 */
function chargesBefore(
  book: Book,
  account: Account,
  txn: Transaction,
  unjudged: ReadonlySet<string>,
): Transaction[] {
  const fromMs = txn.bookedAtMs - HISTORY_WINDOW_MS
  const found: Transaction[] = []
  for (let day = Math.floor(fromMs / DAY_MS); day <= Math.floor(txn.bookedAtMs / DAY_MS); day++) {
    if (day < book.startDay) continue
    for (const other of book.transactionsOnDay(account, day)) {
      if (other.cardId !== txn.cardId || other.id === txn.id || unjudged.has(other.id) || !isCharge(other))
        continue
      if (other.bookedAtMs >= fromMs && other.bookedAtMs <= txn.bookedAtMs) found.push(other)
    }
  }
  return found.length > MAX_CHARGES_PER_CARD ? found.slice(-MAX_CHARGES_PER_CARD) : found
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
