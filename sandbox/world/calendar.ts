// UTC calendar arithmetic on day numbers (Math.floor(ms / DAY_MS)). Pure: the real
// clock is never read here.
import { DAY_MS } from './types.ts'

export interface CalendarDay {
  day: number
  year: number
  /** 1–12 */
  month: number
  dayOfMonth: number
  /** 0 = Sunday … 6 = Saturday */
  weekday: number
}

export function calendarDay(day: number): CalendarDay {
  const date = new Date(day * DAY_MS)
  return {
    day,
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    dayOfMonth: date.getUTCDate(),
    weekday: date.getUTCDay(),
  }
}

/** The day numbers [first, last] of the calendar month before the one `cal` is in. */
export function previousMonth(cal: CalendarDay): { first: number; last: number; key: number } {
  const last = cal.day - cal.dayOfMonth
  const first = Math.floor(Date.UTC(cal.year, cal.month - 2, 1) / DAY_MS)
  return { first, last, key: first }
}
