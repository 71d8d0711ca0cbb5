import type { CardFreezeRecord, InjectedTransaction } from '../store/state.ts'
import type { Table } from '../store/table.ts'
import type { Account, Transaction, World } from '../synthetic/types.ts'
import { DAY_MS } from '../synthetic/types.ts'

// The bank's book of transactions: the world's computed ones plus those a scenario or
// a person injected. Ledger, pages and the fraud engine all read through it, so an
// injected charge moves the balance exactly like a generated one.

export interface Book {
  readonly startDay: number
  /** Goes up whenever transactions are added: what was read from the book holds while it stays. */
  readonly revision: number
  /** Every transaction booked that UTC day, oldest first. */
  transactionsOnDay(account: Account, day: number): readonly Transaction[]
  /** Adds transactions (ids must be unique); they must not be booked before the clock's current day. */
  inject(account: Account, transactions: readonly Transaction[]): void
  /** Indexes a transaction another instance injected (already kept). */
  learn(injected: InjectedTransaction): void
  /** A card was frozen or unfrozen: what was read from the book may no longer hold. */
  freezesChanged(): void
}

/**
 * `kept` holds the injected transactions (the store's table); the book indexes them by day.
 * `freezes` holds when cards were frozen: the world's own spending on a card in those spans
 * never happened (the bank declined it).
 */
export function createBook(
  world: World,
  kept: Table<InjectedTransaction> | null = null,
  freezes: Table<CardFreezeRecord> | null = null,
): Book {
  // accountId → day → injected transactions, each day's list kept oldest first
  const injected = new Map<string, Map<number, Transaction[]>>()
  const byTime = (a: Transaction, b: Transaction) => a.bookedAtMs - b.bookedAtMs
  /** Adds transactions to their days; each touched day is sorted once, not once per transaction. */
  let revision = 0
  /** Each injected transaction's day list, by id: one learnt again replaces itself. */
  const listOf = new Map<string, Transaction[]>()
  const index = (accountId: string, txns: readonly Transaction[]) => {
    revision++
    const days = injected.get(accountId) ?? new Map<number, Transaction[]>()
    injected.set(accountId, days)
    const touched = new Set<Transaction[]>()
    for (const txn of txns) {
      const known = listOf.get(txn.id)
      if (known)
        known.splice(
          known.findIndex((t) => t.id === txn.id),
          1,
        )
      const day = Math.floor(txn.bookedAtMs / DAY_MS)
      const list = days.get(day) ?? []
      listOf.set(txn.id, list)
      if (list.length > 0 && (list.at(-1)?.bookedAtMs ?? 0) > txn.bookedAtMs) touched.add(list)
      list.push(txn)
      days.set(day, list)
    }
    for (const list of touched) list.sort(byTime)
  }
  for (const { accountId, transaction } of kept?.values() ?? []) index(accountId, [transaction])

  return {
    startDay: world.config.startDay,
    get revision() {
      return revision
    },
    transactionsOnDay(account, day) {
      const generated = withoutFrozenSpending(world.transactionsOnDay(account, day), freezes)
      const extra = injected.get(account.id)?.get(day)
      return extra ? [...generated, ...extra].sort(byTime) : generated
    },
    inject(account, transactions) {
      for (const txn of transactions) kept?.set(txn.id, { accountId: account.id, transaction: txn })
      index(account.id, transactions)
    },
    // Instances sharing a database may hear of one twice (a look-back re-reads the last seconds).
    learn: ({ accountId, transaction }) => index(accountId, [transaction]),
    freezesChanged() {
      revision++
    },
  }
}

/** The day's generated transactions less those made on a card while it was frozen. */
function withoutFrozenSpending(
  txns: readonly Transaction[],
  freezes: Table<CardFreezeRecord> | null,
): readonly Transaction[] {
  if (!freezes || freezes.size === 0) return txns
  const declined = (txn: Transaction) => {
    const spans = txn.cardId === null ? undefined : freezes.get(txn.cardId)?.spans
    return (
      spans?.some(
        (span) => txn.bookedAtMs >= span.fromMs && (span.untilMs === null || txn.bookedAtMs < span.untilMs),
      ) ?? false
    )
  }
  return txns.some(declined) ? txns.filter((txn) => !declined(txn)) : txns
}
