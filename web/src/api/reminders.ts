// Types and endpoints of the alarm-clock reminders (闹钟式提醒): what a rule can watch, the
// rules, their calendar of upcoming reminders, the reminders fired, the delivery log (发送记录)
// and the staff inbox (我的消息).
import { http } from './http'
import type { Id, Page } from './types'

export type WatchCode = 'certificate_expiry' | 'label_recert' | 'annual_report' | 'request_deadline'
export const WATCH_CODES: WatchCode[] = ['certificate_expiry', 'label_recert', 'annual_report', 'request_deadline']

/** What `subject_filter` names for a watch: a certificate kind (free text), a label code, or nothing. */
export type FilterKind = 'certificate_kind' | 'label'

export interface WatchDef {
  code: WatchCode | string
  label_zh: string
  label_en: string
  default_offsets: number[]
  filter_kind: FilterKind | null
  placeholders: string[]
}

export type OffsetUnit = 'days' | 'working_days'
export const OFFSET_UNITS: OffsetUnit[] = ['days', 'working_days']
export type RecipientKind = 'contacts' | 'specialist' | 'station_manager'
export const RECIPIENTS: RecipientKind[] = ['contacts', 'specialist', 'station_manager']
export type NotifyChannel = 'inbox' | 'email' | 'webhook'
export const NOTIFY_CHANNELS: NotifyChannel[] = ['inbox', 'email', 'webhook']
/** The placeholders every template may use (the server refuses any other `{name}`). */
export const PLACEHOLDERS = ['enterprise', 'subject', 'due_date', 'days_left', 'station'] as const
export type Placeholder = (typeof PLACEHOLDERS)[number]

/** A rule as its editor sends it (POST; PUT adds the version). */
export interface RuleInput {
  name: string
  watch: string
  subject_filter: string | null
  /** Largest first (the server sorts and de-duplicates them too). */
  offsets: number[]
  offset_unit: OffsetUnit
  recipients: RecipientKind[]
  channels: NotifyChannel[]
  /** Working days without 已处理 before the next person up is told; null = never. */
  escalate_after: number | null
  title_zh: string
  body_zh: string
  title_en: string
  body_en: string
  enabled: boolean
}

export interface ReminderRule extends RuleInput {
  /** A station's own rule; null: the whole bureau's. */
  station_id?: Id | null
  /** The caller may change it (bureau rules: bureau leaders; a station's: its manager). */
  editable?: boolean
  id: Id
  version: number
  updated_at: string
}

export interface RulePreview {
  title_zh: string
  body_zh: string
  title_en: string
  body_en: string
}

export type UpcomingStatus = 'planned' | 'notified' | 'acknowledged'

/** One reminder of the calendar: a planned one (no reminder yet) or one already fired. */
export interface UpcomingReminder {
  /** The working day it fires on (already moved off weekends and holidays). */
  fire_on: string
  due_on: string
  rule_id: Id
  rule_name: string
  watch: string
  enterprise_id: Id
  enterprise_name: string
  station_name: string
  subject: string
  offset: number
  status: UpcomingStatus
  reminder_id: Id | null
}

export type ReminderStatus = 'due' | 'notified' | 'acknowledged'
export const REMINDER_STATUSES: ReminderStatus[] = ['due', 'notified', 'acknowledged']

export interface Reminder {
  id: Id
  rule_id: Id
  rule_name: string
  watch: string
  enterprise_id: Id
  enterprise_name: string
  subject: string
  due_on: string
  offset: number
  fire_on: string
  status: ReminderStatus
  /** 0: the rule's recipients; 1, 2: escalated up the chain (站长, 局领导). */
  level: number
  notified_at: string | null
  acked_at: string | null
  acked_by_name: string | null
}

export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'failed'
export const DELIVERY_STATUSES: DeliveryStatus[] = ['queued', 'sending', 'sent', 'failed']

export interface Delivery {
  id: Id
  source_type: 'reminder' | 'policy_push' | string
  source_id: Id
  channel: NotifyChannel | string
  recipient_name: string
  /** Masked (zh***@pudong.gov.cn, a webhook's host). */
  address: string
  title: string
  /** The English title (the server sends it; not in the first contract). */
  title_en?: string
  /** account · contact · enterprise */
  recipient_type?: string
  enterprise_id?: Id | null
  status: DeliveryStatus
  error: string | null
  attempts: number
  level: number
  created_at: string
  sent_at: string | null
}

/** A message of the staff inbox (我的消息). */
export interface StaffMessage {
  id: Id
  title: string
  body: string
  title_en: string
  body_en: string
  source_type: 'reminder' | string
  /** The reminder's id for reminders. */
  source_id: Id | null
  enterprise_id: Id | null
  /** The enterprise the message is about (to tell messages apart). */
  enterprise_name?: string | null
  created_at: string
  read_at: string | null
  acknowledged: boolean
}

export interface StaffInbox {
  items: StaffMessage[]
  unread: number
}

export interface UpcomingQuery {
  from: string
  to: string
  station_id?: Id | null
}

export const remindersApi = {
  watches: () => http.get<WatchDef[]>('/api/reminders/watches'),
  rules: () => http.get<ReminderRule[]>('/api/reminders/rules'),
  createRule: (body: RuleInput) => http.post<ReminderRule>('/api/reminders/rules', body),
  updateRule: (id: Id, body: RuleInput & { version: number }) => http.put<ReminderRule>(`/api/reminders/rules/${id}`, body),
  preview: (body: RuleInput, signal?: AbortSignal) => http.post<RulePreview>('/api/reminders/rules/preview', body, { signal }),
  upcoming: (q: UpcomingQuery) => http.get<UpcomingReminder[]>('/api/reminders/upcoming', { from: q.from, to: q.to, station_id: q.station_id ?? undefined }),
  list: (q: { enterprise_id?: Id; status?: ReminderStatus | ''; page?: number; page_size?: number }) =>
    http.get<Page<Reminder>>('/api/reminders', q as Record<string, string | number | undefined>),
  ofEnterprise: (enterpriseId: Id) => http.get<Reminder[]>(`/api/enterprises/${enterpriseId}/reminders`),
  ack: (id: Id) => http.post<Reminder>(`/api/reminders/${id}/ack`),
  deliveries: (q: { channel?: string; status?: string; source_id?: Id; page?: number; page_size?: number }) =>
    http.get<Page<Delivery>>('/api/reminders/deliveries', q),
  /** 重发: queues a failed message again (202; 404 when it is not failed any more). */
  retryDelivery: (id: Id) => http.post<void>(`/api/reminders/deliveries/${id}/retry`),
}

export const inboxApi = {
  list: () => http.get<StaffInbox>('/api/inbox'),
  read: (id: Id) => http.post<void>(`/api/inbox/${id}/read`),
}
