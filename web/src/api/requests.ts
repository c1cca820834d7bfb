// Types and endpoints of the one-door requests (一门式), the service catalog and the working-day
// calendar (docs/requests.md).
import { http } from './http'
import type { Id, ListQuery, Page } from './types'
import type { Attachment } from './portal'

// ---------------------------------------------------------------- calendar

export type DayKind = 'holiday' | 'workday' | 'closure'
export const DAY_KINDS: DayKind[] = ['holiday', 'workday', 'closure']

export interface CalendarYear {
  year: number
  notice: string
  document_no: string
  published_on: string
  /** `builtin` = shipped data, `admin` = added or corrected here. */
  source: 'builtin' | 'admin'
  /** How many holidays / make-up working days the year lists (a count, or the list itself). */
  holidays: number | unknown[]
  workdays: number | unknown[]
}

export interface CalendarDay {
  id: Id
  day: string
  kind: DayKind
  name: string
  station_id: Id | null
  version: number
}

export interface CalendarDays {
  year: number
  covered: boolean
  /** The notice the year follows (null when the year is not covered). */
  notice?: Omit<CalendarYear, 'holidays' | 'workdays'> | null
  days: CalendarDay[]
}

export interface WorkingDate {
  from: string
  days: number
  date: string
  missing_years: number[]
}

export interface DeadlineAnswer {
  date: string
  missing_years: number[]
}

/** The request clock: office hours ("09:00-12:00,13:30-17:30") and the near-due warning (0–10 working days). */
export interface ClockSettings {
  office_hours: string
  near_due_days: number
}

export interface CountAnswer {
  working_days: number
  missing_years: number[]
}

// ---------------------------------------------------------------- catalog

/** A catalog category, keyed by its code (docs/requests.md also names an id). */
export interface Category {
  id?: Id
  code: string
  name_zh: string
  name_en: string
  sort_order: number
  builtin: boolean
  /** Disabled categories are no longer offered for new items; existing items keep theirs. */
  enabled?: boolean
  color?: string
  version?: number
}

export type ProcessType = 'on_spot' | 'window_backoffice_complete' | 'window_backoffice_window' | 'window_division' | 'backoffice_direct'
export const PROCESS_TYPES: ProcessType[] = [
  'on_spot',
  'window_backoffice_complete',
  'window_backoffice_window',
  'window_division',
  'backoffice_direct',
]

export type LimitUnit = 'working_days' | 'natural_days'
export const LIMIT_UNITS: LimitUnit[] = ['working_days', 'natural_days']
export type FeeKind = 'free' | 'paid'
export type ItemStatus = 'draft' | 'published'
export const ITEM_STATUSES: ItemStatus[] = ['draft', 'published']

export type SlipEntryKind = 'condition' | 'material'
export const SLIP_ENTRY_KINDS: SlipEntryKind[] = ['condition', 'material']

export interface SlipEntry {
  key: string
  kind: SlipEntryKind
  text: string
  required: boolean
}

export interface Slip {
  version: number
  entries: SlipEntry[]
  created_by_name?: string
  created_at?: string
}

export interface CatalogItem {
  id: Id
  name: string
  /** The category's code (the OpenAPI); `category_id` in docs/requests.md. */
  category_code?: string
  category_id?: Id
  /** null = bureau-wide (全局). */
  station_id: Id | null
  status: ItemStatus
  conditions: string | null
  guide: string | null
  legal_basis: string | null
  fee_kind: FeeKind
  /** Paid only, in cents (what the server answers: 30000 = ¥300.00). */
  fee_cents?: number | null
  /** Paid only, e.g. "300.00" (what the server takes; docs/requests.md also answers it). */
  fee_yuan?: string | null
  provider: string | null
  department_id: Id | null
  process_type: ProcessType
  limit_value: number
  limit_unit: LimitUnit
  /** The current slip (the single item; null in lists) and its version. */
  slip?: Slip | null
  slip_version?: number
  version: number
  // Names the server adds.
  process_type_name?: string | null
  category_name?: string | null
  station_name?: string | null
  department_name?: string | null
  updated_at?: string
}

export interface CatalogItemInput {
  name?: string
  category_code?: string
  station_id?: Id | null
  conditions?: string | null
  guide?: string | null
  legal_basis?: string | null
  fee_kind?: FeeKind
  fee_yuan?: string | null
  provider?: string | null
  department_id?: Id | null
  process_type?: ProcessType
  limit_value?: number
  limit_unit?: LimitUnit
  /** The first slip, with a new item. */
  slip?: SlipEntryInput[]
}

export interface SlipEntryInput {
  key?: string
  kind: SlipEntryKind
  text: string
  required: boolean
}

// ---------------------------------------------------------------- requests

export type RequestState =
  | 'received'
  | 'accepted'
  | 'in_progress'
  | 'awaiting_materials'
  | 'suspended'
  | 'completed'
  | 'delivered'
  | 'refused'
export const REQUEST_STATES: RequestState[] = [
  'received',
  'accepted',
  'in_progress',
  'awaiting_materials',
  'suspended',
  'completed',
  'delivered',
  'refused',
]

export type Stage = 'window' | 'backoffice' | 'division' | 'delivery'
export const STAGES: Stage[] = ['window', 'backoffice', 'division', 'delivery']

export type Warning = 'none' | 'near_due' | 'overdue'
export type Channel = 'window' | 'online' | 'backoffice'
export const CHANNELS: Channel[] = ['window', 'online', 'backoffice']
export type DeliveryMethod = 'window' | 'mail' | 'online'
export const DELIVERY_METHODS: DeliveryMethod[] = ['window', 'mail', 'online']

export interface RequestSummary {
  id: Id
  number: string
  state: RequestState
  stage: Stage | null
  item_id: Id
  enterprise_id: Id
  station_id?: Id | null
  channel?: Channel
  window_no?: string | number | null
  deadline: string | null
  remaining_working_days: number | null
  missing_years: number[]
  warning: Warning
  version: number
  /** The clock is paused (补正, 挂起); the working days paused and added by extensions so far. */
  paused?: boolean
  paused_days?: number
  extended_days?: number
  slip_version?: number
  checked?: string[]
  refused_entries?: string[]
  missing_entries?: string[]
  refusal_reason?: string | null
  result?: string | null
  delivered_to?: string | null
  delivery_method?: DeliveryMethod | '' | null
  delivered_by_name?: string | null
  applicant_name?: string | null
  applicant_phone?: string | null
  note?: string | null
  limit_value?: number
  limit_unit?: LimitUnit
  department_id?: Id | null
  handler_id?: Id | null
  on_time?: boolean | null
  // Names and times the server joins in.
  item_name?: string | null
  process_type?: ProcessType | null
  process_type_name?: string | null
  state_name?: string | null
  stage_name?: string | null
  enterprise_name?: string | null
  enterprise_uscc?: string | null
  station_name?: string | null
  intake_by_name?: string | null
  handler_name?: string | null
  department_name?: string | null
  arrived_at?: string | null
  received_at?: string | null
  /** When the intake decision (accept or refuse) was taken. */
  decided_at?: string | null
  accepted_on?: string | null
  accepted_at?: string | null
  completed_at?: string | null
  delivered_at?: string | null
}

export interface RequestEvent {
  at: string
  kind: string
  /** Empty or null where there is none. */
  from_state: RequestState | '' | null
  to_state: RequestState | '' | null
  stage: Stage | '' | null
  actor_name: string | null
  department_name: string | null
  note: string | null
}

export type ExtensionState = 'pending' | 'approved' | 'rejected'

export interface Extension {
  id: Id
  days: number
  reason: string
  state: ExtensionState
  requested_by?: Id | null
  requested_by_name?: string | null
  requested_at?: string | null
  decided_by_name?: string | null
  decided_at?: string | null
  decision_note?: string | null
  note?: string | null
}

export interface StageSpan {
  stage: Stage
  stage_name?: string
  started_at: string
  ended_at: string | null
  working_days: number | null
}

export interface RequestDetail extends RequestSummary {
  /** The slip version the request was checked against. */
  slip: Slip | null
  events: RequestEvent[]
  extensions: Extension[]
  stages: StageSpan[]
  /** The steps the caller may take now (accept, refuse, request_materials, materials_received,
   * route, suspend, resume, extend, complete, deliver). */
  actions?: string[]
  /** Materials attached (online submissions, 补正). */
  attachments?: Attachment[]
  // Nested views docs/requests.md describes (the server answers the flat fields instead).
  item?: CatalogItem
  enterprise?: { id: Id; name: string; uscc: string }
  suspend_reason?: string | null
}

export interface IntakeInput {
  item_id: Id
  slip_version: number
  enterprise_id?: Id
  uscc?: string
  channel: Channel
  applicant_name: string
  applicant_phone: string
  /** A string in the OpenAPI ("1"). */
  window_no?: string
  station_id?: Id
  arrived_at?: string
  note?: string
}

export type FiguresBy = 'station' | 'department' | 'person' | 'item'
export const FIGURES_BY: FiguresBy[] = ['station', 'department', 'person', 'item']

export interface FiguresRow {
  key: string
  name: string
  received: number
  accepted: number
  refused: number
  completed: number
  on_time: number
  overdue_open: number
  overdue_done: number
  avg_working_days: number | null
}

export interface Figures {
  from?: string
  to?: string
  by?: FiguresBy
  /** The rows added up. */
  totals?: FiguresRow
  rows: FiguresRow[]
  refused_by_reason: { reason: string; count: number }[]
  stages: { stage: Stage; avg_working_days: number | null; count: number }[]
}

export interface QueueRow {
  window_no: string | number
  hour: number
  received: number
  avg_wait_minutes: number | null
  avg_handle_minutes: number | null
}

type V = { version: number }

export const calendarApi = {
  years: () => http.get<CalendarYear[]>('/api/calendar/years'),
  days: (year: number, stationId?: Id | null) =>
    http.get<CalendarDays>('/api/calendar/days', { year, station_id: stationId ?? undefined }),
  declareYear: (body: { year: number; notice: string; document_no?: string; published_on?: string }) =>
    http.post<CalendarYear>('/api/calendar/years', body),
  addDay: (body: { day: string; kind: DayKind; name: string; station_id?: Id | null }) => http.post<CalendarDay>('/api/calendar/days', body),
  // The day and the station of a listed day are fixed (the server refuses them on PATCH).
  updateDay: (id: Id, body: { kind?: DayKind; name?: string } & V) => http.patch<CalendarDay>(`/api/calendar/days/${id}`, body),
  removeDay: (id: Id, version: number) => http.del(`/api/calendar/days/${id}?version=${version}`),
  addWorkingDays: (from: string, days: number, stationId?: Id | null) =>
    http.get<WorkingDate>('/api/calendar/add-working-days', { from, days, station_id: stationId ?? undefined }),
  deadline: (from: string, limit: number, unit: LimitUnit, stationId?: Id | null) =>
    http.get<DeadlineAnswer>('/api/calendar/deadline', { from, limit, unit, station_id: stationId ?? undefined }),
  workingDays: (from: string, to: string, stationId?: Id | null) =>
    http.get<CountAnswer>('/api/calendar/working-days', { from, to, station_id: stationId ?? undefined }),
  settings: () => http.get<ClockSettings>('/api/calendar/settings'),
  putSettings: (body: ClockSettings) => http.put<ClockSettings>('/api/calendar/settings', body),
}

export const catalogApi = {
  categories: () => http.get<Category[]>('/api/catalog/categories'),
  createCategory: (body: { code: string; name_zh: string; name_en: string }) => http.post<Category>('/api/catalog/categories', body),
  items: (q?: ListQuery) => http.get<Page<CatalogItem>>('/api/catalog/items', q),
  item: (id: Id) => http.get<CatalogItem>(`/api/catalog/items/${id}`),
  createItem: (body: CatalogItemInput) => http.post<CatalogItem>('/api/catalog/items', body),
  updateItem: (id: Id, body: CatalogItemInput & V) => http.patch<CatalogItem>(`/api/catalog/items/${id}`, body),
  publish: (id: Id, version: number) => http.post<CatalogItem>(`/api/catalog/items/${id}/publish`, { version }),
  unpublish: (id: Id, version: number) => http.post<CatalogItem>(`/api/catalog/items/${id}/unpublish`, { version }),
  /** Creates a new slip version; the answer is the item (with its slip) or the slip. */
  putSlip: (id: Id, body: { entries: SlipEntryInput[] } & V) => http.put<CatalogItem | Slip>(`/api/catalog/items/${id}/slip`, body),
  slipVersion: (id: Id, version: number) => http.get<Slip>(`/api/catalog/items/${id}/slip/${version}`),
}

export const requestsApi = {
  list: (q?: ListQuery) => http.get<Page<RequestSummary>>('/api/requests', q),
  get: (id: Id) => http.get<RequestDetail>(`/api/requests/${id}`),
  create: (body: IntakeInput) => http.post<RequestDetail>('/api/requests', body),
  accept: (id: Id, body: { checked: string[] } & V) => http.post<RequestDetail>(`/api/requests/${id}/accept`, body),
  refuse: (id: Id, body: { unchecked: string[]; reason: string } & V) => http.post<RequestDetail>(`/api/requests/${id}/refuse`, body),
  requestMaterials: (id: Id, body: { missing: string[]; note: string } & V) =>
    http.post<RequestDetail>(`/api/requests/${id}/request-materials`, body),
  materialsReceived: (id: Id, body: { note?: string } & V) => http.post<RequestDetail>(`/api/requests/${id}/materials-received`, body),
  route: (id: Id, body: { department_id?: Id; handler_id?: Id; note: string } & V) => http.post<RequestDetail>(`/api/requests/${id}/route`, body),
  suspend: (id: Id, body: { reason: string } & V) => http.post<RequestDetail>(`/api/requests/${id}/suspend`, body),
  resume: (id: Id, body: { note?: string } & V) => http.post<RequestDetail>(`/api/requests/${id}/resume`, body),
  requestExtension: (id: Id, body: { days: number; reason: string } & V) => http.post<Extension>(`/api/requests/${id}/extensions`, body),
  approveExtension: (id: Id, eid: Id, note: string) => http.post<Extension>(`/api/requests/${id}/extensions/${eid}/approve`, { note }),
  rejectExtension: (id: Id, eid: Id, note: string) => http.post<Extension>(`/api/requests/${id}/extensions/${eid}/reject`, { note }),
  complete: (id: Id, body: { result: string } & V) => http.post<RequestDetail>(`/api/requests/${id}/complete`, body),
  deliver: (id: Id, body: { delivered_to: string; method: DeliveryMethod } & V) => http.post<RequestDetail>(`/api/requests/${id}/deliver`, body),
  receiptUrl: (id: Id) => `/api/requests/${id}/receipt`,
  refusalNoticeUrl: (id: Id) => `/api/requests/${id}/refusal-notice`,
  figures: (q: { from?: string; to?: string; by?: FiguresBy }) => http.get<Figures>('/api/requests/figures', q),
  queue: (day: string, stationId?: Id | null) => http.get<QueueRow[]>('/api/requests/queue', { day, station_id: stationId ?? undefined }),
}
