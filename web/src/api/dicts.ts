// 字典管理: the dictionaries (enumerations an administrator may extend) and their entries.
// Any signed-in staff member reads them; adding and changing entries needs dict.manage. An entry
// is never deleted: it is disabled, and old records keep showing its name.
import { http } from './http'

/** The dictionaries the server knows (GET /api/dicts lists them with names and counts). */
export type DictCode =
  | 'enterprise_label'
  | 'grade'
  | 'catalog_category'
  | 'certificate_type'
  | 'industry'
  | 'need_category'
  | 'event_kind'
  | 'capability_tag'
  | 'circle_layer'

/** An entry's colour: an Element Plus el-tag type, or '' for the default look. */
export type TagColor = '' | 'primary' | 'success' | 'info' | 'warning' | 'danger'
export const TAG_COLORS: TagColor[] = ['', 'primary', 'success', 'info', 'warning', 'danger']

export interface DictInfo {
  code: DictCode | string
  name_zh: string
  name_en: string
  /** Where the dictionary is used, for the administrator. */
  used_by_zh: string
  used_by_en: string
  /** How many entries it has, and how many of them are enabled. */
  entries: number
  enabled: number
}

export interface DictEntry {
  /** Stable once made: letters, digits and `_`, at most 32. */
  code: string
  name_zh: string
  name_en: string
  builtin: boolean
  sort_order: number
  color: TagColor | string
  enabled: boolean
  version: number
}

export interface DictEntryInput {
  name_zh: string
  name_en?: string | null
  sort_order?: number | null
  color?: TagColor
  enabled?: boolean
}

export const dictsApi = {
  list: () => http.get<DictInfo[]>('/api/dicts'),
  /** The entries in display order, disabled ones included. */
  entries: (dict: string) => http.get<DictEntry[]>(`/api/dicts/${encodeURIComponent(dict)}`),
  create: (dict: string, body: DictEntryInput & { code: string }) => http.post<DictEntry>(`/api/dicts/${encodeURIComponent(dict)}/entries`, body),
  update: (dict: string, code: string, body: DictEntryInput & { version: number }) =>
    http.put<DictEntry>(`/api/dicts/${encodeURIComponent(dict)}/entries/${encodeURIComponent(code)}`, body),
}
