import type { Money } from '../bank/schemas.ts'

// How the dashboard writes things for people: dollars, short UTC times, plain words.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

export function dollars(minor: number): string {
  const sign = minor < 0 ? '−' : ''
  const units = Math.abs(minor)
  return `${sign}$${Math.floor(units / 100).toLocaleString('en-US')}.${String(units % 100).padStart(2, '0')}`
}

export const moneyText = (money: Money) => dollars(money.amount)

/** Whole dollars for chart labels, e.g. $1,204. */
export function roundDollars(minor: number): string {
  return `$${Math.round(minor / 100).toLocaleString('en-US')}`
}

/** "Jun 15, 14:05" in UTC, the simulation clock's zone. */
export function shortTime(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const hh = String(date.getUTCHours()).padStart(2, '0')
  const mm = String(date.getUTCMinutes()).padStart(2, '0')
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${hh}:${mm}`
}

/** "14:05:09" in UTC, for timelines where seconds matter. */
export function clockTime(iso: string): string {
  return Number.isNaN(Date.parse(iso)) ? iso : iso.slice(11, 19)
}

export function shortDate(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`
}

export { words } from '../evidence/words.ts'
