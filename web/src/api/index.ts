// One function per endpoint of the contract.
import { http } from './http'
import type {
  Account,
  AuditRow,
  AuditVerify,
  Bureau,
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

export * from './types'
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

  audit: (q: ListQuery) => http.get<Page<AuditRow>>('/api/audit', q),
  auditVerify: () => http.get<AuditVerify>('/api/audit/verify'),
}
