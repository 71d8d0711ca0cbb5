import { isOffPlatform } from '../bank/policy.ts'
import type { Transaction } from '../synthetic/types.ts'

// Card spending by merchant category, split by where it happened: bought inside the
// messaging platform, or off it (in store, online) — the split a bank guards.

export interface CategorySpend {
  category: string
  /** Positive minor units spent inside the platform. */
  platform: number
  /** Positive minor units spent in store or online elsewhere. */
  offPlatform: number
  count: number
  /** How many of these charges sit on a fraud alert. */
  flagged: number
}

/** Shown one bar each; the rest is folded into "other" so the chart stays legible. */
export const MAX_CATEGORIES = 10

/** Card charges (refunds, transfers and salary are not spending), biggest category first. */
export function spendingByCategory(
  transactions: Iterable<Transaction>,
  flagged: ReadonlySet<string>,
): CategorySpend[] {
  const byCategory = new Map<string, CategorySpend>()
  for (const txn of transactions) {
    if (txn.cardId === null || txn.amount >= 0) continue
    const key = txn.merchant.category
    const entry = byCategory.get(key) ?? { category: key, platform: 0, offPlatform: 0, count: 0, flagged: 0 }
    if (isOffPlatform(txn)) entry.offPlatform -= txn.amount
    else entry.platform -= txn.amount
    entry.count += 1
    if (flagged.has(txn.id)) entry.flagged += 1
    byCategory.set(key, entry)
  }
  const sorted = [...byCategory.values()].sort(
    (a, b) => total(b) - total(a) || a.category.localeCompare(b.category),
  )
  if (sorted.length <= MAX_CATEGORIES) return sorted
  // Flagged categories always keep their own bar: a fraud burst is often tiny money.
  const room = MAX_CATEGORIES - 1
  const flaggedOnes = sorted.filter((spend) => spend.flagged > 0).slice(0, room)
  const biggest = sorted.filter((spend) => spend.flagged === 0).slice(0, room - flaggedOnes.length)
  const shown = new Set([...biggest, ...flaggedOnes])
  const other = { category: 'other', platform: 0, offPlatform: 0, count: 0, flagged: 0 }
  for (const rest of sorted) {
    if (shown.has(rest)) continue
    other.platform += rest.platform
    other.offPlatform += rest.offPlatform
    other.count += rest.count
    other.flagged += rest.flagged
  }
  return [...sorted.filter((spend) => shown.has(spend)), other]
}

export const total = (spend: CategorySpend) => spend.platform + spend.offPlatform
