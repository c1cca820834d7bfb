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
  /** True when the server stopped counting at `total` (shown as "1,000+"). */
  total_capped?: boolean
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

// ---- Enterprise growth archive (一企一档) ----

export type EnterpriseSize = 'above' | 'below'
export const ENTERPRISE_SIZES: EnterpriseSize[] = ['above', 'below']
export type EnterpriseStage = 'startup' | 'growth' | 'mature'
export const ENTERPRISE_STAGES: EnterpriseStage[] = ['startup', 'growth', 'mature']

export interface EnterpriseSummary {
  id: Id
  uscc: string
  name: string
  station_id: Id | null
  station_name: string | null
  industry_code: string | null
  industry_name: string | null
  size: EnterpriseSize
  stage: EnterpriseStage
  grade: string | null
  labels: string[]
  expiring_certificates: number
  registered_on: string | null
  updated_at: string
}

export interface FormerName {
  name: string
  until: string | null
}

export interface Enterprise extends EnterpriseSummary {
  former_names: FormerName[]
  registered_address: string | null
  operating_address: string | null
  cluster: string | null
  upgrade_potential: boolean
  legal_rep_name: string | null
  /** Masked (110105********002X) or null. */
  legal_rep_id_number: string | null
  /** Masked (138****5678) or null. */
  legal_rep_phone: string | null
  version: number
  created_at: string
}

export interface EnterpriseInput {
  uscc?: string
  name?: string
  registered_on?: string | null
  registered_address?: string | null
  operating_address?: string | null
  station_id?: Id | null
  cluster?: string | null
  industry_code?: string | null
  industry_name?: string | null
  size?: EnterpriseSize
  upgrade_potential?: boolean
  stage?: EnterpriseStage
  legal_rep_name?: string | null
  legal_rep_id_number?: string | null
  legal_rep_phone?: string | null
}

export interface Unmasked {
  legal_rep_id_number: string | null
  legal_rep_phone: string | null
  contacts: { id: Id; phone: string | null }[]
}

/** An entry of the enterprise_label dictionary (GET /api/labels). */
export interface LabelDef {
  code: string
  name_zh: string
  name_en: string
  builtin: boolean
  sort_order?: number
  /** An el-tag type, or '' for the default look. */
  color?: string
  /** Disabled labels are no longer offered; records that carry one still show its name. */
  enabled?: boolean
  version?: number
}

/** An entry of the grade dictionary (GET /api/grades). */
export interface GradeDef {
  code: string
  name_zh: string
  name_en: string
  /** Disabled grades are no longer offered; the grade history still shows their names. */
  enabled?: boolean
  /** The tag colour 字典管理 gives it (not in /api/grades: taken from /api/dicts/grade). */
  color?: string
}

export interface LabelPeriod {
  id: Id
  label: string
  valid_from: string
  valid_to: string | null
  note: string | null
  version?: number
}

export interface GradeChange {
  id: Id
  grade: string
  effective_on: string
  reason: string
  actor_name: string | null
  created_at: string
}

export type ContactRole = 'liaison' | 'policy_expert' | 'cqo' | 'other'
export const CONTACT_ROLES: ContactRole[] = ['liaison', 'policy_expert', 'cqo', 'other']

export interface Contact {
  id: Id
  role: ContactRole
  name: string
  position: string | null
  /** Masked. */
  phone: string | null
  email: string | null
  note: string | null
  version: number
}

export interface Certificate {
  id: Id
  kind: string
  name: string
  number: string | null
  issuer: string | null
  issued_on: string | null
  expires_on: string | null
  version: number
}

export type IpKind = 'invention' | 'utility_model' | 'design' | 'trademark' | 'software'
export const IP_KINDS: IpKind[] = ['invention', 'utility_model', 'design', 'trademark', 'software']
export type IpStatus = 'pending' | 'granted' | 'expired' | 'transferred'
export const IP_STATUSES: IpStatus[] = ['pending', 'granted', 'expired', 'transferred']

export interface IpAsset {
  id: Id
  kind: IpKind
  number: string | null
  title: string
  filed_on: string | null
  granted_on: string | null
  status: IpStatus
  version: number
}

export const FIGURE_FIELDS = ['revenue', 'rd_spend', 'employees', 'tax_paid', 'output_value'] as const
export type FigureField = (typeof FIGURE_FIELDS)[number]

export type FigureValues = Record<FigureField, number | null>

export interface YearFigures extends FigureValues {
  year: number
  /** Ratio against the previous year (0.125 = +12.5 %), null when there is nothing to compare. */
  growth: Record<FigureField, number | null>
}

export interface TimelineEntry {
  id: Id
  at: string
  kind: string
  summary: string
  actor_name: string | null
  ref_type: string | null
  ref_id: string | null
}

export type ImportMode = 'dry_run' | 'all_or_nothing' | 'valid_only'
export const IMPORT_MODES: ImportMode[] = ['dry_run', 'all_or_nothing', 'valid_only']

export interface ImportRowError {
  row: number
  column: string | null
  code: string
  message: string
}

export interface ImportResult {
  mode?: ImportMode
  rows: number
  valid: number
  invalid: number
  written: number
  /** Of the written: new enterprises and updated ones (upsert by USCC). */
  created?: number
  updated?: number
  /** Rows of enterprises on file that change nothing (not written). */
  unchanged?: number
  errors: ImportRowError[]
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed'

export interface Job<R = unknown> {
  id: Id
  kind: string
  status: JobStatus
  progress: number
  total: number | null
  result: R | null
  error?: string | null
}
