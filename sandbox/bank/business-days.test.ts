import { describe, expect, test } from 'vitest'
import { addBusinessDays, addCalendarDays, bankDateOf, startOfBankDate } from './business-days.ts'

// Every expected date below was worked out by hand on a calendar, not by this code.

describe('business days in New York', () => {
  test.each([
    ['plain weeks, no holiday', '2026-03-02', 10, '2026-03-16'],
    ['filed on a Saturday', '2026-03-07', 1, '2026-03-09'],
    ["New Year's Day on a Friday", '2026-12-31', 1, '2027-01-04'],
    ["New Year's Day on a Sunday, observed Monday", '2022-12-30', 1, '2023-01-03'],
    ["New Year's Day on a Saturday, not moved", '2021-12-30', 1, '2021-12-31'],
    ['Martin Luther King Jr. Day', '2026-01-16', 1, '2026-01-20'],
    ["Washington's Birthday", '2026-02-13', 1, '2026-02-17'],
    ['Memorial Day', '2026-05-22', 1, '2026-05-26'],
    ['Juneteenth on a Sunday, observed Monday', '2022-06-17', 1, '2022-06-21'],
    ['Juneteenth on a Saturday, not moved', '2027-06-17', 1, '2027-06-18'],
    ['Independence Day on a Saturday, not moved', '2026-07-02', 1, '2026-07-03'],
    ['Independence Day on a Sunday, observed Monday', '2027-07-02', 1, '2027-07-06'],
    ['Labor Day', '2026-09-04', 1, '2026-09-08'],
    ['Columbus Day', '2026-10-09', 1, '2026-10-13'],
    ['Veterans Day midweek', '2026-11-10', 1, '2026-11-12'],
    ['Veterans Day on a Sunday, observed Monday', '2018-11-09', 1, '2018-11-13'],
    ['Thanksgiving Day', '2026-11-25', 1, '2026-11-27'],
    ['Christmas Day on a Friday', '2026-12-24', 1, '2026-12-28'],
    ['Christmas Day on a Sunday, observed Monday', '2022-12-23', 1, '2022-12-27'],
    ['Christmas Day on a Saturday, not moved', '2021-12-23', 1, '2021-12-24'],
    ['ten business days across Thanksgiving', '2026-11-20', 10, '2026-12-07'],
    ["ten business days across Christmas and New Year's", '2026-12-18', 10, '2027-01-05'],
  ])('%s: %s plus %i business days is %s', (_case, filed, days, due) => {
    expect(addBusinessDays(filed, days)).toBe(due)
  })

  test.each([
    ['2026-03-02', 45, '2026-04-16'],
    ['2026-03-02', 90, '2026-05-31'],
    ['2026-12-20', 45, '2027-02-03'],
  ])('%s plus %i calendar days is %s', (filed, days, due) => {
    expect(addCalendarDays(filed, days)).toBe(due)
  })

  test('the filing date is the date in New York, not in UTC', () => {
    expect(bankDateOf(Date.parse('2026-03-03T03:00:00Z'))).toBe('2026-03-02')
    expect(bankDateOf(Date.parse('2026-07-01T03:30:00Z'))).toBe('2026-06-30')
    expect(bankDateOf(Date.parse('2026-07-01T04:00:00Z'))).toBe('2026-07-01')
  })

  test('a New York date begins at midnight there, in winter and in summer time', () => {
    expect(new Date(startOfBankDate('2026-01-15')).toISOString()).toBe('2026-01-15T05:00:00.000Z')
    expect(new Date(startOfBankDate('2026-07-01')).toISOString()).toBe('2026-07-01T04:00:00.000Z')
  })
})
