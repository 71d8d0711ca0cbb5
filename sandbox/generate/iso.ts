// ISO 8601 UTC timestamps with milliseconds, faster than Date#toISOString for the
// millions of times an export needs them: the date part is memoized per day and the
// time fields come from digit tables, so formatting allocates almost nothing.
import { calendarDay } from '../synthetic/calendar.ts'
import { DAY_MS } from '../synthetic/types.ts'

const MAX_FAST_MS = 253_402_300_800_000 // 10000-01-01: beyond it ISO needs extended years

const TWO = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'))
const THREE = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'))
const HOURS = TWO.map((h) => `${h}:`)

export function createIsoFormatter(): (ms: number) => string {
  const dates = new Map<number, string>()
  const datePart = (day: number) => {
    let found = dates.get(day)
    if (found === undefined) {
      const cal = calendarDay(day)
      found = `${String(cal.year).padStart(4, '0')}-${TWO[cal.month]}-${TWO[cal.dayOfMonth]}T`
      if (dates.size > 100_000) dates.clear()
      dates.set(day, found)
    }
    return found
  }
  return (ms) => {
    if (!(ms >= 0 && ms < MAX_FAST_MS && Number.isInteger(ms))) return new Date(ms).toISOString()
    const day = Math.floor(ms / DAY_MS)
    let rest = ms - day * DAY_MS
    const hours = Math.floor(rest / 3_600_000)
    rest -= hours * 3_600_000
    const minutes = Math.floor(rest / 60_000)
    rest -= minutes * 60_000
    const seconds = Math.floor(rest / 1000)
    return `${datePart(day)}${HOURS[hours]}${TWO[minutes]}:${TWO[seconds]}.${THREE[rest - seconds * 1000]}Z`
  }
}
