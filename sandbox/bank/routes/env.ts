import type { ConsentRecord } from '../../store/state.ts'
import type { Bank } from '../policy.ts'

/** Variables the bank middleware sets for the data routes. */
export type BankEnv = { Variables: { bank: Bank; consent: ConsentRecord } }
