import { describe, expect, it } from 'vitest'
import zh from '@/i18n/zh-CN'
import en from '@/i18n/en'
import { MENU, leaves } from '@/utils/menu'

function keys(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  )
}

function get(obj: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj)
}

describe('i18n catalogues', () => {
  it('zh-CN and en have the same keys', () => {
    const a = keys(zh).sort()
    const b = keys(en).sort()
    expect(b.filter((k) => !a.includes(k))).toEqual([])
    expect(a.filter((k) => !b.includes(k))).toEqual([])
  })

  it('has no empty messages', () => {
    for (const cat of [zh, en]) {
      for (const k of keys(cat)) expect(String(get(cat, k)).trim(), k).not.toBe('')
    }
  })

  it('uses the same parameters in both languages', () => {
    const params = (s: string) => (s.match(/\{(\w+)\}/g) ?? []).sort()
    for (const k of keys(zh)) {
      expect(params(String(get(en, k))), k).toEqual(params(String(get(zh, k))))
    }
  })

  it('has no bare vue-i18n special characters', () => {
    for (const cat of [zh, en]) {
      for (const k of keys(cat)) {
        const v = String(get(cat, k))
        expect(v.includes('@') || v.includes('|'), `${k}: ${v}`).toBe(false)
      }
    }
  })

  it('labels every menu item', () => {
    for (const item of [...MENU, ...leaves(MENU)]) {
      expect(get(zh, item.title), item.title).toBeTypeOf('string')
      expect(get(en, item.title), item.title).toBeTypeOf('string')
    }
  })

  it('names the product and the demo banner as specified', () => {
    expect(zh.app.product).toBe('直通 · 企业服务平台')
    expect(zh.demo.banner).toBe('演示环境：数据为虚构演示数据，请勿录入真实信息')
    expect(zh.login.sessionExpired).toBe('登录已过期，请重新登录')
  })
})
