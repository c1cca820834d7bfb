// The enterprise portal (线上办事): the service guide of the enterprise's station, online
// requests (网上申报) with their materials, and the portal accounts staff open for enterprises.
import { download, http, upload } from './http'
import type { CatalogItem, RequestSummary } from './requests'
import type { Id, ListQuery, Page } from './types'

/** The enterprise a portal account acts for, and its service station. */
export interface PortalMe {
  enterprise_id: Id
  enterprise_name: string
  uscc: string
  station_id: Id
  station_name: string
  station_address: string
  station_phone: string
  display_name: string
}

/** A material attached to a request (`entry_key` = the slip entry it answers; empty: other). */
export interface Attachment {
  id: Id
  request_id?: Id
  entry_key: string
  file_name: string
  content_type: string
  size: number
  sha256: string
  uploaded_by?: Id | null
  uploaded_by_name: string
  created_at: string
}

export interface OnlineRequestInput {
  item_id: Id
  slip_version: number
  applicant_name?: string
  applicant_phone?: string
  note?: string
}

export type PortalAccountStatus = 'active' | 'disabled'

export interface PortalAccount {
  id: Id
  username: string
  display_name: string
  /** Masked (138****5678). */
  phone: string | null
  status: PortalAccountStatus
  password_change_required: boolean
  last_login_at: string | null
  created_at: string
}

export interface PortalAccountInput {
  username: string
  display_name: string
  phone: string
  password: string
}

export const attachmentUrl = (requestId: Id, attachmentId: Id) => `/api/requests/${requestId}/attachments/${attachmentId}`

export const portalApi = {
  me: () => http.get<PortalMe>('/api/portal/me'),
  items: (q?: ListQuery) => http.get<Page<CatalogItem>>('/api/portal/items', q),
  item: (id: Id) => http.get<CatalogItem>(`/api/portal/items/${id}`),
  submit: (body: OnlineRequestInput) => http.post<RequestSummary>('/api/portal/requests', body),
}

export const attachmentsApi = {
  /** Attaches a file to a request, answering one slip entry (or none). */
  upload: (requestId: Id, file: File, entryKey?: string | null) => {
    const form = new FormData()
    if (entryKey) form.append('entry_key', entryKey)
    form.append('file', file, file.name)
    return upload<Attachment>(`/api/requests/${requestId}/attachments`, form)
  },
  url: attachmentUrl,
  download: (requestId: Id, a: Pick<Attachment, 'id' | 'file_name'>) => download(attachmentUrl(requestId, a.id), undefined, a.file_name),
}

export const portalAccountsApi = {
  list: (enterpriseId: Id) => http.get<PortalAccount[]>(`/api/enterprises/${enterpriseId}/portal-accounts`),
  open: (enterpriseId: Id, body: PortalAccountInput) => http.post<PortalAccount>(`/api/enterprises/${enterpriseId}/portal-accounts`, body),
  disable: (enterpriseId: Id, accountId: Id) => http.post<PortalAccount>(`/api/enterprises/${enterpriseId}/portal-accounts/${accountId}/disable`),
  enable: (enterpriseId: Id, accountId: Id) => http.post<PortalAccount>(`/api/enterprises/${enterpriseId}/portal-accounts/${accountId}/enable`),
}
