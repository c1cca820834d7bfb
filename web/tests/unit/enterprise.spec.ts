import { describe, expect, it } from 'vitest'
import {
  daysUntil,
  emptyFilters,
  expiryState,
  filtersToQuery,
  formatGrowth,
  formatMoney,
  fromYuan,
  GROWTH_GREEN,
  GROWTH_GREY,
  GROWTH_RED,
  growthColor,
  growthDirection,
  isMasked,
  piText,
  routeToState,
  stateToRoute,
  tableSort,
  toYuan,
  usccQuickCheck,
} from '@/utils/enterprise'
import { formatYmd } from '@/utils/datetime'
import { dispositionFilename } from '@/api/http'

describe('money', () => {
  it('shows 万元 with two decimals and thousands separators in Chinese', () => {
    expect(formatMoney(12_345_600, 'zh-CN')).toBe('1,234.56 万元')
    expect(formatMoney(5_000, 'zh-CN')).toBe('0.50 万元')
    expect(formatMoney(0, 'zh-CN')).toBe('0.00 万元')
    expect(formatMoney(1_234_567_890_000, 'zh-CN')).toBe('123,456,789.00 万元')
    expect(formatMoney(12_345_600, 'zh-CN', false)).toBe('1,234.56')
  })
  it('rounds half a fen correctly', () => {
    expect(formatMoney(12_345, 'zh-CN')).toBe('1.23 万元')
    expect(formatMoney(12_355, 'zh-CN')).toBe('1.24 万元')
  })
  it('shows yuan with thousands separators in English', () => {
    expect(formatMoney(12_345_600, 'en')).toBe('¥12,345,600')
    expect(formatMoney(12_345_600, 'en', false)).toBe('12,345,600')
    expect(formatMoney(-2_500, 'en')).toBe('-¥2,500')
  })
  it('shows a dash for missing values', () => {
    expect(formatMoney(null, 'zh-CN')).toBe('—')
    expect(formatMoney(undefined, 'en')).toBe('—')
  })
  it('converts inputs in the locale unit to integer yuan and back', () => {
    expect(toYuan(1234.56, 'zh-CN')).toBe(12_345_600)
    expect(toYuan(0.01, 'zh-CN')).toBe(100)
    expect(toYuan(12_345_600, 'en')).toBe(12_345_600)
    expect(toYuan(null, 'zh-CN')).toBeNull()
    expect(fromYuan(12_345_678, 'zh-CN')).toBe(1234.57)
    expect(fromYuan(12_345_678, 'en')).toBe(12_345_678)
    expect(fromYuan(null, 'en')).toBeNull()
  })
})

describe('growth', () => {
  it('formats a ratio as a signed percentage with one decimal', () => {
    expect(formatGrowth(0.125)).toBe('+12.5%')
    expect(formatGrowth(-0.032)).toBe('-3.2%')
    expect(formatGrowth(1.5)).toBe('+150.0%')
    expect(formatGrowth(0)).toBe('0.0%')
    expect(formatGrowth(0.00001)).toBe('0.0%')
    expect(formatGrowth(null)).toBe('—')
    expect(formatGrowth(Number.POSITIVE_INFINITY)).toBe('—')
  })
  it('tells up, down, flat and none the way the percentage reads', () => {
    expect(growthDirection(0.1)).toBe('up')
    expect(growthDirection(-0.1)).toBe('down')
    expect(growthDirection(0)).toBe('flat')
    expect(growthDirection(0.0004)).toBe('flat')
    expect(growthDirection(-0.0004)).toBe('flat')
    expect(formatGrowth(-0.0004)).toBe('0.0%')
    expect(growthDirection(0.0006)).toBe('up')
    expect(formatGrowth(0.0006)).toBe('+0.1%')
    expect(growthDirection(null)).toBe('none')
    expect(growthDirection(Number.NaN)).toBe('none')
  })
  it('is red for a rise and green for a fall in Chinese (红涨绿跌), the other way in English', () => {
    expect(growthColor(0.12, 'zh-CN')).toBe(GROWTH_RED)
    expect(growthColor(-0.12, 'zh-CN')).toBe(GROWTH_GREEN)
    expect(growthColor(0.12, 'en')).toBe(GROWTH_GREEN)
    expect(growthColor(-0.12, 'en')).toBe(GROWTH_RED)
    for (const l of ['zh-CN', 'en']) {
      expect(growthColor(0, l)).toBe(GROWTH_GREY)
      expect(growthColor(0.0001, l)).toBe(GROWTH_GREY)
      expect(growthColor(null, l)).toBe(GROWTH_GREY)
    }
  })
})

describe('list filters', () => {
  it('leaves blanks out of the query', () => {
    expect(filtersToQuery(emptyFilters())).toEqual({})
    expect(filtersToQuery({ ...emptyFilters(), q: '   ' })).toEqual({})
  })
  it('maps every filter and the sort', () => {
    const f = {
      q: ' 华为 ',
      station_id: '3',
      industry: 'c27',
      size: 'above' as const,
      stage: 'growth' as const,
      label: 'high_tech',
      grade: 'A',
      as_of: '2025-06-30',
      expiring: true,
    }
    expect(filtersToQuery(f, { sort: 'registered_on', order: 'desc' })).toEqual({
      q: '华为',
      station_id: '3',
      industry: 'C27',
      size: 'above',
      stage: 'growth',
      label: 'high_tech',
      grade: 'A',
      as_of: '2025-06-30',
      expiring: 'true',
      sort: 'registered_on',
      order: 'desc',
    })
  })
  it('defaults the order to ascending and drops an empty sort', () => {
    expect(filtersToQuery(emptyFilters(), { sort: 'name', order: '' })).toEqual({ sort: 'name', order: 'asc' })
    expect(filtersToQuery(emptyFilters(), { sort: '', order: 'desc' })).toEqual({})
  })
  it('round-trips through the URL query', () => {
    const f = { ...emptyFilters(), q: '张江', grade: 'A', expiring: true, as_of: '2025-06-30' }
    const s = { sort: 'updated_at' as const, order: 'desc' as const }
    const q = stateToRoute(f, s, 3, 50)
    expect(q).toEqual({ q: '张江', grade: 'A', as_of: '2025-06-30', expiring: '1', sort: 'updated_at', order: 'desc', page: '3', page_size: '50' })
    const back = routeToState(q)
    expect(back.filters).toEqual(f)
    expect(back.sort).toEqual(s)
    expect(back.page).toBe(3)
    expect(back.pageSize).toBe(50)
  })
  it('ignores junk in the URL', () => {
    const s = routeToState({ size: 'huge', stage: ['growth', 'x'], sort: 'drop table', page: '-4', page_size: '7', as_of: '30/06/2025' })
    expect(s.filters.size).toBe('')
    expect(s.filters.stage).toBe('growth')
    expect(s.filters.as_of).toBe('')
    expect(s.sort).toEqual({ sort: '', order: '' })
    expect(s.page).toBe(1)
    expect(s.pageSize).toBe(20)
  })
  it('maps Element Plus sort events', () => {
    expect(tableSort('name', 'ascending')).toEqual({ sort: 'name', order: 'asc' })
    expect(tableSort('updated_at', 'descending')).toEqual({ sort: 'updated_at', order: 'desc' })
    expect(tableSort('name', null)).toEqual({ sort: '', order: '' })
    expect(tableSort('uscc', 'ascending')).toEqual({ sort: '', order: '' })
  })
})

describe('masked personal data', () => {
  it('recognises the masked forms', () => {
    expect(isMasked('138****5678')).toBe(true)
    expect(isMasked('110105********002X')).toBe(true)
    expect(isMasked('13812345678')).toBe(false)
    expect(isMasked(null)).toBe(false)
  })
  it('shows the unmasked value once fetched, else the masked one, else a dash', () => {
    expect(piText('138****5678')).toBe('138****5678')
    expect(piText('138****5678', null)).toBe('138****5678')
    expect(piText('138****5678', '13812345678')).toBe('13812345678')
    expect(piText(null, null)).toBe('—')
  })
})

describe('certificate expiry', () => {
  const today = '2026-11-25'
  it('is expired before today, soon within 90 days, ok after', () => {
    expect(expiryState('2026-11-24', today)).toBe('expired')
    expect(expiryState('2026-11-25', today)).toBe('soon')
    expect(expiryState('2027-02-23', today)).toBe('soon')
    expect(expiryState('2027-02-24', today)).toBe('ok')
    expect(expiryState(null, today)).toBe('none')
  })
  it('counts days', () => {
    expect(daysUntil('2026-12-25', today)).toBe(30)
    expect(daysUntil('2026-11-20', today)).toBe(-5)
  })
})

describe('USCC quick checks', () => {
  it('passes a well-formed code (the check character is the server’s)', () => {
    expect(usccQuickCheck('91350100M000100Y43')).toBeNull()
    expect(usccQuickCheck(' 91350100m000100y44 ')).toBeNull()
  })
  it('finds empty, short and bad-character codes', () => {
    expect(usccQuickCheck('  ')?.code).toBe('required')
    expect(usccQuickCheck('9135010')).toEqual({ code: 'uscc.length', params: { length: 7 } })
    expect(usccQuickCheck('91350100M000100YI3')).toEqual({ code: 'uscc.charset', params: { position: 17, char: 'I' } })
  })
})

describe('dates and downloads', () => {
  it('formats calendar dates', () => {
    expect(formatYmd('2025-06-30', 'zh-CN')).toBe('2025年6月30日')
    expect(formatYmd('2025-06-30', 'en')).toBe('2025-06-30')
    expect(formatYmd(null, 'en')).toBe('—')
  })
  it('reads the file name of a download', () => {
    expect(dispositionFilename(`attachment; filename="a.xlsx"; filename*=UTF-8''%E4%BC%81%E4%B8%9A.xlsx`)).toBe('企业.xlsx')
    expect(dispositionFilename('attachment; filename="export.csv"')).toBe('export.csv')
    expect(dispositionFilename(null)).toBeNull()
  })
})
