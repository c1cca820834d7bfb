// One function per endpoint of the contract.
import { download, http, upload } from './http'
import type {
  Account,
  AuditRow,
  AuditVerify,
  Bureau,
  Certificate,
  Contact,
  Enterprise,
  EnterpriseInput,
  EnterpriseSummary,
  GradeChange,
  GradeDef,
  ImportMode,
  ImportResult,
  IpAsset,
  Job,
  LabelDef,
  LabelPeriod,
  TimelineEntry,
  Unmasked,
  YearFigures,
  FigureValues,
  Department,
  DutyEntry,
  DutyWeek,
  Id,
  ListQuery,
  Me,
  Meta,
  OrgNode,
  Page,
  Permission,
  Region,
  Role,
  Station,
  TotpSetup,
} from './types'
import { calendarApi, catalogApi, requestsApi } from './requests'
import { attachmentsApi, portalAccountsApi, portalApi } from './portal'
import { policiesApi } from './policies'
import { adminApi, noticesApi, portalExtraApi, pushApi } from './admin'
import { inboxApi, remindersApi } from './reminders'
import { dictsApi } from './dicts'

export * from './types'
export * from './requests'
export * from './portal'
export * from './policies'
export * from './admin'
export * from './reminders'
export * from './dicts'
export { ApiError } from './http'

type Create<T> = Omit<Partial<T>, 'id' | 'version' | 'created_at' | 'updated_at'>
type Patch<T> = Create<T> & { version: number }

function crud<T>(base: string) {
  return {
    list: (q?: ListQuery) => http.get<Page<T>>(base, q),
    get: (id: Id) => http.get<T>(`${base}/${id}`),
    create: (body: Create<T>) => http.post<T>(base, body),
    update: (id: Id, body: Patch<T>) => http.patch<T>(`${base}/${id}`, body),
    remove: (id: Id) => http.del(`${base}/${id}`),
  }
}

export const api = {
  meta: () => http.get<Meta>('/api/meta', undefined, { quiet401: true }),
  login: (body: { username: string; password: string; totp?: string }) =>
    http.post<Me>('/api/auth/login', body, { quiet401: true }),
  logout: () => http.post<void>('/api/auth/logout', undefined, { quiet401: true }),
  me: (quiet = false) => http.get<Me>('/api/me', undefined, { quiet401: quiet }),
  changePassword: (body: { current_password: string; new_password: string }) =>
    http.post<void>('/api/me/password', body),
  totpSetup: () => http.post<TotpSetup>('/api/me/totp/setup'),
  totpEnable: (code: string) => http.post<void>('/api/me/totp/enable', { code }),

  orgTree: () => http.get<OrgNode[]>('/api/org/tree'),
  regions: crud<Region>('/api/regions'),
  bureaus: crud<Bureau>('/api/bureaus'),
  stations: crud<Station>('/api/stations'),
  departments: crud<Department>('/api/departments'),

  accounts: {
    ...crud<Account>('/api/accounts'),
    create: (body: Create<Account> & { password: string }) => http.post<Account>('/api/accounts', body),
    disable: (id: Id) => http.post<Account>(`/api/accounts/${id}/disable`),
    enable: (id: Id) => http.post<Account>(`/api/accounts/${id}/enable`),
    unlock: (id: Id) => http.post<Account>(`/api/accounts/${id}/unlock`),
    resetPassword: (id: Id, password: string) => http.post<void>(`/api/accounts/${id}/reset-password`, { password }),
    setRoles: (id: Id, roles: string[]) => http.put<Account>(`/api/accounts/${id}/roles`, { roles }),
  },
  roles: () => http.get<Role[]>('/api/roles'),
  permissions: () => http.get<Permission[]>('/api/permissions'),
  setRolePermissions: (code: string, permissions: string[]) =>
    http.put<Role>(`/api/roles/${code}/permissions`, { permissions }),

  duty: (stationId: Id, weekStart: string) =>
    http.get<DutyWeek>(`/api/stations/${stationId}/duty`, { week_start: weekStart }),
  assignDuty: (stationId: Id, body: { date: string; window_no: number; account_id: Id; note?: string }) =>
    http.post<DutyEntry>(`/api/stations/${stationId}/duty`, body),
  clearDuty: (id: Id) => http.del(`/api/duty/${id}`),

  enterprises: {
    list: (q?: ListQuery) => http.get<Page<EnterpriseSummary>>('/api/enterprises', q),
    get: (id: Id) => http.get<Enterprise>(`/api/enterprises/${id}`),
    byUscc: (uscc: string) => http.get<Enterprise>(`/api/enterprises/by-uscc/${encodeURIComponent(uscc)}`),
    create: (body: EnterpriseInput) => http.post<Enterprise>('/api/enterprises', body),
    update: (id: Id, body: EnterpriseInput & { version: number }) => http.patch<Enterprise>(`/api/enterprises/${id}`, body),
    unmask: (id: Id) => http.post<Unmasked>(`/api/enterprises/${id}/unmask`),
    labels: (id: Id) => http.get<LabelPeriod[]>(`/api/enterprises/${id}/labels`),
    addLabel: (id: Id, body: { label: string; valid_from: string; valid_to?: string | null; note?: string | null }) =>
      http.post<LabelPeriod>(`/api/enterprises/${id}/labels`, body),
    updateLabel: (periodId: Id, body: { valid_to: string | null; note?: string | null; version?: number }) =>
      http.patch<LabelPeriod>(`/api/enterprise-labels/${periodId}`, body),
    grades: (id: Id) => http.get<GradeChange[]>(`/api/enterprises/${id}/grades`),
    changeGrade: (id: Id, body: { grade: string; effective_on: string; reason: string }) =>
      http.post<GradeChange>(`/api/enterprises/${id}/grades`, body),
    contacts: (id: Id) => http.get<Contact[]>(`/api/enterprises/${id}/contacts`),
    addContact: (id: Id, body: Create<Contact>) => http.post<Contact>(`/api/enterprises/${id}/contacts`, body),
    updateContact: (cid: Id, body: Patch<Contact>) => http.patch<Contact>(`/api/enterprise-contacts/${cid}`, body),
    removeContact: (cid: Id) => http.del(`/api/enterprise-contacts/${cid}`),
    certificates: (id: Id) => http.get<Certificate[]>(`/api/enterprises/${id}/certificates`),
    addCertificate: (id: Id, body: Create<Certificate>) => http.post<Certificate>(`/api/enterprises/${id}/certificates`, body),
    updateCertificate: (cid: Id, body: Patch<Certificate>) => http.patch<Certificate>(`/api/certificates/${cid}`, body),
    removeCertificate: (cid: Id) => http.del(`/api/certificates/${cid}`),
    ipAssets: (id: Id) => http.get<IpAsset[]>(`/api/enterprises/${id}/ip-assets`),
    addIpAsset: (id: Id, body: Create<IpAsset>) => http.post<IpAsset>(`/api/enterprises/${id}/ip-assets`, body),
    updateIpAsset: (aid: Id, body: Patch<IpAsset>) => http.patch<IpAsset>(`/api/ip-assets/${aid}`, body),
    removeIpAsset: (aid: Id) => http.del(`/api/ip-assets/${aid}`),
    figures: (id: Id) => http.get<YearFigures[]>(`/api/enterprises/${id}/figures`),
    putFigures: (id: Id, year: number, body: Partial<FigureValues>) => http.put<YearFigures[]>(`/api/enterprises/${id}/figures/${year}`, body),
    timeline: (id: Id, q: ListQuery) => http.get<Page<TimelineEntry>>(`/api/enterprises/${id}/timeline`, q),
    template: () => download('/api/enterprises/import/template', undefined, 'enterprise-import-template.xlsx'),
    import: (file: File, mode: ImportMode) => {
      const form = new FormData()
      form.append('file', file, file.name)
      return upload<{ job_id: Id }>('/api/enterprises/import', form, { mode })
    },
    export: (q: ListQuery, format: 'xlsx' | 'csv') => download('/api/enterprises/export', { ...q, format }, `enterprises.${format}`),
  },
  labels: () => http.get<LabelDef[]>('/api/labels'),
  createLabel: (body: { code: string; name_zh: string; name_en?: string | null }) => http.post<LabelDef>('/api/labels', body),
  grades: () => http.get<GradeDef[]>('/api/grades'),
  job: <R = ImportResult>(id: Id) => http.get<Job<R>>(`/api/jobs/${id}`),
  jobErrors: (id: Id) => download(`/api/jobs/${id}/errors.xlsx`, undefined, `import-errors-${id}.xlsx`),

  calendar: calendarApi,
  catalog: catalogApi,
  requests: requestsApi,
  portal: portalApi,
  attachments: attachmentsApi,
  portalAccounts: portalAccountsApi,
  policies: policiesApi,
  admin: adminApi,
  notices: noticesApi,
  portalExtra: portalExtraApi,
  push: pushApi,
  reminders: remindersApi,
  inbox: inboxApi,
  dicts: dictsApi,

  audit: (q: ListQuery) => http.get<Page<AuditRow>>('/api/audit', q),
  auditVerify: () => http.get<AuditVerify>('/api/audit/verify'),
}
