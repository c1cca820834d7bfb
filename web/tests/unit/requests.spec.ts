import { afterEach, describe, expect, it } from 'vitest'
import { i18n } from '@/i18n'
import {
  clockState,
  countOf,
  dayLook,
  deadlineNote,
  formatAvgDays,
  formatMinutes,
  formatOfficeHours,
  hourSpan,
  officeHoursLabel,
  officeHoursProblem,
  parseOfficeHours,
  queueByHour,
  queueCells,
  queueHours,
  queuePeakHour,
  queueWindows,
  warningCounts,
  warningLink,
  weightedMinutes,
  NEAR_DUE_PAGE,
  type WarningListFn,
  formatFee,
  formatLimit,
  formatRate,
  hasWindowDelivery,
  holidayPeriods,
  isOpen,
  missingYearsLabels,
  monthGrid,
  moveEntry,
  routeTarget,
  fromServerActions,
  feeYuanOf,
  normaliseFee,
  onTimeRate,
  requestActions,
  slipCheck,
  stagesOf,
  warningRowClass,
  warningTagType,
  workStage,
  type Tr,
} from '@/utils/requests'
import type { QueueRow, SlipEntry, Warning } from '@/api/requests'

const tr: Tr = (k, p) => (p ? i18n.global.t(k, p) : i18n.global.t(k))
function inLocale(l: 'zh-CN' | 'en') {
  i18n.global.locale.value = l
}
afterEach(() => inLocale('zh-CN'))

describe('limits and fees', () => {
  it('reads a time limit with its unit', () => {
    inLocale('zh-CN')
    expect(formatLimit(5, 'working_days', tr)).toBe('5 个工作日')
    expect(formatLimit(30, 'natural_days', tr)).toBe('30 个自然日')
    expect(formatLimit(null, 'working_days', tr)).toBe('—')
    inLocale('en')
    expect(formatLimit(5, 'working_days', tr)).toBe('5 working day(s)')
    expect(formatLimit(30, 'natural_days', tr)).toBe('30 calendar day(s)')
  })

  it('shows a fee as 免费 or in yuan with two decimals and thousands separators', () => {
    inLocale('zh-CN')
    expect(formatFee('free', null, tr)).toBe('免费')
    expect(formatFee('paid', '300.00', tr)).toBe('¥300.00')
    expect(formatFee('paid', '1300', tr)).toBe('¥1,300.00')
    expect(formatFee('paid', 'x', tr)).toBe('—')
    inLocale('en')
    expect(formatFee('free', null, tr)).toBe('Free')
  })

  it('normalises what is typed into a fee to the API decimal', () => {
    expect(normaliseFee('300')).toBe('300.00')
    expect(normaliseFee(' ¥1,300.5 ')).toBe('1300.50')
    expect(normaliseFee('0')).toBe('0.00')
    expect(normaliseFee('12.345')).toBeNull()
    expect(normaliseFee('-1')).toBeNull()
    expect(normaliseFee('')).toBeNull()
    expect(normaliseFee(null)).toBeNull()
  })

  it('reads a fee given in cents or in yuan', () => {
    expect(feeYuanOf({ fee_cents: 30000 })).toBe('300.00')
    expect(feeYuanOf({ fee_cents: 199 })).toBe('1.99')
    expect(feeYuanOf({ fee_yuan: '300.00', fee_cents: 1 })).toBe('300.00')
    expect(feeYuanOf({ fee_cents: null })).toBeNull()
    expect(feeYuanOf({})).toBeNull()
  })
})

describe('process types', () => {
  it('lists the stages of each process type', () => {
    expect(stagesOf('on_spot')).toEqual(['window'])
    expect(stagesOf('window_backoffice_complete')).toEqual(['window', 'backoffice'])
    expect(stagesOf('window_backoffice_window')).toEqual(['window', 'backoffice', 'delivery'])
    expect(stagesOf('window_division')).toEqual(['window', 'division', 'delivery'])
    expect(stagesOf('backoffice_direct')).toEqual(['backoffice'])
    expect(stagesOf(null)).toEqual([])
  })

  it('knows where the work is done and which types end with a window delivery', () => {
    expect(workStage('window_division')).toBe('division')
    expect(workStage('backoffice_direct')).toBe('backoffice')
    expect(workStage('on_spot')).toBe('window')
    expect(workStage('window_backoffice_window')).toBe('backoffice')
    expect(hasWindowDelivery('window_backoffice_window')).toBe(true)
    expect(hasWindowDelivery('window_division')).toBe(true)
    expect(hasWindowDelivery('window_backoffice_complete')).toBe(false)
  })

  it('hands over to the work stage, then within it', () => {
    expect(routeTarget('window_backoffice_complete', 'window')).toBe('backoffice')
    expect(routeTarget('window_backoffice_complete', 'backoffice')).toBe('backoffice')
    expect(routeTarget('window_division', 'window')).toBe('division')
    // The delivery stage is reached by 办结, not by a hand-over.
    expect(routeTarget('window_division', 'division')).toBe('division')
    expect(routeTarget('window_division', 'delivery')).toBeNull()
    expect(routeTarget('backoffice_direct', 'backoffice')).toBe('backoffice')
    expect(routeTarget(null, 'window')).toBeNull()
  })
})

describe('actions offered', () => {
  const perms = (...p: string[]) => (...anyOf: string[]) => anyOf.some((x) => p.includes(x))
  const window = perms('request.read', 'request.intake', 'request.handle')
  const handler = perms('request.read', 'request.handle')
  const reader = perms('request.read')

  it('offers the three intake decisions on a received request to window officers only', () => {
    const r = { state: 'received' as const, stage: 'window' as const, process_type: 'window_backoffice_complete' as const }
    expect(requestActions(r, window)).toEqual(['accept', 'refuse', 'requestMaterials'])
    expect(requestActions(r, handler)).toEqual([])
  })

  it('offers a hand-over at the window and completion in the back office', () => {
    const atWindow = { state: 'in_progress' as const, stage: 'window' as const, process_type: 'window_backoffice_complete' as const }
    const a = requestActions(atWindow, window)
    expect(a).toEqual(['requestMaterials', 'route', 'suspend', 'extend'])
    expect(requestActions(atWindow, handler)).toEqual(['suspend'])
    const atBack = { ...atWindow, stage: 'backoffice' as const }
    expect(requestActions(atBack, handler)).toEqual(['requestMaterials', 'route', 'suspend', 'extend', 'complete'])
  })

  it('offers delivery once a window-delivered item is completed and at the delivery stage', () => {
    expect(requestActions({ state: 'completed', stage: 'delivery', process_type: 'window_backoffice_window' }, window)).toEqual(['deliver'])
    expect(requestActions({ state: 'completed', stage: 'delivery', process_type: 'window_division' }, handler)).toEqual([])
    expect(requestActions({ state: 'completed', stage: 'backoffice', process_type: 'window_backoffice_complete' }, window)).toEqual([])
  })

  it('reads the server action codes', () => {
    expect(fromServerActions(['resume', 'extend'])).toEqual(['resume', 'extend'])
    expect(fromServerActions(['materials_received', 'request_materials', 'unknown'])).toEqual(['requestMaterials', 'materialsReceived'])
  })

  it('offers resume while suspended and materials received while awaiting them', () => {
    expect(requestActions({ state: 'suspended', stage: 'backoffice', process_type: 'backoffice_direct' }, handler)).toEqual(['resume', 'extend'])
    expect(requestActions({ state: 'awaiting_materials', stage: 'window', process_type: 'window_division', accepted: false }, window)).toEqual(['materialsReceived'])
  })

  it('offers nothing to a reader or on a closed request', () => {
    expect(requestActions({ state: 'in_progress', stage: 'window', process_type: 'window_division' }, reader)).toEqual([])
    expect(requestActions({ state: 'delivered', stage: 'window', process_type: 'window_division' }, window)).toEqual([])
    expect(requestActions({ state: 'refused', stage: 'window', process_type: 'window_division' }, window)).toEqual([])
  })
})

describe('warnings and deadlines', () => {
  it('colours near due orange and overdue red', () => {
    expect(warningTagType('near_due')).toBe('warning')
    expect(warningTagType('overdue')).toBe('danger')
    expect(warningTagType('none')).toBe('success')
    expect(warningRowClass('overdue')).toBe('row-overdue')
    expect(warningRowClass('near_due')).toBe('row-near-due')
    expect(warningRowClass('none')).toBe('')
  })

  it('tells the remaining working days or the natural days overdue', () => {
    inLocale('zh-CN')
    const base = { state: 'in_progress' as const, deadline: '2026-12-02', remaining_working_days: 5, warning: 'none' as const }
    expect(deadlineNote(base, '2026-11-25', tr)).toBe('剩余 5 个工作日')
    expect(deadlineNote({ ...base, remaining_working_days: 0, warning: 'near_due' }, '2026-12-02', tr)).toBe('今日到期')
    expect(deadlineNote({ ...base, remaining_working_days: -2, warning: 'overdue' }, '2026-12-05', tr)).toBe('超期 3 天')
    // Closed requests have no countdown.
    expect(deadlineNote({ ...base, state: 'delivered' }, '2026-11-25', tr)).toBe('')
    // A paused clock still shows what is left.
    expect(deadlineNote({ ...base, state: 'suspended' }, '2026-11-25', tr)).toBe('剩余 5 个工作日')
    expect(deadlineNote({ ...base, paused: true }, '2026-11-25', tr)).toBe('剩余 5 个工作日')
    inLocale('en')
    expect(deadlineNote({ ...base, remaining_working_days: -2, warning: 'overdue' }, '2026-12-05', tr)).toBe('3 day(s) overdue')
  })

  it('names each missing calendar year once, in order', () => {
    inLocale('zh-CN')
    expect(missingYearsLabels([2028, 2027, 2027], tr)).toEqual(['日历缺少 2027 年数据', '日历缺少 2028 年数据'])
    expect(missingYearsLabels([], tr)).toEqual([])
    expect(missingYearsLabels(undefined, tr)).toEqual([])
  })

  it('knows when the clock runs and which requests are still open', () => {
    expect(clockState('in_progress')).toBe('running')
    expect(clockState('awaiting_materials')).toBe('paused')
    expect(clockState('suspended')).toBe('paused')
    expect(clockState('in_progress', true)).toBe('paused')
    expect(clockState('delivered')).toBe('stopped')
    expect(isOpen('completed', 'window_backoffice_window')).toBe(true)
    expect(isOpen('completed', 'window_backoffice_complete')).toBe(false)
    expect(isOpen('refused')).toBe(false)
  })
})

describe('acceptance slip', () => {
  const entries: SlipEntry[] = [
    { key: 'a', kind: 'condition', text: '属于本辖区企业', required: true },
    { key: 'b', kind: 'material', text: '申请书', required: true },
    { key: 'c', kind: 'material', text: '其他证明', required: false },
  ]

  it('splits ticked and unticked entries and names the missing required ones', () => {
    const c = slipCheck(entries, ['c', 'a'])
    expect(c.checked).toEqual(['a', 'c'])
    expect(c.unchecked).toEqual(['b'])
    expect(c.missingRequired.map((e) => e.key)).toEqual(['b'])
    expect(slipCheck(entries, new Set(['a', 'b'])).missingRequired).toEqual([])
  })

  it('moves an entry up and down within bounds', () => {
    expect(moveEntry(['x', 'y', 'z'], 1, -1)).toEqual(['y', 'x', 'z'])
    expect(moveEntry(['x', 'y', 'z'], 1, 1)).toEqual(['x', 'z', 'y'])
    expect(moveEntry(['x', 'y', 'z'], 0, -1)).toEqual(['x', 'y', 'z'])
    expect(moveEntry(['x', 'y', 'z'], 2, 1)).toEqual(['x', 'y', 'z'])
  })
})

describe('calendar', () => {
  it('lays a month out in Monday-first weeks', () => {
    const oct = monthGrid(2026, 10) // 1 October 2026 is a Thursday
    expect(oct[0]).toEqual([null, null, null, '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04'])
    expect(oct.flat().filter(Boolean)).toHaveLength(31)
    expect(oct.every((w) => w.length === 7)).toBe(true)
    const feb = monthGrid(2027, 2) // 1 February 2027 is a Monday; not a leap year
    expect(feb[0][0]).toBe('2027-02-01')
    expect(feb.flat().filter(Boolean)).toHaveLength(28)
    expect(monthGrid(2028, 2).flat().filter(Boolean)).toHaveLength(29)
  })

  it('tells how a day looks: listed kind, weekend or a normal working day', () => {
    const listed = new Map([
      ['2026-10-01', { kind: 'holiday' as const }],
      ['2026-10-10', { kind: 'workday' as const }],
    ])
    expect(dayLook('2026-10-01', listed)).toBe('holiday')
    expect(dayLook('2026-10-10', listed)).toBe('workday') // a Saturday made a working day
    expect(dayLook('2026-10-11', listed)).toBe('weekend')
    expect(dayLook('2026-10-12', listed)).toBe('normal')
  })

  it('groups holidays into periods', () => {
    const days = ['01', '02', '03', '04', '05', '06', '07'].map((d) => ({ day: `2026-10-${d}`, kind: 'holiday' as const, name: '国庆节' }))
    const p = holidayPeriods([...days, { day: '2026-09-25', kind: 'holiday', name: '中秋节' }, { day: '2026-10-10', kind: 'workday', name: '国庆节' }])
    expect(p).toEqual([
      { name: '中秋节', from: '2026-09-25', to: '2026-09-25', count: 1 },
      { name: '国庆节', from: '2026-10-01', to: '2026-10-07', count: 7 },
    ])
  })

  it('counts a year summary given as a number or a list', () => {
    expect(countOf(7)).toBe(7)
    expect(countOf([1, 2, 3])).toBe(3)
    expect(countOf(undefined)).toBe(0)
  })
})

describe('figures', () => {
  it('computes the on-time rate of finished requests', () => {
    expect(onTimeRate({ on_time: 9, overdue_done: 1 })).toBe(0.9)
    expect(onTimeRate({ on_time: 0, overdue_done: 0 })).toBeNull()
    expect(formatRate(0.9)).toBe('90.0%')
    expect(formatRate(2 / 3)).toBe('66.7%')
    expect(formatRate(null)).toBe('—')
    expect(formatAvgDays(3.456)).toBe('3.5')
    expect(formatAvgDays(null)).toBe('—')
  })
})

describe('window queue', () => {
  const rows: QueueRow[] = [
    { window_no: '10', hour: 9, received: 2, avg_wait_minutes: 10, avg_handle_minutes: 8 },
    { window_no: '2', hour: 9, received: 1, avg_wait_minutes: 16, avg_handle_minutes: null },
    { window_no: '2', hour: 14, received: 3, avg_wait_minutes: null, avg_handle_minutes: 5 },
    { window_no: '-', hour: 14, received: 0, avg_wait_minutes: null, avg_handle_minutes: null },
  ]

  it('spans 8–18, widened to any hour with requests', () => {
    expect(queueHours([])).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18])
    expect(queueHours([{ hour: 7 }, { hour: 19 }])[0]).toBe(7)
    expect(queueHours([{ hour: 7 }, { hour: 19 }]).at(-1)).toBe(19)
  })

  it('orders the windows naturally, the rows without a window last', () => {
    expect(queueWindows(rows)).toEqual(['2', '10', '-'])
    expect(queueWindows([{ window_no: 3 }, { window_no: 1 }])).toEqual(['1', '3'])
  })

  it('adds up the hours and finds the peak (the earliest of equals)', () => {
    expect(queueByHour(rows).get(9)).toBe(3)
    expect(queueByHour(rows).get(14)).toBe(3)
    expect(queuePeakHour(rows)).toBe(9)
    expect(queuePeakHour(rows.slice(2))).toBe(14)
    expect(queuePeakHour([])).toBeNull()
  })

  it('places the heat-map cells by hour and window, leaving out empty ones', () => {
    const hours = queueHours(rows)
    const windows = queueWindows(rows)
    expect(queueCells(rows, hours, windows)).toEqual([
      [1, 1, 2],
      [1, 0, 1],
      [6, 0, 3],
    ])
  })

  it('reads hours and minutes', () => {
    expect(hourSpan(9)).toBe('09:00–10:00')
    expect(formatMinutes(16)).toBe('16')
    expect(formatMinutes(7.46)).toBe('7.5')
    expect(formatMinutes(null)).toBe('—')
  })

  it('averages the minutes weighted by requests received', () => {
    expect(weightedMinutes(rows, 'avg_wait_minutes')).toBeCloseTo((10 * 2 + 16) / 3)
    expect(weightedMinutes(rows, 'avg_handle_minutes')).toBeCloseTo((8 * 2 + 5 * 3) / 5)
    expect(weightedMinutes([], 'avg_wait_minutes')).toBeNull()
  })
})

describe('clock settings', () => {
  it('reads and writes office hours', () => {
    expect(parseOfficeHours('09:00-12:00,13:30-17:30')).toEqual([
      ['09:00', '12:00'],
      ['13:30', '17:30'],
    ])
    expect(parseOfficeHours('9:00–12:00， 13:30~17:30')).toEqual([
      ['09:00', '12:00'],
      ['13:30', '17:30'],
    ])
    expect(parseOfficeHours('')).toEqual([])
    expect(parseOfficeHours('morning')).toEqual([])
    expect(formatOfficeHours([['13:30', '17:30'], ['09:00', '12:00'], null])).toBe('09:00-12:00,13:30-17:30')
    expect(officeHoursLabel('09:00-12:00,13:30-17:30', 'zh-CN')).toBe('09:00–12:00、13:30–17:30')
    expect(officeHoursLabel('09:00-12:00,13:30-17:30', 'en')).toBe('09:00–12:00, 13:30–17:30')
  })

  it('finds what the server would refuse', () => {
    expect(officeHoursProblem([['09:00', '12:00'], ['13:30', '17:30']])).toBeNull()
    expect(officeHoursProblem([['13:30', '17:30'], ['09:00', '12:00']])).toBeNull() // sent in order
    expect(officeHoursProblem([])).toBe('empty')
    expect(officeHoursProblem([['09:00', '12:00'], null])).toBe('incomplete')
    expect(officeHoursProblem([['12:00', '09:00']])).toBe('order')
    expect(officeHoursProblem([['09:00', '09:00']])).toBe('order')
    expect(officeHoursProblem([['09:00', '12:00'], ['11:30', '17:30']])).toBe('overlap')
    expect(officeHoursProblem([['09:00', '12:00'], ['12:00', '17:30']])).toBeNull() // touching is fine
  })
})

describe('dashboard warnings', () => {
  /** A fake list endpoint over requests sorted by deadline, filtered the way the server does. */
  function fakeList(warnings: Warning[], calls: Record<string, string | number>[] = []): WarningListFn {
    return async (q) => {
      calls.push(q)
      const size = Number(q.page_size)
      const page = Number(q.page ?? 1)
      if (q.warning === 'overdue') {
        const all = warnings.filter((w) => w === 'overdue')
        return { total: all.length, items: all.slice((page - 1) * size, page * size).map((warning) => ({ warning })) }
      }
      if (q.warning === 'near_due') {
        // The total of the deadline window (overdue included); the rows of the page, near-due only.
        const window = warnings.filter((w) => w !== 'none')
        const items = window.slice((page - 1) * size, page * size).filter((w) => w === 'near_due')
        return { total: window.length, items: items.map((warning) => ({ warning })) }
      }
      return { total: warnings.length, items: warnings.slice(0, size).map((warning) => ({ warning })) }
    }
  }

  it('counts the near-due rows, not the total of the deadline window', async () => {
    const calls: Record<string, string | number>[] = []
    const c = await warningCounts(fakeList(['overdue', 'near_due', 'near_due', 'near_due', 'none', 'none', 'none'], calls), true)
    expect(c).toEqual({ overdue: 1, nearDue: 3, open: 7, nearDueMore: false })
    expect(calls.every((q) => q.mine === 'true')).toBe(true)
    expect(calls.find((q) => q.warning === 'overdue')?.page_size).toBe(1)
    expect(calls.find((q) => q.state === 'open')?.page_size).toBe(1)
    expect(calls.find((q) => q.warning === 'near_due')?.page_size).toBe(NEAR_DUE_PAGE)
  })

  it('asks for the whole scope without `mine`, and quietly zero when nothing is due', async () => {
    const calls: Record<string, string | number>[] = []
    expect(await warningCounts(fakeList(['none', 'none'], calls), false)).toEqual({ overdue: 0, nearDue: 0, open: 2, nearDueMore: false })
    expect(calls.some((q) => 'mine' in q)).toBe(false)
  })

  it('pages past the overdue rows when the window is larger than a page', async () => {
    const warnings: Warning[] = [...Array(450).fill('overdue'), ...Array(30).fill('near_due')]
    const calls: Record<string, string | number>[] = []
    const c = await warningCounts(fakeList(warnings, calls), false)
    expect(c).toEqual({ overdue: 450, nearDue: 30, open: 480, nearDueMore: false })
    // page 1, then page 3 (where the overdue rows end); page 2 holds overdue rows only.
    expect(calls.filter((q) => q.warning === 'near_due').map((q) => q.page)).toEqual([1, 3])
  })

  it('says when there were more near-due rows than it counted', async () => {
    const warnings: Warning[] = Array(1000).fill('near_due')
    const c = await warningCounts(fakeList(warnings), false, 2)
    expect(c.nearDue).toBe(400)
    expect(c.nearDueMore).toBe(true)
  })

  it('links each count to the work queue with its filter', () => {
    expect(warningLink('overdue', true)).toEqual({ path: '/requests', query: { warning: 'overdue', mine: '1' } })
    expect(warningLink('near_due', false)).toEqual({ path: '/requests', query: { warning: 'near_due' } })
    expect(warningLink('open', true)).toEqual({ path: '/requests', query: { state: 'open', mine: '1' } })
  })
})
