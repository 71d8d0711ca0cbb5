import type { Context } from 'hono'
import type { ConsentRecord } from '../../store/state.ts'
import type { Channel } from '../../synthetic/types.ts'
import { SCOPES, type Scope } from '../policy.ts'
import type { BankEnv, Served } from './env.ts'

// What a data answer carried, noted by its handler just before it answers: the journal
// records it with the call (bank-guards.ts), so privacy evidence counts what was served,
// record by record and channel by channel, never what the request asked for.

/** One record under each scope, built once: the hot single reads (balances) allocate nothing. */
const ONE: ReadonlyMap<Scope | null, Served> = new Map(
  [null, ...SCOPES].map((scope) => [scope, Object.freeze({ scope, records: 1, channels: null })]),
)

/** One record under a scope (an account, a balance, a card, a resolved alert, the consent). */
export function oneServed(scope: Scope | null): Served {
  return ONE.get(scope) as Served
}

export function servedOne(c: Context<BankEnv>, scope: Scope | null): void {
  c.set('served', oneServed(scope))
}

export function servedMany(c: Context<BankEnv>, scope: Scope, records: number): void {
  c.set('served', { scope, records, channels: null })
}

/** A page of transactions: how many were spent inside the platform, in store and online. */
export function transactionsServed(consent: ConsentRecord, items: readonly { channel: Channel }[]): Served {
  let platform = 0
  let inStore = 0
  for (const txn of items) {
    if (txn.channel === 'platform') platform++
    else if (txn.channel === 'in_store') inStore++
  }
  return {
    scope: transactionScope(consent),
    records: items.length,
    channels: { platform, inStore, online: items.length - platform - inStore },
  }
}

/** The scope a transaction read is served under: the wider one when the consent holds it. */
export function transactionScope(consent: ConsentRecord): Scope {
  return consent.scopes.includes('transactions.all:read') ? 'transactions.all:read' : 'transactions:read'
}
