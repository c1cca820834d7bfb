import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/http'
import { clearErrors, mapFieldErrors } from '@/utils/form-errors'

const err = (fields: { field: string; code: string; message: string }[], message = '提交的数据有误') =>
  new ApiError(422, { code: 'validation.failed', message, fields, params: {}, request_id: 'r1' })

describe('mapFieldErrors', () => {
  it('puts each message at its form item', () => {
    const m = mapFieldErrors(
      err([
        { field: 'name', code: 'required', message: '必填' },
        { field: 'code', code: 'format', message: '须为 6 位数字' },
      ]),
      ['code', 'name', 'parent_id'],
    )
    expect(m.fields).toEqual({ name: '必填', code: '须为 6 位数字' })
    expect(m.rest).toEqual([])
  })

  it('joins several messages for one field', () => {
    const m = mapFieldErrors(
      err([
        { field: 'password', code: 'too_short', message: '至少 8 位' },
        { field: 'password', code: 'classes', message: '至少三类字符' },
      ]),
      ['password'],
    )
    expect(m.fields.password).toBe('至少 8 位；至少三类字符')
  })

  it('maps aliases and indexed or nested names', () => {
    const m = mapFieldErrors(
      err([
        { field: 'station_id', code: 'not_found', message: '服务站不存在' },
        { field: 'roles[1]', code: 'unknown', message: '未知角色' },
        { field: 'contact.phone', code: 'format', message: '号码格式不对' },
      ]),
      ['unit', 'roles', 'contact'],
      { station_id: 'unit' },
    )
    expect(m.fields).toEqual({ unit: '服务站不存在', roles: '未知角色', contact: '号码格式不对' })
  })

  it('returns unknown fields and field-less errors as rest', () => {
    const a = mapFieldErrors(err([{ field: 'weird', code: 'x', message: '奇怪' }]), ['name'])
    expect(a.fields).toEqual({})
    expect(a.rest).toEqual(['weird: 奇怪'])
    const b = mapFieldErrors(new ApiError(409, { code: 'conflict.in_use', message: '仍有下级机构' }), ['name'])
    expect(b.rest).toEqual(['仍有下级机构'])
  })

  it('handles non-API errors', () => {
    expect(mapFieldErrors(new Error('boom'), []).rest).toEqual(['boom'])
  })

  it('clearErrors empties the record in place', () => {
    const e: Record<string, string> = { a: '1', b: '2' }
    const same = e
    clearErrors(e)
    expect(same).toEqual({})
  })
})
