import type { ConsentRecord } from '../../store/state.ts'
import type { Bank } from '../policy.ts'

/**
 * Variables the bank middleware sets for the data routes. Read them with `c.get()`:
 * Hono's `c.var` copies every variable into a fresh object on each access.
 */
export type BankEnv = { Variables: { bank: Bank; consent: ConsentRecord } }
