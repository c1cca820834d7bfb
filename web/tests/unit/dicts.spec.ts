import { describe, expect, it } from 'vitest'
import type { DictEntry } from '@/api'
import {
  choicesOf,
  colorOptions,
  enabledCount,
  entryName,
  filterEntries,
  industryNodeFor,
  industrySections,
  industryTree,
  isEnabled,
  matchesEntry,
  nextSortOrder,
  tagType,
  validEntryCode,
} from '@/utils/dicts'
import { certificateKinds } from '@/utils/enterprise'
import { MENU, filterMenu, leaves } from '@/utils/menu'
import zh from '@/i18n/zh-CN'
import en from '@/i18n/en'

let order = 0
function entry(code: string, name_zh: string, extra: Partial<DictEntry> = {}): DictEntry {
  order += 10
  return { code, name_zh, name_en: extra.name_en ?? `${name_zh} (en)`, builtin: true, sort_order: order, color: '', enabled: true, version: 1, ...extra }
}

describe('which entries a picker offers', () => {
  const labels = [entry('high_tech', '高新技术企业'), entry('old', '旧标签', { enabled: false }), entry('srdi', '专精特新')]

  it('offers the enabled entries only, in their order', () => {
    expect(choicesOf(labels).map((l) => l.code)).toEqual(['high_tech', 'srdi'])
  })

  it('keeps a disabled entry a record already holds, in its place', () => {
    expect(choicesOf(labels, 'old').map((l) => l.code)).toEqual(['high_tech', 'old', 'srdi'])
    expect(choicesOf(labels, ['old', null, '']).map((l) => l.code)).toEqual(['high_tech', 'old', 'srdi'])
    expect(choicesOf(labels, '').map((l) => l.code)).toEqual(['high_tech', 'srdi'])
  })

  it('treats a list without the flag (an older server) as enabled', () => {
    expect(isEnabled({})).toBe(true)
    expect(isEnabled({ enabled: false })).toBe(false)
    expect(choicesOf([{ code: 'a' }, { code: 'b', enabled: false }]).map((x) => x.code)).toEqual(['a'])
  })

  it('counts enabled of all', () => {
    expect(enabledCount(labels)).toEqual({ enabled: 2, total: 3 })
  })
})

describe('names and the filter box', () => {
  const e = entry('water_permit', '取水许可证', { name_en: 'Water abstraction permit' })

  it('names an entry in the UI language, the Chinese name when there is no English one', () => {
    expect(entryName(e, 'zh-CN')).toBe('取水许可证')
    expect(entryName(e, 'en')).toBe('Water abstraction permit')
    expect(entryName({ name_zh: '取水许可证', name_en: '' }, 'en')).toBe('取水许可证')
  })

  it('matches code and both names, ignoring case and blanks', () => {
    expect(matchesEntry(e, '  WATER ')).toBe(true)
    expect(matchesEntry(e, '取水')).toBe(true)
    expect(matchesEntry(e, 'abstraction')).toBe(true)
    expect(matchesEntry(e, '排污')).toBe(false)
    expect(matchesEntry(e, '')).toBe(true)
  })

  it('filters a long list such as the industries', () => {
    const list = [entry('C', '制造业', { name_en: 'Manufacturing' }), entry('C27', '医药制造业', { name_en: 'Pharmaceuticals' }), entry('I65', '软件和信息技术服务业')]
    expect(filterEntries(list, 'c2').map((x) => x.code)).toEqual(['C27'])
    expect(filterEntries(list, '制造').map((x) => x.code)).toEqual(['C', 'C27'])
    expect(filterEntries(list, 'pharma').map((x) => x.code)).toEqual(['C27'])
  })
})

describe('tag colours', () => {
  it('offers the default look and the five el-tag types, named as in RuoYi', () => {
    const opts = colorOptions()
    expect(opts.map((o) => o.value)).toEqual(['', 'primary', 'success', 'info', 'warning', 'danger'])
    expect(opts.map((o) => o.key)).toEqual(['dict.colors.default', 'dict.colors.primary', 'dict.colors.success', 'dict.colors.info', 'dict.colors.warning', 'dict.colors.danger'])
    for (const o of opts) {
      const key = o.key.split('.')[2] as keyof typeof zh.dict.colors
      expect(zh.dict.colors[key]).toBeTruthy()
      expect(en.dict.colors[key]).toBeTruthy()
    }
    expect(zh.dict.colors.default).toBe('默认')
  })

  it('gives el-tag a type it knows, nothing for the default or a stray value', () => {
    expect(tagType('danger')).toBe('danger')
    expect(tagType('')).toBeUndefined()
    expect(tagType(undefined)).toBeUndefined()
    expect(tagType('pink')).toBeUndefined()
  })
})

describe('new entries', () => {
  it('checks a code as the server does: letters, digits and _, at most 32', () => {
    expect(validEntryCode('water_permit')).toBe(true)
    expect(validEntryCode('C27')).toBe(true)
    expect(validEntryCode('water permit')).toBe(false)
    expect(validEntryCode('取水')).toBe(false)
    expect(validEntryCode('')).toBe(false)
    expect(validEntryCode('a'.repeat(33))).toBe(false)
  })

  it('puts a new entry ten after the last one', () => {
    expect(nextSortOrder([{ sort_order: 10 }, { sort_order: 140 }, { sort_order: 30 }])).toBe(150)
    expect(nextSortOrder([])).toBe(10)
  })
})

describe('the GB/T 4754 industry tree', () => {
  const industries = [
    entry('A', '农、林、牧、渔业', { name_en: 'Agriculture' }),
    entry('A01', '农业', { name_en: 'Farming' }),
    entry('C', '制造业', { name_en: 'Manufacturing' }),
    entry('C27', '医药制造业', { name_en: 'Pharmaceuticals' }),
    entry('C34', '通用设备制造业', { name_en: 'General equipment', enabled: false }),
    entry('C35', '专用设备制造业', { name_en: 'Special equipment' }),
    entry('I', '信息传输、软件和信息技术服务业', { name_en: 'ICT', enabled: false }),
    entry('I65', '软件和信息技术服务业', { name_en: 'Software and IT services', enabled: false }),
  ]

  it('puts divisions under their sections, labelled with code and name, leaving disabled ones out', () => {
    const tree = industryTree(industries, 'zh-CN')
    expect(tree.map((n) => n.value)).toEqual(['A', 'C'])
    expect(tree[1]).toEqual({
      value: 'C',
      label: 'C 制造业',
      name_zh: '制造业',
      children: [
        { value: 'C27', label: 'C27 医药制造业', name_zh: '医药制造业' },
        { value: 'C35', label: 'C35 专用设备制造业', name_zh: '专用设备制造业' },
      ],
    })
    // Leaves have no children list (the cascader would show an empty column).
    expect('children' in tree[0].children![0]).toBe(false)
  })

  it('labels in English in the English UI', () => {
    expect(industryTree(industries, 'en')[1].children![0].label).toBe('C27 Pharmaceuticals')
  })

  it('shows the disabled entry a record holds (and its section), not selectable', () => {
    const tree = industryTree(industries, 'zh-CN', 'C3490')
    const c34 = tree.find((n) => n.value === 'C')!.children!.find((n) => n.value === 'C34')
    expect(c34).toMatchObject({ value: 'C34', disabled: true })
    const withSection = industryTree(industries, 'zh-CN', 'I6510')
    expect(withSection.map((n) => n.value)).toEqual(['A', 'C', 'I'])
    expect(withSection[2]).toMatchObject({ disabled: true, children: [{ value: 'I65', disabled: true }] })
  })

  it('hangs a finer entry under its longest prefix', () => {
    const tree = industryTree([...industries, entry('C271', '化学药品原料药制造')], 'zh-CN')
    expect(tree[1].children![0]).toMatchObject({ value: 'C27', children: [{ value: 'C271' }] })
  })

  it('finds the entry an enterprise code falls in', () => {
    expect(industryNodeFor('C2710', industries)).toBe('C27')
    expect(industryNodeFor('c27', industries)).toBe('C27')
    expect(industryNodeFor('C', industries)).toBe('C')
    expect(industryNodeFor('C9999', industries)).toBe('C')
    expect(industryNodeFor('Z12', industries)).toBeNull()
    expect(industryNodeFor('', industries)).toBeNull()
    expect(industryNodeFor(null, industries)).toBeNull()
  })

  it('lists the enabled sections', () => {
    expect(industrySections(industries).map((s) => s.code)).toEqual(['A', 'C'])
  })
})

describe('certificate kinds from the dictionary', () => {
  const types = [
    entry('business_license', '营业执照', { name_en: 'Business licence' }),
    entry('water_permit', '取水许可证', { name_en: 'Water abstraction permit' }),
    entry('old_permit', '旧许可证', { enabled: false }),
  ]

  it('offers the enabled types by their Chinese name (what records store)', () => {
    expect(certificateKinds(types)).toEqual([
      { value: '营业执照', name_en: 'Business licence' },
      { value: '取水许可证', name_en: 'Water abstraction permit' },
    ])
  })

  it('keeps the value being edited first when it is not offered: a disabled type or free text', () => {
    expect(certificateKinds(types, '旧许可证')[0]).toEqual({ value: '旧许可证', name_en: '旧许可证 (en)' })
    expect(certificateKinds(types, '自定义证书')[0]).toEqual({ value: '自定义证书', name_en: '' })
    expect(certificateKinds(types, '营业执照')).toHaveLength(2)
    expect(certificateKinds(types, '  ')).toHaveLength(2)
  })
})

describe('字典管理 in the menu', () => {
  const paths = (perms: string[], scope: 'all' | 'bureau' = 'all') => leaves(filterMenu(MENU, perms, scope)).map((i) => i.path)
  const sysadmin = ['org.read', 'org.manage', 'account.read', 'account.manage', 'calendar.manage', 'system.monitor', 'param.manage', 'notice.manage', 'dict.manage']
  const leader = ['org.read', 'org.manage', 'account.read', 'enterprise.read', 'catalog.read', 'catalog.manage']

  it('shows 字典管理 to dict.manage, which keeps the labels there instead of 标签管理', () => {
    expect(paths(sysadmin)).toContain('/system/dicts')
    expect(paths(sysadmin)).not.toContain('/system/labels')
  })

  it('leaves the bureau leader 标签管理 and no 字典管理', () => {
    expect(paths(leader, 'bureau')).toContain('/system/labels')
    expect(paths(leader, 'bureau')).not.toContain('/system/dicts')
  })
})
