// Types and endpoints of the admin console (sessions, service status, jobs, parameters),
// notices (通知公告), the enterprise inbox, policy pushes and the newsletter (政策服务专递).
import { http } from './http'
import type { Id, ListQuery, Page } from './types'
import type { EnterprisePolicy } from './policies'
import type { Reminder } from './reminders'

export interface OnlineSession {
  id: string
  account_id: Id
  username: string
  display_name: string
  created_at: string
  last_seen_at: string
  expires_at: string
  ip: string | null
  user_agent: string | null
  current: boolean
}

export type StatusWarning = 'disk.low' | 'jobs.stuck' | 'jobs.failed' | 'http.errors'

/** Requests and latencies of this instance over the last 15 minutes (in memory, per process). */
export interface Traffic {
  /** Requests answered in the last full minute. */
  last_minute: number
  /** Requests per minute over the last 15 minutes. */
  per_minute_15: number
  /** Share of 5xx answers over the last 15 minutes (0–1). */
  error_rate_15: number
  /** Latency percentiles in ms: the upper bound of the histogram bin; null without requests. */
  p50_ms: number | null
  p95_ms: number | null
  p99_ms: number | null
}

export interface SystemStatus {
  version: string
  uptime_seconds: number
  backend: string
  database_bytes: number | null
  migrations: { version: number; description: string }[]
  jobs: [string, number][]
  oldest_due_job: string | null
  sessions_online: number
  disk_free_bytes: number | null
  disk_total_bytes: number | null
  /** Absent from servers older than the traffic counters. */
  traffic?: Traffic | null
  warnings: string[]
}

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'paused'
export const JOB_STATES: JobState[] = ['queued', 'running', 'done', 'failed', 'paused']
export const JOB_KINDS = ['enterprise.import', 'policy.match_all', 'policy.push', 'newsletter.send'] as const

export interface JobRow {
  id: Id
  kind: string
  status: JobState
  error: string | null
  progress: number
  total: number | null
  attempts: number
  run_at: string | null
  created_at: string
  updated_at: string
}

export type ParamGroup = 'request' | 'data' | 'security' | 'notify'
export const PARAM_GROUPS: ParamGroup[] = ['request', 'data', 'security', 'notify']
export type ParamKind = 'int' | 'text' | 'secret' | 'hours' | 'url' | 'email'

export interface Parameter {
  key: string
  group: ParamGroup
  label_zh: string
  label_en: string
  kind: ParamKind
  min: number | null
  max: number | null
  floor: string | null
  default: string
  value: string | null
  set: boolean
}

export type NoticeAudience = 'staff' | 'portal' | 'all'
export const NOTICE_AUDIENCES: NoticeAudience[] = ['staff', 'portal', 'all']
export type NoticeStatus = 'draft' | 'published' | 'withdrawn'

export interface ManagedNotice {
  id: Id
  title: string
  body: string
  audience: NoticeAudience
  roles: string[]
  station_id: Id | null
  publish_from: string | null
  publish_to: string | null
  status: NoticeStatus
  pinned: boolean
  created_by_name: string | null
  version: number
  read_count: number
}

export interface NoticeInput {
  title: string
  body: string
  audience: NoticeAudience
  roles: string[]
  station_id: Id | null
  publish_from: string | null
  publish_to: string | null
  pinned: boolean
}

export interface MyNotice {
  id: Id
  title: string
  body: string
  pinned: boolean
  publish_from: string | null
  read: boolean
}

export interface NoticeReceipt {
  username: string
  display_name: string
  read_at: string
}

export interface InboxMessage {
  id: Id
  /** `reminder`: an alarm-clock reminder (ref_type 'reminder', ref_id = the reminder), acknowledged with 已处理. */
  kind: 'policy_push' | 'newsletter' | 'reminder'
  title: string
  body: string
  ref_type: string | null
  ref_id: Id | null
  created_at: string
  read_at: string | null
  /** For kind 'reminder': whether it has been marked 已处理 (filled in from /api/portal/reminders). */
  acknowledged?: boolean
}

export type NewsletterItem = { kind: 'policy' | 'news'; policy_id?: Id | null; title: string; body: string }

export interface PortalNewsletter {
  id: Id
  issue_no: string
  title: string
  sent_at: string | null
  intro: string
  items: NewsletterItem[]
}

export interface NewsletterAudience {
  station_id: Id | null
  label: string | null
  industry: string | null
}

export type NewsletterStatus = 'draft' | 'sending' | 'sent'

export interface Newsletter {
  id: Id
  issue_no: string
  title: string
  intro: string
  items: NewsletterItem[]
  audience: NewsletterAudience
  status: NewsletterStatus
  sent: number
  read: number
  version: number
  sent_at: string | null
}

export interface NewsletterInput {
  issue_no: string
  title: string
  intro: string
  items: NewsletterItem[]
  audience: NewsletterAudience
}

export type PushTarget = 'eligible' | 'eligible_and_near'
/** Channels a push may add to the portal inbox (which it always uses): to the enterprises' contacts. */
export type PushChannel = 'email' | 'webhook'
export const PUSH_CHANNELS: PushChannel[] = ['email', 'webhook']

/** How many of a push's e-mail / webhook messages are in one state (queued, sending, sent, failed). */
export interface OutboxCount {
  channel: string
  status: string
  count: number
}

export interface PushInput {
  target: PushTarget
  message: string
  /** Besides the portal inbox (always). */
  channels?: PushChannel[]
}

export interface PolicyPush {
  id: Id
  target: PushTarget
  message: string
  status: 'queued' | 'done'
  created_by_name: string | null
  created_at: string
  finished_at: string | null
  /** Portal inbox deliveries. */
  sent: number
  failed: number
  read: number
  /** The channels used, the portal inbox first ("inbox", "email", "webhook"). */
  channels?: string[]
  /** The e-mail and webhook messages to the contacts, counted by channel and state. */
  outbox?: OutboxCount[]
}

export interface PushDelivery {
  enterprise_id: Id
  enterprise_name: string
  uscc: string
  channel: string
  status: 'sent' | 'failed' | 'read'
  error: string | null
  sent_at: string | null
  read_at: string | null
}

export const adminApi = {
  sessions: (q?: string) => http.get<OnlineSession[]>('/api/sessions', { q }),
  endSession: (id: string) => http.del(`/api/sessions/${encodeURIComponent(id)}`),
  endSessions: (accountId?: Id) =>
    http.post<{ sessions: number }>('/api/sessions/end', accountId !== undefined ? { account_id: accountId } : {}),
  status: () => http.get<SystemStatus>('/api/system/status'),
  jobs: (q: ListQuery & { status?: string; kind?: string }) => http.get<Page<JobRow>>('/api/jobs', q),
  pauseJob: (id: Id) => http.post<JobRow>(`/api/jobs/${id}/pause`),
  resumeJob: (id: Id) => http.post<JobRow>(`/api/jobs/${id}/resume`),
  retryJob: (id: Id) => http.post<JobRow>(`/api/jobs/${id}/retry`),
  parameters: () => http.get<Parameter[]>('/api/parameters'),
  setParameter: (key: string, value: string) => http.put<Parameter>(`/api/parameters/${encodeURIComponent(key)}`, { value }),
}

export const noticesApi = {
  mine: () => http.get<MyNotice[]>('/api/notices'),
  read: (id: Id) => http.post<void>(`/api/notices/${id}/read`),
  manage: () => http.get<ManagedNotice[]>('/api/notices/manage'),
  create: (body: NoticeInput) => http.post<ManagedNotice>('/api/notices', body),
  update: (id: Id, body: NoticeInput & { version: number }) => http.patch<ManagedNotice>(`/api/notices/${id}`, body),
  publish: (id: Id, version: number) => http.post<ManagedNotice>(`/api/notices/${id}/publish`, { version }),
  withdraw: (id: Id, version: number) => http.post<ManagedNotice>(`/api/notices/${id}/withdraw`, { version }),
  receipts: (id: Id) => http.get<NoticeReceipt[]>(`/api/notices/${id}/receipts`),
}

export const portalExtraApi = {
  inbox: () => http.get<InboxMessage[]>('/api/portal/inbox'),
  readInbox: (id: Id) => http.post<void>(`/api/portal/inbox/${id}/read`),
  /** The enterprise's reminders with their status (to tell which reminder messages are handled). */
  reminders: () => http.get<Reminder[]>('/api/portal/reminders'),
  /** 已处理 of a reminder the enterprise was sent. */
  ackReminder: (reminderId: Id) => http.post<void>(`/api/portal/reminders/${reminderId}/ack`),
  policies: () => http.get<EnterprisePolicy[]>('/api/portal/policies'),
  newsletters: () => http.get<PortalNewsletter[]>('/api/portal/newsletters'),
}

export const pushApi = {
  push: (policyId: Id, body: PushInput) => http.post<PolicyPush>(`/api/policies/${policyId}/push`, body),
  pushes: (policyId: Id) => http.get<PolicyPush[]>(`/api/policies/${policyId}/pushes`),
  deliveries: (pushId: Id) => http.get<PushDelivery[]>(`/api/pushes/${pushId}/deliveries`),
  newsletters: () => http.get<Newsletter[]>('/api/newsletters'),
  createNewsletter: (body: NewsletterInput) => http.post<Newsletter>('/api/newsletters', body),
  updateNewsletter: (id: Id, body: NewsletterInput & { version: number }) => http.patch<Newsletter>(`/api/newsletters/${id}`, body),
  sendNewsletter: (id: Id, version: number) => http.post<unknown>(`/api/newsletters/${id}/send`, { version }),
}
