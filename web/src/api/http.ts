// A thin fetch wrapper: JSON in and out, the session cookie, the UI locale as Accept-Language,
// one error type for every failure, and hooks for session expiry and forced account steps.
import type { ApiErrorBody, FieldErrorItem, ListQuery } from './types'
import { currentLocale } from '@/i18n'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly fields: FieldErrorItem[]
  readonly params: Record<string, unknown>
  readonly requestId?: string

  constructor(status: number, body: ApiErrorBody) {
    super(body.message || body.code)
    this.name = 'ApiError'
    this.status = status
    this.code = body.code
    this.fields = body.fields ?? []
    this.params = body.params ?? {}
    this.requestId = body.request_id
  }
}

/** Codes that mean "no live session": the UI goes back to the login page. */
export const SESSION_CODES = ['auth.session_expired', 'auth.unauthenticated']
/** Codes that mean "finish your account set-up first". */
export const FORCED_CODES = ['auth.password_change_required', 'auth.totp_enrollment_required']

interface Hooks {
  locale: () => string
  onSessionLost: (code: string) => void
  onForcedStep: (code: string) => void
}

const hooks: Hooks = {
  locale: () => currentLocale.value,
  onSessionLost: () => {},
  onForcedStep: () => {},
}

export function configureHttp(h: Partial<Hooks>): void {
  Object.assign(hooks, h)
}

export interface RequestOptions {
  query?: ListQuery | Record<string, string | number | boolean | undefined | null>
  body?: unknown
  /** Do not run the session-lost hook on 401 (login, the first /api/me probe). */
  quiet401?: boolean
  signal?: AbortSignal
}

export function buildQuery(query?: RequestOptions['query']): string {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    params.append(k, String(v))
  }
  const s = params.toString()
  return s ? `?${s}` : ''
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': hooks.locale() === 'en' ? 'en' : 'zh-CN',
  }
  let body: string | undefined
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  let res: Response
  try {
    res = await fetch(path + buildQuery(opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    })
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e
    throw new ApiError(0, { code: 'network', message: '' })
  }
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let data: unknown = undefined
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = undefined
    }
  }
  if (!res.ok) {
    const b = (data && typeof data === 'object' ? data : {}) as Partial<ApiErrorBody>
    const err = new ApiError(res.status, {
      code: b.code ?? `http.${res.status}`,
      message: b.message ?? '',
      fields: b.fields,
      params: b.params,
      request_id: b.request_id,
    })
    if (res.status === 401 && SESSION_CODES.includes(err.code) && !opts.quiet401) {
      hooks.onSessionLost(err.code)
    } else if (res.status === 403 && FORCED_CODES.includes(err.code)) {
      hooks.onForcedStep(err.code)
    }
    throw err
  }
  return data as T
}

async function failure(res: Response, opts: { quiet401?: boolean } = {}): Promise<ApiError> {
  let b: Partial<ApiErrorBody> = {}
  try {
    const data: unknown = JSON.parse(await res.text())
    if (data && typeof data === 'object') b = data as Partial<ApiErrorBody>
  } catch {
    /* not JSON */
  }
  const err = new ApiError(res.status, {
    code: b.code ?? `http.${res.status}`,
    message: b.message ?? '',
    fields: b.fields,
    params: b.params,
    request_id: b.request_id,
  })
  if (res.status === 401 && SESSION_CODES.includes(err.code) && !opts.quiet401) hooks.onSessionLost(err.code)
  else if (res.status === 403 && FORCED_CODES.includes(err.code)) hooks.onForcedStep(err.code)
  return err
}

function baseHeaders(): Record<string, string> {
  return { 'Accept-Language': hooks.locale() === 'en' ? 'en' : 'zh-CN' }
}

/** POSTs a multipart form (file upload); the answer is JSON. */
export async function upload<T>(path: string, form: FormData, query?: RequestOptions['query']): Promise<T> {
  let res: Response
  try {
    res = await fetch(path + buildQuery(query), {
      method: 'POST',
      headers: { ...baseHeaders(), Accept: 'application/json' },
      body: form,
      credentials: 'same-origin',
    })
  } catch {
    throw new ApiError(0, { code: 'network', message: '' })
  }
  if (!res.ok) throw await failure(res)
  const text = await res.text()
  return (text ? JSON.parse(text) : undefined) as T
}

/** The file name a Content-Disposition header offers (RFC 6266 filename* first). */
export function dispositionFilename(header: string | null): string | null {
  if (!header) return null
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''))
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header)
  return plain ? plain[1].trim() : null
}

/** GETs a file and hands it to the browser as a download; API errors are thrown as usual. */
export async function download(path: string, query?: RequestOptions['query'], fallbackName = 'download'): Promise<string> {
  let res: Response
  try {
    res = await fetch(path + buildQuery(query), { headers: baseHeaders(), credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, { code: 'network', message: '' })
  }
  if (!res.ok) throw await failure(res)
  const blob = await res.blob()
  const name = dispositionFilename(res.headers.get('Content-Disposition')) ?? fallbackName
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  return name
}

export const http = {
  get: <T>(path: string, query?: RequestOptions['query'], opts: RequestOptions = {}) =>
    request<T>('GET', path, { ...opts, query }),
  post: <T>(path: string, body?: unknown, opts: RequestOptions = {}) => request<T>('POST', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  del: <T = void>(path: string) => request<T>('DELETE', path),
}
