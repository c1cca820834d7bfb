// Pure helpers of the catalog, one-door request and calendar screens: how limits, fees and
// deadlines read, which actions a request offers, and the month grids of the calendar.
import type {
  CalendarDay,
  DayKind,
  FeeKind,
  LimitUnit,
  ProcessType,
  QueueRow,
  RequestState,
  SlipEntry,
  Stage,
  Warning,
} from '@/api/requests'
import { addDays, isoWeekday } from './datetime'
import { daysUntil } from './enterprise'

/** The translator of vue-i18n (a plain function, so that the helpers stay testable). */
export type Tr = (key: string, params?: Record<string, unknown>) => string

// ---------------------------------------------------------------- limits and fees

/** "5 个工作日" / "30 个自然日"; "5 working days" / "30 calendar days". */
export function formatLimit(value: number | null | undefined, unit: LimitUnit | null | undefined, t: Tr): string {
  if (value === null || value === undefined || !unit) return '—'
  return t(`cat.limitFmt.${unit}`, { n: value })
}

const feeFmt = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })

/** "免费" / "¥1,300.00". */
export function formatFee(kind: FeeKind | null | undefined, yuan: string | number | null | undefined, t: Tr): string {
  if (kind !== 'paid') return t('cat.feeFree')
  const n = typeof yuan === 'number' ? yuan : Number.parseFloat(String(yuan ?? ''))
  if (!Number.isFinite(n)) return '—'
  return `¥${feeFmt.format(n)}`
}

/** What the fee input holds → the API's decimal string with two places; null when not a sum. */
export function normaliseFee(raw: string | number | null | undefined): string | null {
  if (raw === null || raw === undefined) return null
  const s = String(raw).trim().replace(/^¥/, '').replace(/,/g, '')
  if (!/^\d+(\.\d{0,2})?$/.test(s)) return null
  return Number.parseFloat(s).toFixed(2)
}

/** The fee of an item in yuan as a decimal string: from `fee_yuan`, or from `fee_cents`. */
export function feeYuanOf(item: { fee_yuan?: string | null; fee_cents?: number | null }): string | null {
  if (item.fee_yuan !== null && item.fee_yuan !== undefined && item.fee_yuan !== '') return String(item.fee_yuan)
  if (item.fee_cents !== null && item.fee_cents !== undefined) return (item.fee_cents / 100).toFixed(2)
  return null
}

// ---------------------------------------------------------------- process types and stages

// The server's model (crates/domain/src/requests.rs): the types that deliver at the window end
// with a `delivery` stage (窗口出件) after the work stage.
const STAGES_OF: Record<ProcessType, Stage[]> = {
  on_spot: ['window'],
  window_backoffice_complete: ['window', 'backoffice'],
  window_backoffice_window: ['window', 'backoffice', 'delivery'],
  window_division: ['window', 'division', 'delivery'],
  backoffice_direct: ['backoffice'],
}

/** The stages a process type goes through, in order. */
export function stagesOf(type: ProcessType | null | undefined): Stage[] {
  return type ? STAGES_OF[type] ?? [] : []
}

/** The stage where the work itself is done (and 办结 is given): the last before delivery. */
export function workStage(type: ProcessType | null | undefined): Stage | null {
  const s = stagesOf(type).filter((x) => x !== 'delivery')
  return s.length ? s[s.length - 1] : null
}

/** Whether the item ends with a delivery at the window (出件). */
export function hasWindowDelivery(type: ProcessType | null | undefined): boolean {
  return stagesOf(type).includes('delivery')
}

/**
 * The stage a hand-over (移交) leads to: the next work stage, or the same one (a hand-over to
 * another department or person within it); null where there is no hand-over (delivery).
 */
export function routeTarget(type: ProcessType | null | undefined, stage: Stage | null | undefined): Stage | null {
  const s = stagesOf(type)
  if (!stage || stage === 'delivery' || s.length === 0) return null
  const next = s[s.indexOf(stage) + 1]
  return next && next !== 'delivery' ? next : stage
}

// ---------------------------------------------------------------- states, warnings, deadlines

export const TERMINAL_STATES: RequestState[] = ['delivered', 'refused']

export function isOpen(state: RequestState, type?: ProcessType | null): boolean {
  if (TERMINAL_STATES.includes(state)) return false
  if (state === 'completed') return hasWindowDelivery(type)
  return true
}

export type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'

export function stateTagType(state: RequestState): TagType {
  switch (state) {
    case 'received':
      return 'info'
    case 'accepted':
    case 'in_progress':
      return 'primary'
    case 'awaiting_materials':
    case 'suspended':
      return 'warning'
    case 'completed':
    case 'delivered':
      return 'success'
    case 'refused':
      return 'danger'
    default:
      return 'info'
  }
}

/** Orange for near due, red for overdue. */
export function warningTagType(w: Warning | null | undefined): TagType {
  if (w === 'overdue') return 'danger'
  if (w === 'near_due') return 'warning'
  return 'success'
}

/** The class of a queue row: tinted for near due and overdue. */
export function warningRowClass(w: Warning | null | undefined): string {
  if (w === 'overdue') return 'row-overdue'
  if (w === 'near_due') return 'row-near-due'
  return ''
}

/** Whether the clock is running or paused (补正, 中止): the remaining days mean something. */
export function clockState(state: RequestState, paused?: boolean): 'running' | 'paused' | 'stopped' | 'none' {
  if (paused && (state === 'in_progress' || state === 'accepted' || state === 'suspended' || state === 'awaiting_materials')) return 'paused'
  if (state === 'accepted' || state === 'in_progress') return 'running'
  if (state === 'awaiting_materials' || state === 'suspended') return 'paused'
  if (state === 'received') return 'none'
  return 'stopped'
}

/**
 * What stands next to the deadline: "超期 N 天" (natural days past it) when overdue, else
 * "剩余 N 个工作日" while the clock runs or is paused; empty when the request is closed.
 */
export function deadlineNote(
  r: { state: RequestState; deadline: string | null; remaining_working_days: number | null; warning: Warning; paused?: boolean },
  today: string,
  t: Tr,
): string {
  const clock = clockState(r.state, r.paused)
  if (!r.deadline || clock === 'stopped' || clock === 'none') return ''
  const past = -daysUntil(r.deadline, today)
  if (r.warning === 'overdue' || past > 0) return t('req.overdueDays', { n: Math.max(past, 1) })
  if (r.remaining_working_days === null || r.remaining_working_days === undefined) return ''
  if (r.remaining_working_days === 0) return t('req.dueToday')
  return t('req.remainingDays', { n: r.remaining_working_days })
}

/** "日历缺少 2027 年数据" for each year the server had to judge by weekends alone. */
export function missingYearsLabels(years: readonly number[] | null | undefined, t: Tr): string[] {
  return [...new Set(years ?? [])].sort((a, b) => a - b).map((y) => t('cal.missingYear', { year: y }))
}

// ---------------------------------------------------------------- actions

export type RequestAction =
  | 'accept'
  | 'refuse'
  | 'requestMaterials'
  | 'materialsReceived'
  | 'route'
  | 'suspend'
  | 'resume'
  | 'extend'
  | 'complete'
  | 'deliver'

export interface ActionSubject {
  state: RequestState
  stage: Stage | null
  process_type: ProcessType | null | undefined
  /** Whether the request was accepted (its clock started). */
  accepted?: boolean
}

const ALL_ACTIONS: RequestAction[] = ['accept', 'refuse', 'requestMaterials', 'materialsReceived', 'route', 'suspend', 'resume', 'extend', 'complete', 'deliver']

/** Whether a step is allowed in this state and stage (the server's `allowed`). */
function allowedStep(r: ActionSubject, a: RequestAction): boolean {
  const open = r.state === 'in_progress' || r.state === 'accepted'
  switch (a) {
    case 'accept':
    case 'refuse':
      return r.state === 'received'
    case 'requestMaterials':
      return r.state === 'received' || (open && r.stage !== 'delivery')
    case 'materialsReceived':
      return r.state === 'awaiting_materials'
    case 'route':
    case 'suspend':
      return open && r.stage !== 'delivery'
    case 'resume':
      return r.state === 'suspended'
    case 'extend':
      return (r.accepted ?? r.state !== 'received') && ['in_progress', 'accepted', 'suspended', 'awaiting_materials'].includes(r.state)
    case 'complete':
      return open && r.stage === workStage(r.process_type)
    case 'deliver':
      return r.state === 'completed' && r.stage === 'delivery'
  }
}

/** The permission a step needs: window steps `request.intake`, back-office steps `request.handle`. */
function stepPermission(r: ActionSubject, a: RequestAction): string {
  const window = r.stage === 'window' || r.stage === 'delivery'
  if (['accept', 'refuse', 'materialsReceived', 'requestMaterials', 'route', 'extend'].includes(a) && window) return 'request.intake'
  if (a === 'deliver') return 'request.intake'
  return 'request.handle'
}

/**
 * The actions the detail page offers, by state, stage, process type and permissions (the same
 * rules as the server; the page prefers the server's own `actions` when it sends them).
 */
export function requestActions(r: ActionSubject, can: (...anyOf: string[]) => boolean): RequestAction[] {
  return ALL_ACTIONS.filter((a) => allowedStep(r, a) && can(stepPermission(r, a)))
}

/** The server's action codes (request_materials, …) as the page's actions, in the page's order. */
export function fromServerActions(codes: readonly string[]): RequestAction[] {
  const camel = new Set(codes.map((c) => c.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase())))
  return ALL_ACTIONS.filter((a) => camel.has(a))
}

// ---------------------------------------------------------------- acceptance slip

export interface SlipCheck {
  checked: string[]
  unchecked: string[]
  /** Required entries not ticked: accepting is not possible. */
  missingRequired: SlipEntry[]
}

export function slipCheck(entries: readonly SlipEntry[], ticked: ReadonlySet<string> | readonly string[]): SlipCheck {
  const set = ticked instanceof Set ? ticked : new Set(ticked as readonly string[])
  const out: SlipCheck = { checked: [], unchecked: [], missingRequired: [] }
  for (const e of entries) {
    if (set.has(e.key)) out.checked.push(e.key)
    else {
      out.unchecked.push(e.key)
      if (e.required) out.missingRequired.push(e)
    }
  }
  return out
}

/** Moves an entry of an ordered list up (-1) or down (+1); a new array. */
export function moveEntry<T>(list: readonly T[], index: number, delta: -1 | 1): T[] {
  const to = index + delta
  const out = [...list]
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return out
  ;[out[index], out[to]] = [out[to], out[index]]
  return out
}

// ---------------------------------------------------------------- calendar

/** The weeks (Monday first) of a month as YYYY-MM-DD strings, null outside the month. */
export function monthGrid(year: number, month: number): (string | null)[][] {
  const first = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`
  const daysIn = new Date(Date.UTC(year, month, 0)).getUTCDate()
  const lead = isoWeekday(first) - 1
  const cells: (string | null)[] = Array.from({ length: lead }, () => null)
  for (let i = 0; i < daysIn; i++) cells.push(addDays(first, i))
  while (cells.length % 7 !== 0) cells.push(null)
  const weeks: (string | null)[][] = []
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7))
  return weeks
}

export type DayLook = DayKind | 'weekend' | 'normal'

/** How a day of the year view looks: a listed day's kind, else weekend or a normal working day. */
export function dayLook(date: string, listed: ReadonlyMap<string, Pick<CalendarDay, 'kind'>>): DayLook {
  const d = listed.get(date)
  if (d) return d.kind
  return isoWeekday(date) >= 6 ? 'weekend' : 'normal'
}

/** A count the years list gives either as a number or as the list itself. */
export function countOf(v: number | readonly unknown[] | null | undefined): number {
  if (Array.isArray(v)) return v.length
  return typeof v === 'number' ? v : 0
}

/** Holidays grouped into periods by name ("国庆节 10月1日–10月7日"), in date order. */
export function holidayPeriods(days: readonly Pick<CalendarDay, 'day' | 'kind' | 'name'>[]): { name: string; from: string; to: string; count: number }[] {
  const hs = days.filter((d) => d.kind === 'holiday').sort((a, b) => a.day.localeCompare(b.day))
  const out: { name: string; from: string; to: string; count: number }[] = []
  for (const d of hs) {
    const last = out[out.length - 1]
    if (last && last.name === d.name && addDays(last.to, 1) === d.day) {
      last.to = d.day
      last.count++
    } else out.push({ name: d.name, from: d.day, to: d.day, count: 1 })
  }
  return out
}

// ---------------------------------------------------------------- clock settings (办件时钟设置)

/** One period of office hours, "HH:mm" at both ends (the time picker's value). */
export type TimeRange = [string, string]

const HM = /^(\d{1,2})[:：](\d{2})$/

function hm(v: string): string | null {
  const m = HM.exec(v.trim())
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return null
  return `${m[1].padStart(2, '0')}:${m[2]}`
}

/** "09:00-12:00,13:30-17:30" → [["09:00","12:00"],["13:30","17:30"]]; what does not read as a period is left out. */
export function parseOfficeHours(text: string | null | undefined): TimeRange[] {
  const out: TimeRange[] = []
  for (const part of (text ?? '').split(/[,，;]/)) {
    const [a, b] = part.split(/[-–~]/)
    const from = a !== undefined ? hm(a) : null
    const to = b !== undefined ? hm(b) : null
    if (from && to) out.push([from, to])
  }
  return out
}

/** The periods as the server takes them, in order: "09:00-12:00,13:30-17:30". */
export function formatOfficeHours(ranges: readonly (readonly [string, string] | null | undefined)[]): string {
  return ranges
    .filter((r): r is readonly [string, string] => Boolean(r && r[0] && r[1]))
    .map((r) => [hm(r[0]) ?? r[0], hm(r[1]) ?? r[1]] as const)
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([a, b]) => `${a}-${b}`)
    .join(',')
}

export type OfficeHoursProblem = 'empty' | 'incomplete' | 'order' | 'overlap'

/** What is wrong with the periods before sending them (the server checks the same); null when nothing. */
export function officeHoursProblem(ranges: readonly (readonly [string, string] | null | undefined)[]): OfficeHoursProblem | null {
  if (ranges.length === 0) return 'empty'
  if (ranges.some((r) => !r || !r[0] || !r[1] || !hm(r[0]) || !hm(r[1]))) return 'incomplete'
  const sorted = ranges.map((r) => [hm(r![0])!, hm(r![1])!] as const).sort((a, b) => a[0].localeCompare(b[0]))
  if (sorted.some(([a, b]) => b <= a)) return 'order'
  for (let i = 1; i < sorted.length; i++) if (sorted[i][0] < sorted[i - 1][1]) return 'overlap'
  return null
}

/** "09:00–12:00、13:30–17:30" / "09:00–12:00, 13:30–17:30" for reading. */
export function officeHoursLabel(text: string | null | undefined, locale: string): string {
  const ranges = parseOfficeHours(text)
  if (!ranges.length) return text || '—'
  return ranges.map(([a, b]) => `${a}–${b}`).join(locale === 'en' ? ', ' : '、')
}

// ---------------------------------------------------------------- figures

/** On-time share of the finished requests, 0–1; null when none finished. */
export function onTimeRate(r: { on_time: number; overdue_done: number }): number | null {
  const done = r.on_time + r.overdue_done
  return done > 0 ? r.on_time / done : null
}

export function formatRate(v: number | null): string {
  return v === null ? '—' : `${(Math.round(v * 1000) / 10).toFixed(1)}%`
}

/** Average working days with one decimal ("3.5"); "—" when there is none. */
export function formatAvgDays(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  return (Math.round(v * 10) / 10).toFixed(1)
}

// ---------------------------------------------------------------- window queue (窗口排队)

/** The hours the queue chart shows: 8–18, widened to any hour that had a request. */
export function queueHours(rows: readonly Pick<QueueRow, 'hour'>[], from = 8, to = 18): number[] {
  let lo = from
  let hi = to
  for (const r of rows) {
    lo = Math.min(lo, r.hour)
    hi = Math.max(hi, r.hour)
  }
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i)
}

/** The window numbers in natural order ("2" before "10"); the rows without a window ("-") last. */
export function queueWindows(rows: readonly Pick<QueueRow, 'window_no'>[]): string[] {
  const all = [...new Set(rows.map((r) => String(r.window_no)))]
  const rank = (w: string) => (w === '-' || w === '' ? 1 : 0)
  return all.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, 'zh-CN', { numeric: true }))
}

/** Requests received per hour, all windows together. */
export function queueByHour(rows: readonly Pick<QueueRow, 'hour' | 'received'>[]): Map<number, number> {
  const out = new Map<number, number>()
  for (const r of rows) out.set(r.hour, (out.get(r.hour) ?? 0) + r.received)
  return out
}

/** The hour with the most requests received (the earliest of equals); null on a day without any. */
export function queuePeakHour(rows: readonly Pick<QueueRow, 'hour' | 'received'>[]): number | null {
  let peak: number | null = null
  let most = 0
  for (const [h, n] of [...queueByHour(rows)].sort((a, b) => a[0] - b[0])) {
    if (n > most) {
      most = n
      peak = h
    }
  }
  return peak
}

/** The cells of the heat map: [hour index, window index, received]. */
export function queueCells(rows: readonly QueueRow[], hours: readonly number[], windows: readonly string[]): [number, number, number][] {
  const out: [number, number, number][] = []
  for (const r of rows) {
    const x = hours.indexOf(r.hour)
    const y = windows.indexOf(String(r.window_no))
    if (x >= 0 && y >= 0 && r.received > 0) out.push([x, y, r.received])
  }
  return out
}

/** "09:00–10:00": the hour a queue row stands for. */
export function hourSpan(h: number): string {
  const p = (n: number) => `${String(n).padStart(2, '0')}:00`
  return `${p(h)}–${p(h + 1)}`
}

/** Minutes with at most one decimal ("16", "7.5"); "—" when there is none. */
export function formatMinutes(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  return String(Math.round(v * 10) / 10)
}

/** The average over rows weighted by requests received (the rows that have the figure). */
export function weightedMinutes(rows: readonly QueueRow[], key: 'avg_wait_minutes' | 'avg_handle_minutes'): number | null {
  let sum = 0
  let n = 0
  for (const r of rows) {
    const v = r[key]
    if (v === null || v === undefined || !Number.isFinite(v)) continue
    sum += v * r.received
    n += r.received
  }
  return n > 0 ? sum / n : null
}

// ---------------------------------------------------------------- dashboard warnings (我的办件)

export interface WarningCounts {
  overdue: number
  nearDue: number
  open: number
  /** More near-due requests than were counted (shown as "N+"). */
  nearDueMore: boolean
}

/** The list endpoint as the counts need it (api.requests.list, or a fake in the tests). */
export type WarningListFn = (q: Record<string, string | number>) => Promise<{ total: number; items: { warning: Warning }[] }>

/** Rows per page when counting the near-due requests (the server's largest page). */
export const NEAR_DUE_PAGE = 200

/**
 * Overdue, near-due and open requests, the caller's own (`mine`) or the whole scope. The server
 * answers `total` for overdue and open, but for `warning=near_due` the total of the deadline
 * window (overdue ones included) while it lists the near-due rows alone: those are counted on
 * the rows, page after page from where the overdue ones end (the list is sorted by deadline),
 * at most `maxPages` pages.
 */
export async function warningCounts(list: WarningListFn, mine: boolean, maxPages = 5): Promise<WarningCounts> {
  const base: Record<string, string | number> = mine ? { mine: 'true' } : {}
  const near = (items: { warning: Warning }[]) => items.filter((r) => r.warning === 'near_due').length
  const [over, open, first] = await Promise.all([
    list({ ...base, warning: 'overdue', page_size: 1 }),
    list({ ...base, state: 'open', page_size: 1 }),
    list({ ...base, warning: 'near_due', page: 1, page_size: NEAR_DUE_PAGE }),
  ])
  let nearDue = near(first.items)
  const pages = Math.ceil(first.total / NEAR_DUE_PAGE)
  // The pages before the one holding the first row after the overdue ones hold overdue rows only.
  const from = Math.max(2, Math.floor(over.total / NEAR_DUE_PAGE) + 1)
  const last = Math.min(pages, from + maxPages - 2)
  for (let p = from; p <= last; p++) nearDue += near((await list({ ...base, warning: 'near_due', page: p, page_size: NEAR_DUE_PAGE })).items)
  return { overdue: over.total, nearDue, open: open.total, nearDueMore: last < pages }
}

export type WarningKind = 'overdue' | 'near_due' | 'open'

/** The work queue filtered as a count of the card: `/requests?warning=overdue&mine=1`. */
export function warningLink(kind: WarningKind, mine: boolean): { path: string; query: Record<string, string> } {
  const query: Record<string, string> = kind === 'open' ? { state: 'open' } : { warning: kind }
  if (mine) query.mine = '1'
  return { path: '/requests', query }
}
