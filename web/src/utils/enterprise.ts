// Helpers of the enterprise archive screens: money and growth as people read them, the list
// filters as an API query and as a URL query, masked personal data, certificate expiry, and the
// quick USCC checks the form runs before the server does the full GB 32100 one.
import type { EnterpriseSize, EnterpriseStage, ListQuery } from '@/api/types'
import { addDays } from './datetime'

export interface CertificateKindOption {
  /** What a certificate record stores: the entry's Chinese name. */
  value: string
  /** The English name, shown beside it in the English UI ('' for a free-text kind). */
  name_en: string
}

/**
 * The certificate kinds offered for picking (the kind is free text on the server): the enabled
 * entries of the certificate_type dictionary (字典管理) by their Chinese name, which is what the
 * records and the reminder rules store, plus `current` (the value being edited) when it is not
 * among them, first.
 */
export function certificateKinds(
  entries: readonly { name_zh: string; name_en: string; enabled?: boolean }[],
  current?: string | null,
): CertificateKindOption[] {
  const out: CertificateKindOption[] = []
  const seen = new Set<string>()
  for (const e of entries) {
    if (e.enabled === false || seen.has(e.name_zh)) continue
    seen.add(e.name_zh)
    out.push({ value: e.name_zh, name_en: e.name_en })
  }
  const cur = (current ?? '').trim()
  if (cur && !seen.has(cur)) {
    const known = entries.find((e) => e.name_zh === cur)
    out.unshift({ value: cur, name_en: known?.name_en ?? '' })
  }
  return out
}

// ---- money (integers in yuan in the API) ----

const zhWan = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
const enYuan = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** zh-CN: "1,234.56 万元" (from 12,345,600 yuan); en: "¥12,345,600". Null → "—". */
export function formatMoney(yuan: number | null | undefined, locale: string, withUnit = true): string {
  if (yuan === null || yuan === undefined || Number.isNaN(yuan)) return '—'
  if (locale === 'en') return withUnit ? `${yuan < 0 ? '-' : ''}¥${enYuan.format(Math.abs(yuan))}` : enYuan.format(yuan)
  const s = zhWan.format(yuan / 10_000)
  return withUnit ? `${s} 万元` : s
}

/** The unit money inputs use: 万元 in Chinese, yuan in English. */
export function moneyInputUnit(locale: string): 'wan' | 'yuan' {
  return locale === 'en' ? 'yuan' : 'wan'
}

/** A value typed in the input unit → integer yuan for the API. */
export function toYuan(v: number | null | undefined, locale: string): number | null {
  if (v === null || v === undefined || Number.isNaN(v)) return null
  return moneyInputUnit(locale) === 'wan' ? Math.round(v * 10_000) : Math.round(v)
}

/** Integer yuan from the API → the value shown in the input. */
export function fromYuan(yuan: number | null | undefined, locale: string): number | null {
  if (yuan === null || yuan === undefined) return null
  return moneyInputUnit(locale) === 'wan' ? Math.round(yuan / 100) / 100 : yuan
}

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
export function formatInt(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—'
  return intFmt.format(n)
}

// ---- year-on-year growth ----

/** The growth as the percentage shown, one decimal; null when there is none. */
function growthPct(ratio: number | null | undefined): number | null {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return null
  return Math.round(ratio * 1000) / 10
}

/** 0.125 → "+12.5%", -0.032 → "-3.2%", 0 → "0.0%", null → "—". */
export function formatGrowth(ratio: number | null | undefined): string {
  const pct = growthPct(ratio)
  if (pct === null) return '—'
  if (pct === 0) return '0.0%'
  return `${pct > 0 ? '+' : '-'}${Math.abs(pct).toFixed(1)}%`
}

export type GrowthDirection = 'up' | 'down' | 'flat' | 'none'

/** Up, down, flat (shown as 0.0%) or none (no previous year): the way the percentage reads. */
export function growthDirection(ratio: number | null | undefined): GrowthDirection {
  const pct = growthPct(ratio)
  if (pct === null) return 'none'
  return pct > 0 ? 'up' : pct < 0 ? 'down' : 'flat'
}

export const GROWTH_RED = '#e03a3a'
export const GROWTH_GREEN = '#18a058'
export const GROWTH_GREY = '#909399'

/**
 * The colour of a year-on-year figure. Chinese statistics and finance read red as a rise and
 * green as a fall (红涨绿跌); English readers expect green up, red down. Flat and missing are grey.
 */
export function growthColor(ratio: number | null | undefined, locale: string): string {
  const d = growthDirection(ratio)
  if (d === 'flat' || d === 'none') return GROWTH_GREY
  const up = d === 'up'
  if (locale === 'en') return up ? GROWTH_GREEN : GROWTH_RED
  return up ? GROWTH_RED : GROWTH_GREEN
}

// ---- list filters ----

export interface EnterpriseFilters {
  q: string
  station_id: string
  industry: string
  size: '' | EnterpriseSize
  stage: '' | EnterpriseStage
  label: string
  grade: string
  /** YYYY-MM-DD: the grade that held on this date. */
  as_of: string
  /** Has a certificate expiring within 90 days. */
  expiring: boolean
}

export interface ListSort {
  sort: '' | 'name' | 'registered_on' | 'updated_at'
  order: '' | 'asc' | 'desc'
}

export const EXPIRING_DAYS = 90

export function emptyFilters(): EnterpriseFilters {
  return { q: '', station_id: '', industry: '', size: '', stage: '', label: '', grade: '', as_of: '', expiring: false }
}

/** The filters (and sort) as the query of GET /api/enterprises and of the export: blanks left out. */
export function filtersToQuery(f: EnterpriseFilters, s?: ListSort): ListQuery {
  const q: ListQuery = {}
  const text = f.q.trim()
  if (text) q.q = text
  if (f.station_id) q.station_id = f.station_id
  const industry = f.industry.trim().toUpperCase()
  if (industry) q.industry = industry
  if (f.size) q.size = f.size
  if (f.stage) q.stage = f.stage
  if (f.label) q.label = f.label
  if (f.grade) q.grade = f.grade
  if (f.as_of) q.as_of = f.as_of
  if (f.expiring) q.expiring = 'true'
  if (s?.sort) {
    q.sort = s.sort
    q.order = s.order || 'asc'
  }
  return q
}

/** Filters, sort and page as the URL query of the list (so that Back returns to the same list). */
export function stateToRoute(f: EnterpriseFilters, s: ListSort, page: number, pageSize: number): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(filtersToQuery(f, s))) if (v !== undefined && v !== null) out[k] = String(v)
  if (out.expiring) out.expiring = '1'
  if (page > 1) out.page = String(page)
  if (pageSize !== 20) out.page_size = String(pageSize)
  return out
}

const SIZES = ['above', 'below']
const STAGES = ['startup', 'growth', 'mature']
const SORTS = ['name', 'registered_on', 'updated_at']

export function routeToState(query: Record<string, unknown>): { filters: EnterpriseFilters; sort: ListSort; page: number; pageSize: number } {
  const str = (k: string) => {
    const v = query[k]
    const s = Array.isArray(v) ? v[0] : v
    return typeof s === 'string' ? s : ''
  }
  const f = emptyFilters()
  f.q = str('q')
  f.station_id = str('station_id')
  f.industry = str('industry')
  f.size = SIZES.includes(str('size')) ? (str('size') as EnterpriseSize) : ''
  f.stage = STAGES.includes(str('stage')) ? (str('stage') as EnterpriseStage) : ''
  f.label = str('label')
  f.grade = str('grade')
  f.as_of = /^\d{4}-\d{2}-\d{2}$/.test(str('as_of')) ? str('as_of') : ''
  f.expiring = str('expiring') !== '' && str('expiring') !== '0'
  const sort: ListSort = { sort: '', order: '' }
  if (SORTS.includes(str('sort'))) {
    sort.sort = str('sort') as ListSort['sort']
    sort.order = str('order') === 'desc' ? 'desc' : 'asc'
  }
  const page = Math.max(1, Number.parseInt(str('page'), 10) || 1)
  const pageSize = [20, 50, 100].includes(Number(str('page_size'))) ? Number(str('page_size')) : 20
  return { filters: f, sort, page, pageSize }
}

/** Element Plus sort-change → API sort. */
export function tableSort(prop: string | null | undefined, order: 'ascending' | 'descending' | null | undefined): ListSort {
  if (!prop || !order || !SORTS.includes(prop)) return { sort: '', order: '' }
  return { sort: prop as ListSort['sort'], order: order === 'descending' ? 'desc' : 'asc' }
}

// ---- personal data ----

/** True when the value is the server's masked form (138****5678, 110105********002X). */
export function isMasked(v: string | null | undefined): boolean {
  return typeof v === 'string' && v.includes('*')
}

/** What to show for a personal field: the unmasked value once fetched, else the masked one. */
export function piText(masked: string | null | undefined, unmasked?: string | null): string {
  if (unmasked) return unmasked
  if (masked) return masked
  return '—'
}

// ---- certificates ----

export type ExpiryState = 'expired' | 'soon' | 'ok' | 'none'

/** Expired (before today), soon (within 90 days from today), ok, or none (no expiry date). */
export function expiryState(expiresOn: string | null | undefined, today: string, days = EXPIRING_DAYS): ExpiryState {
  if (!expiresOn) return 'none'
  const d = expiresOn.slice(0, 10)
  if (d < today) return 'expired'
  if (d <= addDays(today, days)) return 'soon'
  return 'ok'
}

/** Whole days from today to the date (negative when past). */
export function daysUntil(date: string, today: string): number {
  const a = Date.UTC(+today.slice(0, 4), +today.slice(5, 7) - 1, +today.slice(8, 10))
  const b = Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10))
  return Math.round((b - a) / 86_400_000)
}

// ---- USCC (GB 32100-2015): the quick checks; the server does the full one ----

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'

export interface QuickError {
  code: 'required' | 'uscc.length' | 'uscc.charset'
  params: Record<string, string | number>
}

export function normaliseUscc(raw: string): string {
  return raw.trim().toUpperCase()
}

/** Required, 18 characters, the GB 32100 character set; null when these hold. */
export function usccQuickCheck(raw: string): QuickError | null {
  const s = normaliseUscc(raw)
  if (!s) return { code: 'required', params: {} }
  const chars = [...s]
  if (chars.length !== 18) return { code: 'uscc.length', params: { length: chars.length } }
  const i = chars.findIndex((c) => !USCC_CHARS.includes(c))
  if (i >= 0) return { code: 'uscc.charset', params: { position: i + 1, char: chars[i] } }
  return null
}
