// Which banks a person banks with: always the main bank at `index % n` (their main bank),
// and each other bank with probability 0.35, decided by a hash so it costs nothing
// to ask about one person.
import type { WorldContext } from './context.ts'
import { hash, Kind, unit } from './rng.ts'

export const SECONDARY_CHANCE = 0.35

export function isMainBank(ctx: WorldContext, bankId: string, index: number): boolean {
  return ctx.bankPosition.get(bankId) === index % ctx.mainBanks
}

export function isMember(ctx: WorldContext, bankId: string, index: number): boolean {
  const bankHash = ctx.bankHash.get(bankId)
  if (bankHash === undefined) return false
  if (isMainBank(ctx, bankId, index)) return true
  return unit(hash(ctx.seed, Kind.membership, bankHash, index)) < SECONDARY_CHANCE
}

export function memberBanks(ctx: WorldContext, index: number): string[] {
  return ctx.bankIds.filter((bankId) => isMember(ctx, bankId, index))
}
