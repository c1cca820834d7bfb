// Types of the Zhitong HTTP API (docs/api.md and the OpenAPI document).

export interface FieldErrorItem {
  field: string
  code: string
  message: string
}

export interface ApiErrorBody {
  code: string
  message: string
  fields?: FieldErrorItem[]
  params?: Record<string, unknown>
  request_id?: string
}

export interface Page<T> {
  items: T[]
  total: number
  page: number
  page_size: number
}

export interface ListQuery {
  page?: number
  page_size?: number
  q?: string
  sort?: string
  order?: 'asc' | 'desc'
  [key: string]: string | number | undefined | null
}

export interface Meta {
  product: string
  version: string
  demo: boolean
}

export type ScopeKind = 'all' | 'bureau' | 'station' | 'department' | 'none'

export interface Scope {
  kind: ScopeKind
  bureau_id: string | null
  station_id: string | null
  department_id: string | null
}

export type Id = string | number

export interface Me {
  id: Id
  username: string
  display_name: string
  roles: string[]
  permissions: string[]
  scope: Scope
  bureau_id: Id | null
  station_id: Id | null
  department_id: Id | null
  totp_enabled: boolean
  totp_enrollment_required: boolean
  password_change_required: boolean
  last_login_at: string | null
  last_login_ip: string | null
  demo?: boolean
}

export interface TotpSetup {
  secret: string
  otpauth_uri: string
}

export type OrgNodeType = 'region' | 'bureau' | 'station' | 'department'

export interface OrgNode {
  type: OrgNodeType
  id: Id
  name: string
  code?: string
  kind?: string
  children: OrgNode[]
}

interface Versioned {
  id: Id
  version: number
  created_at?: string
  updated_at?: string
}

export interface Region extends Versioned {
  code: string
  name: string
  parent_id: Id | null
}

export interface Bureau extends Versioned {
  region_id: Id
  name: string
  address: string | null
  contact_name: string | null
  contact_phone: string | null
}

export type StationKind = 'park' | 'cluster' | 'carrier' | 'town'
export const STATION_KINDS: StationKind[] = ['park', 'cluster', 'carrier', 'town']

export interface Station extends Versioned {
  bureau_id: Id
  name: string
  kind: StationKind
  address: string | null
  contact_name: string | null
  contact_phone: string | null
  window_count: number
}

export type DepartmentKind = 'section' | 'team'
export const DEPARTMENT_KINDS: DepartmentKind[] = ['section', 'team']

export interface Department extends Versioned {
  bureau_id: Id
  station_id: Id | null
  name: string
  kind: DepartmentKind
  contact_name: string | null
  contact_phone: string | null
}

export type AccountStatus = 'active' | 'disabled'

export interface Account {
  id: Id
  username: string
  display_name: string
  phone: string | null
  email: string | null
  bureau_id: Id | null
  station_id: Id | null
  department_id: Id | null
  roles: string[]
  status: AccountStatus
  locked_until: string | null
  totp_enabled: boolean
  password_change_required: boolean
  last_login_at: string | null
  created_at: string
  version: number
}

export interface Role {
  code: string
  name_zh: string
  name_en: string
  admin: boolean
  permissions: string[]
}

export interface Permission {
  code: string
  name_zh: string
  name_en: string
}

export interface DutyEntry {
  id: Id
  date: string
  window_no: number
  account_id: Id
  account_name: string
  note: string | null
}

export interface DutyWeek {
  station_id: Id
  week_start: string
  window_count: number
  days: string[]
  entries: DutyEntry[]
}

export interface AuditRow {
  seq: number
  at: string
  actor_id: Id | null
  actor_name: string | null
  action: string
  target_type: string | null
  target_id: string | null
  summary: string | null
  detail: unknown
  ip: string | null
  request_id: string | null
  hash: string
}

export interface AuditVerify {
  ok: boolean
  rows_checked: number
  broken_at_seq: number | null
  reason: string | null
}
