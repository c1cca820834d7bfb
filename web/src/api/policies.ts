// Types and endpoints of the policy library (政策服务): policies with versioned eligibility
// criteria, previews over the caller's enterprises, a policy's matches and an enterprise's policies.
import { download, http } from './http'
import type { Id, ListQuery, Page } from './types'

export type PolicyLevel = 'national' | 'city' | 'district' | 'town'
export const POLICY_LEVELS: PolicyLevel[] = ['national', 'city', 'district', 'town']
export type PolicyStatus = 'draft' | 'published' | 'withdrawn'
export const POLICY_STATUSES: PolicyStatus[] = ['draft', 'published', 'withdrawn']

export type FieldType = 'int' | 'float' | 'bool' | 'enum' | 'date' | 'set'

export interface FieldValue {
  value: string
  label_zh: string
  label_en: string
}

/** One field of the archive a rule can test (GET /api/policies/fields). */
export interface PolicyField {
  name: string
  type: FieldType
  label_zh: string
  label_en: string
  unit_zh: string
  unit_en: string
  values: FieldValue[]
  ops: string[]
}

export type Scalar = string | number | boolean
export type RuleValue = Scalar | Scalar[]

export interface RuleCondition {
  id: string
  field: string
  op: string
  value?: RuleValue
  param?: string
  label?: string
}
export type RuleNode = { all: RuleNode[] } | { any: RuleNode[] } | { not: RuleNode } | RuleCondition
/** Dated thresholds: name → { 'YYYY-MM-DD' (in force from) → value }. */
export type RuleParameters = Record<string, Record<string, RuleValue>>

export interface PolicyRuleVersion {
  rule_version: number
  created_by_name: string | null
  created_at: string
}

export interface Policy {
  id: Id
  title: string
  level: PolicyLevel
  level_name: string
  issuer: string
  document_no: string
  published_on: string | null
  effective_from: string | null
  expires_on: string | null
  summary: string
  body: string
  tags: string[]
  item_id: Id | null
  item_name: string | null
  status: PolicyStatus
  rule_version: number
  version: number
  rule: RuleNode | null
  parameters: RuleParameters | null
  versions: PolicyRuleVersion[]
  created_at?: string
  updated_at?: string
}

export interface PolicyInput {
  title?: string
  level?: PolicyLevel
  issuer?: string
  document_no?: string
  published_on?: string | null
  effective_from?: string | null
  expires_on?: string | null
  summary?: string
  body?: string
  tags?: string[]
  item_id?: Id | null
}

export type Verdict = 'eligible' | 'not_eligible' | 'undetermined'
export type Outcome = 'pass' | 'fail' | 'missing'

export interface ConditionCount {
  id: string
  pass: number
  fail: number
  missing: number
}

export interface ConditionResult {
  id: string
  outcome: Outcome
  /** "有效发明专利 1 件，要求 ≥ 2 件" */
  text: string
  /** "上年营业收入还差 20 万元" */
  gap: string | null
}

/** One policy checked against one enterprise, explained. */
export interface PolicyResult {
  id: string
  title: string
  verdict: Verdict
  near_miss: boolean
  conditions: ConditionResult[]
  missing: string[]
}

export interface VerdictCounts {
  eligible: number
  not_eligible: number
  undetermined: number
  near_miss: number
}

export interface PreviewAnswer extends VerdictCounts {
  enterprises: number
  conditions: ConditionCount[]
  enterprise: PolicyResult | null
}

export interface PreviewInput {
  rule: RuleNode
  parameters?: RuleParameters
  at?: string
  enterprise_id?: Id
}

/** The tabs of a policy's matches: near misses are the not-eligible ones one step away. */
export type MatchFilter = 'eligible' | 'near_miss' | 'undetermined' | 'not_eligible'
export const MATCH_FILTERS: MatchFilter[] = ['eligible', 'near_miss', 'undetermined', 'not_eligible']

export interface MatchRow {
  enterprise_id: Id
  name: string
  uscc: string
  station_name: string | null
  verdict: Verdict
  near_miss: boolean
  reasons: string[]
}

export interface MatchesAnswer extends VerdictCounts, Page<MatchRow> {
  conditions: ConditionCount[]
}

export interface EnterprisePolicy {
  policy_id: Id
  title: string
  level_name: string
  document_no: string
  expires_on: string | null
  item_id: Id | null
  result: PolicyResult
}

export interface RunAnswer {
  policies: number
  enterprises: number
  changed: number
  eval_ms: number
}

type V = { version: number }

export const policiesApi = {
  fields: () => http.get<PolicyField[]>('/api/policies/fields'),
  list: (q?: ListQuery) => http.get<Page<Policy>>('/api/policies', q),
  get: (id: Id) => http.get<Policy>(`/api/policies/${id}`),
  create: (body: PolicyInput) => http.post<Policy>('/api/policies', body),
  update: (id: Id, body: PolicyInput & V) => http.patch<Policy>(`/api/policies/${id}`, body),
  putRule: (id: Id, body: { rule: RuleNode; parameters?: RuleParameters } & V) => http.put<Policy>(`/api/policies/${id}/rule`, body),
  publish: (id: Id, version: number) => http.post<Policy>(`/api/policies/${id}/publish`, { version }),
  withdraw: (id: Id, version: number) => http.post<Policy>(`/api/policies/${id}/withdraw`, { version }),
  preview: (body: PreviewInput, signal?: AbortSignal) => http.post<PreviewAnswer>('/api/policies/preview', body, { signal }),
  matches: (id: Id, q: { verdict?: MatchFilter; page?: number; page_size?: number }) =>
    http.get<MatchesAnswer>(`/api/policies/${id}/matches`, q),
  exportMatches: (id: Id, verdict?: MatchFilter) =>
    download(`/api/policies/${id}/matches/export`, { verdict }, `policy-matches${verdict ? `-${verdict}` : ''}.csv`),
  ofEnterprise: (enterpriseId: Id) => http.get<EnterprisePolicy[]>(`/api/enterprises/${enterpriseId}/policies`),
  run: () => http.post<RunAnswer>('/api/policies/run'),
}
