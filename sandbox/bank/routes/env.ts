import type { ChannelCounts } from '../../store/journal.ts'
import type { ConsentRecord } from '../../store/state.ts'
import type { Bank, Scope } from '../policy.ts'

/** What a data answer served, noted by its handler for the call journal (see served.ts). */
export interface Served {
  scope: Scope | null
  records: number
  channels: ChannelCounts | null
}

/**
 * Variables the bank middleware sets for the data routes. Read them with `c.get()`:
 * Hono's `c.var` copies every variable into a fresh object on each access.
 */
export type BankEnv = { Variables: { bank: Bank; consent: ConsentRecord; served: Served } }
