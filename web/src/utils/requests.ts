// Pure helpers of the catalog, one-door request and calendar screens: how limits, fees and
// deadlines read, which actions a request offers, and the month grids of the calendar.
import type {
  CalendarDay,
  DayKind,
  FeeKind,
  LimitUnit,
  ProcessType,
  RequestState,
  SlipEntry,
  Stage,
  Warning,
} from '@/api/requests'
import { addDays, formatDateTime, isoWeekday } from './datetime'
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

// ---------------------------------------------------------------- dates as these screens show them

/** A calendar date as YYYY-MM-DD in both languages (the deadline columns, the calendar); "—" when empty. */
export function ymd(v: string | null | undefined): string {
  if (!v) return '—'
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(v)
  return m ? m[1] : v
}

/** An instant as YYYY-MM-DD HH:mm in Shanghai time; empty when there is none. */
export function ymdHm(v: string | null | undefined): string {
  return formatDateTime(v, 'en')
}

/** The display format of these screens' date pickers. */
export const YMD_FORMAT = 'YYYY-MM-DD'
