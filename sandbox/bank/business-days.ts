// Dispute deadlines count days in America/New_York, as US banks do. "Within n days" is
// the n-th day after the filing date there, the filing day not counted. Business days skip
// Saturdays, Sundays and the Federal Reserve's holidays: a holiday on a Sunday is observed
// on the Monday; one on a Saturday is not moved (the Fed stays open the Friday before).
// Dates are plain `YYYY-MM-DD` strings, worked on as UTC midnights so no offset creeps in.

const DAY_MS = 86_400_000
export const BANK_TIME_ZONE = 'America/New_York'

const nyDateFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: BANK_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})
const nyHourFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: BANK_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

/** The date in New York at that moment. */
export function bankDateOf(ms: number): string {
  return nyDateFormat.format(new Date(ms))
}

/** The moment a New York date begins (midnight there, EST or EDT). */
export function startOfBankDate(date: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`)
  for (const hours of [5, 4]) {
    const ms = utcMidnight + hours * 3_600_000
    if (bankDateOf(ms) === date && nyHourFormat.format(new Date(ms)) === '00:00') return ms
  }
  return utcMidnight + 5 * 3_600_000
}

const toDate = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const fromDate = (date: string) => Date.parse(`${date}T00:00:00Z`)

export function addCalendarDays(date: string, days: number): string {
  return toDate(fromDate(date) + days * DAY_MS)
}

/** The n-th weekday (1-based; -1 the last) of a month (1-12), `weekday` 0 = Sunday. */
function nthWeekday(year: number, month: number, weekday: number, n: number): string {
  if (n > 0) {
    const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay()
    return toDate(Date.UTC(year, month - 1, 1 + ((weekday - first + 7) % 7) + (n - 1) * 7))
  }
  const lastDay = new Date(Date.UTC(year, month, 0))
  const back = (lastDay.getUTCDay() - weekday + 7) % 7
  return toDate(lastDay.getTime() - back * DAY_MS)
}

/** A fixed-date holiday as the Fed observes it: Sunday moves to Monday, Saturday is not observed. */
function observedFixed(year: number, month: number, day: number): string[] {
  const ms = Date.UTC(year, month - 1, day)
  const weekday = new Date(ms).getUTCDay()
  if (weekday === 6) return []
  return [toDate(weekday === 0 ? ms + DAY_MS : ms)]
}

const holidaysByYear = new Map<number, Set<string>>()

/** The Federal Reserve's holidays of a year, as observed. */
export function fedHolidays(year: number): Set<string> {
  const known = holidaysByYear.get(year)
  if (known) return known
  const days = new Set([
    ...observedFixed(year, 1, 1), // New Year's Day
    nthWeekday(year, 1, 1, 3), // Martin Luther King Jr. Day
    nthWeekday(year, 2, 1, 3), // Washington's Birthday
    nthWeekday(year, 5, 1, -1), // Memorial Day
    ...observedFixed(year, 6, 19), // Juneteenth
    ...observedFixed(year, 7, 4), // Independence Day
    nthWeekday(year, 9, 1, 1), // Labor Day
    nthWeekday(year, 10, 1, 2), // Columbus Day
    ...observedFixed(year, 11, 11), // Veterans Day
    nthWeekday(year, 11, 4, 4), // Thanksgiving Day
    ...observedFixed(year, 12, 25), // Christmas Day
  ])
  holidaysByYear.set(year, days)
  return days
}

export function isBusinessDay(date: string): boolean {
  const weekday = new Date(fromDate(date)).getUTCDay()
  if (weekday === 0 || weekday === 6) return false
  return !fedHolidays(Number(date.slice(0, 4))).has(date)
}

/** The n-th business day after `date` (which is not counted). */
export function addBusinessDays(date: string, days: number): string {
  let day = date
  for (let counted = 0; counted < days; ) {
    day = addCalendarDays(day, 1)
    if (isBusinessDay(day)) counted++
  }
  return day
}
