// ISO 8601 UTC timestamps with milliseconds, faster than Date#toISOString for the
// millions of times an export needs them: date parts are computed with integer
// arithmetic and memoized per day (booking and posting days alternate).
import { calendarDay } from '../world/calendar.ts'
import { DAY_MS } from '../world/types.ts'

const MAX_FAST_MS = 253_402_300_800_000 // 10000-01-01: beyond it ISO needs extended years

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`)
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`)

export function createIsoFormatter(): (ms: number) => string {
  const dates = new Map<number, string>()
  const datePart = (day: number) => {
    let found = dates.get(day)
    if (found === undefined) {
      const cal = calendarDay(day)
      found = `${String(cal.year).padStart(4, '0')}-${pad2(cal.month)}-${pad2(cal.dayOfMonth)}T`
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
    return `${datePart(day)}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(rest - seconds * 1000)}Z`
  }
}
