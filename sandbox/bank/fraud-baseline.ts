import type { Transaction } from '../synthetic/types.ts'
import { type Baseline, isCharge, medianOfAscending } from './fraud-rules.ts'

// An account's spending baseline over a window of days that slides as the fraud engine
// judges later charges. Judging a year of charges moves the window a day at a time, so
// each move costs the days that enter and leave it, not the whole window: the sizes stay
// sorted, the in-store visits counted. The value is exactly what summing the window
// afresh gives, down to which city wins a tie for home (the one met first, day by day).

/** One day of an account's card charges, as the baseline needs them. */
export interface DaySummary {
  /** Sizes in cents (positive). */
  sizes: number[]
  /** Cities of the in-store ones. */
  stores: string[]
}

export interface BaselineWindow {
  /** The window is the days [from, day). */
  from: number
  day: number
  /** In the order a fresh summing would meet them: kept, then added in ascending order. */
  days: Map<number, DaySummary>
  /** Every size in `days`, ascending. */
  sizes: number[]
  /** In-store charges per city in `days` (no city at 0). */
  visits: Map<string, number>
  value: Baseline
}

export function summarizeDay(transactions: readonly Transaction[]): DaySummary {
  const summary: DaySummary = { sizes: [], stores: [] }
  for (const txn of transactions) {
    if (!isCharge(txn)) continue
    summary.sizes.push(-txn.amount)
    if (txn.channel === 'in_store') summary.stores.push(txn.city)
  }
  return summary
}

export function emptyWindow(day: number): BaselineWindow {
  const value = { charges: 0, medianCharge: 0, largestCharge: 0, homeCity: null, awayShare: 0 }
  return { from: day, day, days: new Map(), sizes: [], visits: new Map(), value }
}

/** Moves the window to [from, day), summarising only the days that enter it; returns its baseline. */
export function slideWindow(
  window: BaselineWindow,
  from: number,
  day: number,
  summaryOf: (day: number) => DaySummary,
): Baseline {
  const { from: oldFrom, day: oldDay } = window
  for (let d = oldFrom; d < Math.min(oldDay, from); d++) leave(window, d)
  for (let d = Math.max(oldFrom, day); d < oldDay; d++) leave(window, d)
  for (let d = from; d < Math.min(day, oldFrom); d++) enter(window, d, summaryOf(d))
  for (let d = Math.max(from, oldDay); d < day; d++) enter(window, d, summaryOf(d))
  window.from = from
  window.day = day
  window.value = baselineOf(window)
  return window.value
}

function enter(window: BaselineWindow, day: number, summary: DaySummary): void {
  window.days.set(day, summary)
  for (const size of summary.sizes) window.sizes.splice(ascendingIndex(window.sizes, size), 0, size)
  for (const city of summary.stores) window.visits.set(city, (window.visits.get(city) ?? 0) + 1)
}

function leave(window: BaselineWindow, day: number): void {
  const summary = window.days.get(day)
  if (!summary) return
  window.days.delete(day)
  for (const size of summary.sizes) window.sizes.splice(ascendingIndex(window.sizes, size), 1)
  for (const city of summary.stores) {
    const count = (window.visits.get(city) ?? 0) - 1
    if (count > 0) window.visits.set(city, count)
    else window.visits.delete(city)
  }
}

/** Where `size` is in ascending `sorted`, or would go: the first index not below it. */
function ascendingIndex(sorted: readonly number[], size: number): number {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const mid = (low + high) >> 1
    if ((sorted[mid] as number) < size) low = mid + 1
    else high = mid
  }
  return low
}

function baselineOf(window: BaselineWindow): Baseline {
  const { sizes } = window
  let homeCity: string | null = null
  let home = 0
  let stores = 0
  let tied = false
  for (const [city, count] of window.visits) {
    stores += count
    if (count > home) [homeCity, home, tied] = [city, count, false]
    else if (count === home) tied = true
  }
  if (tied) homeCity = firstMetMostVisited(window.days)
  return {
    charges: sizes.length,
    medianCharge: medianOfAscending(sizes),
    largestCharge: Math.max(0, sizes.at(-1) ?? 0),
    homeCity,
    awayShare: stores === 0 ? 0 : 1 - home / stores,
  }
}

/** Of the most visited cities, the one met first going through the days: how a tie is broken. */
function firstMetMostVisited(days: ReadonlyMap<number, DaySummary>): string | null {
  const visits = new Map<string, number>()
  for (const day of days.values())
    for (const city of day.stores) visits.set(city, (visits.get(city) ?? 0) + 1)
  let homeCity: string | null = null
  let home = 0
  for (const [city, count] of visits) if (count > home) [homeCity, home] = [city, count]
  return homeCity
}
