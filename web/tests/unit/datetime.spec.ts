import { describe, expect, it } from 'vitest'
import {
  addDays,
  formatDate,
  formatDateTime,
  formatShortMoment,
  formatMoment,
  formatYmd,
  formatYmdRange,
  isoWeekday,
  pickerDateFormat,
  monthDayLabel,
  todayShanghai,
  weekDays,
  weekRangeLabel,
  weekStart,
  weekdayLabel,
} from '@/utils/datetime'

describe('week grid helpers', () => {
  it('finds the Monday of a week', () => {
    expect(weekStart('2026-11-25')).toBe('2026-11-23') // Wednesday
    expect(weekStart('2026-11-23')).toBe('2026-11-23') // Monday
    expect(weekStart('2026-11-29')).toBe('2026-11-23') // Sunday belongs to the week before
    expect(weekStart('2026-11-30')).toBe('2026-11-30')
  })

  it('lists Monday to Sunday across month and year ends', () => {
    expect(weekDays('2026-11-25')).toEqual([
      '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29',
    ])
    expect(weekDays('2027-01-01')).toEqual([
      '2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02', '2027-01-03',
    ])
    expect(weekDays('2028-02-29')[0]).toBe('2028-02-28')
  })

  it('adds days and weeks', () => {
    expect(addDays('2026-11-23', 7)).toBe('2026-11-30')
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
    expect(isoWeekday('2026-11-29')).toBe(7)
  })

  it('labels days in Chinese and English', () => {
    expect(weekdayLabel('2026-11-23', 'zh-CN')).toBe('周一')
    expect(weekdayLabel('2026-11-29', 'zh-CN')).toBe('周日')
    expect(weekdayLabel('2026-11-29', 'en')).toBe('Sun')
    expect(monthDayLabel('2026-11-23', 'zh-CN')).toBe('11月23日')
    expect(monthDayLabel('2026-01-05', 'en')).toBe('Jan 5')
    expect(weekRangeLabel('2026-11-23', 'zh-CN')).toBe('2026年11月23日 – 11月29日')
    expect(weekRangeLabel('2026-11-23', 'en')).toBe('2026-11-23 – 2026-11-29')
  })

  it('knows the Shanghai date when UTC is still the day before', () => {
    expect(todayShanghai(new Date('2026-11-24T17:30:00Z'))).toBe('2026-11-25')
    expect(todayShanghai(new Date('2026-11-24T15:30:00Z'))).toBe('2026-11-24')
  })
})

describe('date formatting', () => {
  it('shows instants in Asia/Shanghai, Chinese style or ISO-like', () => {
    expect(formatDateTime('2026-11-25T06:05:00Z', 'zh-CN')).toBe('2026年11月25日 14:05')
    expect(formatDateTime('2026-11-25T06:05:09Z', 'en', true)).toBe('2026-11-25 14:05:09')
    expect(formatDate('2026-11-24T20:00:00Z', 'zh-CN')).toBe('2026年11月25日')
    expect(formatDateTime('2026-11-25T23:59:00+08:00', 'en')).toBe('2026-11-25 23:59')
  })

  it('shows a day-dated event (midnight in Shanghai) as the date alone', () => {
    // The demo story: registration and grade changes at 00:00 Shanghai time.
    expect(formatMoment('2023-11-04T16:00:00Z', 'zh-CN')).toBe('2023年11月5日')
    expect(formatMoment('2023-11-04T16:00:00Z', 'en')).toBe('2023-11-05')
    expect(formatMoment('2026-11-25T12:33:52.182585Z', 'zh-CN')).toBe('2026年11月25日 20:33')
    expect(formatMoment('2026-11-25T12:33:00Z', 'en')).toBe('2026-11-25 20:33')
    // Midnight UTC is 08:00 in Shanghai: a real time.
    expect(formatMoment('2026-11-25T00:00:00Z', 'zh-CN')).toBe('2026年11月25日 08:00')
    expect(formatMoment('2026-11-24T16:00:00.500Z', 'en')).toBe('2026-11-25 00:00')
    expect(formatMoment(null, 'en')).toBe('')
  })

  it('returns empty text for missing or bad values', () => {
    expect(formatDateTime(null, 'zh-CN')).toBe('')
    expect(formatDateTime('not a date', 'en')).toBe('')
  })
})

describe('calendar dates the Chinese way', () => {
  it('reads a date as 2026年3月5日 in Chinese and keeps ISO in English', () => {
    expect(formatYmd('2026-03-05', 'zh-CN')).toBe('2026年3月5日')
    expect(formatYmd('2026-03-05', 'en')).toBe('2026-03-05')
    expect(formatYmd('', 'zh-CN')).toBe('—')
  })

  it('reads a span of dates with the year once when both share it', () => {
    expect(formatYmdRange('2026-10-01', '2026-10-08', 'zh-CN')).toBe('2026年10月1日 – 10月8日')
    expect(formatYmdRange('2025-12-31', '2026-01-01', 'zh-CN')).toBe('2025年12月31日 – 2026年1月1日')
    expect(formatYmdRange('2026-10-01', '2026-10-01', 'zh-CN')).toBe('2026年10月1日')
    expect(formatYmdRange('2026-10-01', '2026-10-08', 'en')).toBe('2026-10-01 – 2026-10-08')
    expect(formatYmdRange(null, null, 'en')).toBe('—')
  })

  it('gives the date pickers the same format', () => {
    expect(pickerDateFormat('zh-CN')).toBe('YYYY年M月D日')
    expect(pickerDateFormat('en')).toBe('YYYY-MM-DD')
  })
})

describe('formatShortMoment', () => {
  const now = new Date('2026-12-04T06:00:00Z') // 14:00 in Shanghai
  it('shows the time alone today, in Shanghai', () => {
    expect(formatShortMoment('2026-12-04T01:05:00Z', 'zh-CN', now)).toBe('09:05')
    // 23:30 UTC on the 3rd is already the 4th in Shanghai
    expect(formatShortMoment('2026-12-03T23:30:00Z', 'en', now)).toBe('07:30')
  })
  it('drops the year within the year', () => {
    expect(formatShortMoment('2026-11-25T06:05:00Z', 'zh-CN', now)).toBe('11月25日 14:05')
    expect(formatShortMoment('2026-11-25T06:05:00Z', 'en', now)).toBe('11-25 14:05')
  })
  it('shows the full moment for an earlier year, nothing for no date', () => {
    expect(formatShortMoment('2025-12-31T06:05:00Z', 'zh-CN', now)).toBe('2025年12月31日 14:05')
    expect(formatShortMoment(null, 'zh-CN', now)).toBe('')
  })
})
