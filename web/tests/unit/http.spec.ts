import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, buildQuery, configureHttp, request } from '@/api/http'
import { groupSecret } from '@/utils/format'
import { currentLocale } from '@/i18n'
import { unitIds, unitLabel } from '@/utils/org'
import type { OrgNode } from '@/api/types'

function reply(status: number, body?: unknown) {
  return vi.fn(async () => new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }))
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('http client', () => {
  it('builds list queries without empty values', () => {
    expect(buildQuery({ page: 1, page_size: 20, q: '', status: undefined, station_id: 3 })).toBe('?page=1&page_size=20&station_id=3')
    expect(buildQuery({})).toBe('')
  })

  it('sends the UI locale and the session cookie', async () => {
    const f = reply(200, { ok: true })
    vi.stubGlobal('fetch', f)
    configureHttp({ locale: () => 'en' })
    await request('GET', '/api/meta')
    const init = (f.mock.calls[0] as unknown as [string, RequestInit])[1]
    expect((init.headers as Record<string, string>)['Accept-Language']).toBe('en')
    expect(init.credentials).toBe('same-origin')
    configureHttp({ locale: () => currentLocale.value })
  })

  it('turns error bodies into ApiError', async () => {
    vi.stubGlobal('fetch', reply(423, { code: 'auth.locked', message: '账号已锁定', fields: [], params: { until: '2026-11-25T07:00:00Z' }, request_id: 'x' }))
    const e = (await request('POST', '/api/auth/login', { body: {}, quiet401: true }).catch((x: unknown) => x)) as ApiError
    expect(e).toBeInstanceOf(ApiError)
    expect(e.status).toBe(423)
    expect(e.code).toBe('auth.locked')
    expect(e.params.until).toBe('2026-11-25T07:00:00Z')
  })

  it('reports a lost session once, except for quiet requests', async () => {
    const lost = vi.fn()
    configureHttp({ onSessionLost: lost })
    vi.stubGlobal('fetch', reply(401, { code: 'auth.session_expired', message: '登录已过期' }))
    await request('GET', '/api/org/tree').catch(() => {})
    expect(lost).toHaveBeenCalledWith('auth.session_expired')
    await request('GET', '/api/me', { quiet401: true }).catch(() => {})
    expect(lost).toHaveBeenCalledTimes(1)
    vi.stubGlobal('fetch', reply(401, { code: 'auth.invalid_credentials', message: '用户名或密码错误' }))
    await request('POST', '/api/auth/login', { body: {} }).catch(() => {})
    expect(lost).toHaveBeenCalledTimes(1)
  })

  it('reports forced account steps', async () => {
    const forced = vi.fn()
    configureHttp({ onForcedStep: forced })
    vi.stubGlobal('fetch', reply(403, { code: 'auth.password_change_required', message: '请先修改密码' }))
    await request('GET', '/api/org/tree').catch(() => {})
    expect(forced).toHaveBeenCalledWith('auth.password_change_required')
  })

  it('answers undefined for 204', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 204 })))
    expect(await request('POST', '/api/auth/logout')).toBeUndefined()
  })
})

describe('small helpers', () => {
  it('groups a TOTP secret in fours', () => {
    expect(groupSecret('ZHITONGDEMOTOTPSECRET234')).toBe('ZHIT ONGD EMOT OTPS ECRE T234')
    expect(groupSecret('ABCDEF')).toBe('ABCD EF')
  })

  const tree: OrgNode[] = [
    {
      type: 'region', id: 1, name: '浦东新区', code: '310115',
      children: [
        {
          type: 'bureau', id: 10, name: '浦东新区市场监督管理局',
          children: [
            { type: 'station', id: 100, name: '张江科学城服务直通站', kind: 'park', children: [{ type: 'department', id: 1000, name: '知识产权科', kind: 'section', children: [] }] },
            { type: 'department', id: 1001, name: '质量科', kind: 'section', children: [] },
          ],
        },
      ],
    },
  ]

  it('names an account unit and derives the ids of a chosen node', () => {
    expect(unitLabel(tree, { department_id: 1000 })).toBe('浦东新区市场监督管理局 / 张江科学城服务直通站 / 知识产权科')
    expect(unitLabel(tree, { bureau_id: 10 })).toBe('浦东新区市场监督管理局')
    expect(unitLabel(tree, {})).toBe('')
    expect(unitIds(tree, 'department:1000')).toEqual({ bureau_id: 10, station_id: 100, department_id: 1000 })
    expect(unitIds(tree, 'department:1001')).toEqual({ bureau_id: 10, station_id: null, department_id: 1001 })
    expect(unitIds(tree, null)).toEqual({ bureau_id: null, station_id: null, department_id: null })
  })
})
