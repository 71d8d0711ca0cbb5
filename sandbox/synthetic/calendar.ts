// UTC calendar arithmetic on day numbers (Math.floor(ms / DAY_MS)). Pure integer
// arithmetic (H. Hinnant's civil_from_days), because a Date per account-day shows
// up in profiles of the export.
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
  const z = day + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const month = mp < 10 ? mp + 3 : mp - 9
  return {
    day,
    year: yoe + era * 400 + (month <= 2 ? 1 : 0),
    month,
    dayOfMonth: doy - Math.floor((153 * mp + 2) / 5) + 1,
    weekday: (((day + 4) % 7) + 7) % 7, // day 0, 1970-01-01, was a Thursday
  }
}

/** The day numbers [first, last] of the calendar month before the one `cal` is in. */
export function previousMonth(cal: CalendarDay): { first: number; last: number } {
  return { first: Math.floor(Date.UTC(cal.year, cal.month - 2, 1) / DAY_MS), last: cal.day - cal.dayOfMonth }
}
