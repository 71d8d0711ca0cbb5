// What every generator needs to know about its world, computed once per world.
import { hashString } from './rng.ts'
import type { WorldConfig } from './types.ts'

export interface WorldContext {
  seed: number
  customers: number
  bankIds: readonly string[]
  /** Main bank id → its position among the banks a person can have as their main bank. */
  bankPosition: ReadonlyMap<string, number>
  /** How many banks can be a main bank. */
  mainBanks: number
  /** Bank id → a numeric hash coordinate for that bank. */
  bankHash: ReadonlyMap<string, number>
}

export function createContext(config: WorldConfig): WorldContext {
  return {
    seed: config.seed,
    customers: config.customers,
    bankIds: config.bankIds,
    bankPosition: new Map((config.mainBankIds ?? config.bankIds).map((id, i) => [id, i])),
    mainBanks: (config.mainBankIds ?? config.bankIds).length,
    bankHash: new Map(config.bankIds.map((id) => [id, hashString(id)])),
  }
}

export function isPersonIndex(ctx: WorldContext, index: number): boolean {
  return Number.isSafeInteger(index) && index >= 0 && index < ctx.customers
}
