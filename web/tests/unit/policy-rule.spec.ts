import { afterEach, describe, expect, it } from 'vitest'
import { i18n } from '@/i18n'
import type { PolicyField, RuleNode, RuleParameters } from '@/api/policies'
import {
  checkModel,
  coerceValue,
  conditions,
  conditionSentence,
  defaultOp,
  emptyCondition,
  emptyGroup,
  ensureIds,
  groupFields,
  groupHeadingKey,
  keyOfPath,
  newParamName,
  nextConditionId,
  nodePaths,
  opKey,
  opsFor,
  paramInForce,
  paramOfPath,
  parseRule,
  placeErrors,
  ruleConditions,
  toRule,
  valueComplete,
  valueShape,
  valueText,
  type CondModel,
  type GroupModel,
  type Tr,
} from '@/utils/policy-rule'

const tr: Tr = (k, p) => (p ? i18n.global.t(k, p) : i18n.global.t(k))
function inLocale(l: 'zh-CN' | 'en') {
  i18n.global.locale.value = l
}
afterEach(() => inLocale('zh-CN'))

const NUM_OPS = ['>=', '>', '<=', '<', '==', '!=', 'in', 'not_in', 'between', 'exists']
/** A part of GET /api/policies/fields as the demo server answers it. */
const FIELDS: PolicyField[] = [
  {
    name: 'industry',
    type: 'enum',
    label_zh: '所属行业门类',
    label_en: 'industry section',
    unit_zh: '',
    unit_en: '',
    values: [
      { value: 'C', label_zh: '制造业', label_en: 'Manufacturing' },
      { value: 'I', label_zh: '信息传输、软件和信息技术服务业', label_en: 'Information technology' },
      { value: 'M', label_zh: '科学研究和技术服务业', label_en: 'Research and technical services' },
    ],
    ops: ['==', '!=', 'in', 'not_in', 'exists'],
  },
  {
    name: 'size',
    type: 'enum',
    label_zh: '规模',
    label_en: 'size',
    unit_zh: '',
    unit_en: '',
    values: [
      { value: 'above', label_zh: '规上企业', label_en: 'above designated size' },
      { value: 'below', label_zh: '规下企业', label_en: 'below designated size' },
    ],
    ops: ['==', '!=', 'in', 'not_in', 'exists'],
  },
  { name: 'upgrade_potential', type: 'bool', label_zh: '小升规潜力', label_en: 'could rise above designated size', unit_zh: '', unit_en: '', values: [], ops: ['==', '!=', 'exists'] },
  {
    name: 'founded_on',
    type: 'date',
    label_zh: '成立日期',
    label_en: 'founded on',
    unit_zh: '',
    unit_en: '',
    values: [],
    ops: ['>=', '>', '<=', '<', '==', '!=', 'between', 'exists', 'years_ago>=', 'years_ago<'],
  },
  { name: 'invention_patents', type: 'int', label_zh: '有效发明专利', label_en: 'granted invention patents', unit_zh: '件', unit_en: '', values: [], ops: NUM_OPS },
  { name: 'trademarks', type: 'int', label_zh: '注册商标', label_en: 'trademarks', unit_zh: '件', unit_en: '', values: [], ops: NUM_OPS },
  { name: 'software_copyrights', type: 'int', label_zh: '软件著作权', label_en: 'software copyrights', unit_zh: '件', unit_en: '', values: [], ops: NUM_OPS },
  { name: 'revenue_last_year', type: 'float', label_zh: '上年营业收入', label_en: 'revenue last year', unit_zh: '万元', unit_en: '10k yuan', values: [], ops: NUM_OPS },
  { name: 'rd_ratio_last_year', type: 'float', label_zh: '上年研发投入占营收比例', label_en: 'R&D share of revenue last year', unit_zh: '%', unit_en: '%', values: [], ops: NUM_OPS },
  {
    name: 'labels',
    type: 'set',
    label_zh: '持有资质标签',
    label_en: 'labels held',
    unit_zh: '',
    unit_en: '',
    values: [
      { value: 'high_tech', label_zh: '高新技术企业', label_en: 'High-tech enterprise' },
      { value: 'srdi', label_zh: '专精特新', label_en: 'Specialised and innovative SME' },
    ],
    ops: ['exists', 'has', 'has_any', 'has_all', 'not_has'],
  },
]
const field = (name: string) => FIELDS.find((f) => f.name === name)

// The five demo policies' rules (zhitong serve --demo).
const HIGH_TECH: RuleNode = {
  all: [
    { field: 'founded_on', id: 'age', label: '注册成立', op: 'years_ago>=', value: 1 },
    { field: 'invention_patents', id: 'patents', op: '>=', param: 'min_invention_patents' },
    { field: 'rd_ratio_last_year', id: 'rd', op: '>=', value: 5 },
    { field: 'labels', id: 'not_yet', op: 'not_has', value: 'high_tech' },
  ],
}
const HIGH_TECH_PARAMS: RuleParameters = { min_invention_patents: { '2020-01-01': 2, '2024-01-01': 1 } }
const SRDI: RuleNode = {
  all: [
    { field: 'founded_on', id: 'age', op: 'years_ago>=', value: 2 },
    { field: 'revenue_last_year', id: 'revenue', op: '>=', value: 1000 },
    {
      any: [
        { field: 'rd_ratio_last_year', id: 'rd', op: '>=', value: 3 },
        { field: 'invention_patents', id: 'ip', op: '>=', value: 1 },
      ],
    },
    { field: 'labels', id: 'not_yet', op: 'not_has', value: 'srdi' },
  ],
}
const RD: RuleNode = {
  all: [
    { field: 'rd_ratio_last_year', id: 'rd_ratio', op: '>=', value: 4 },
    { field: 'industry', id: 'industry', op: 'in', value: ['C', 'I', 'M'] },
  ],
}
const UPGRADE: RuleNode = {
  all: [
    { field: 'size', id: 'size', op: '==', value: 'below' },
    { field: 'upgrade_potential', id: 'potential', op: '==', value: true },
    { field: 'revenue_last_year', id: 'revenue', op: '>=', value: 1500 },
  ],
}
const IP: RuleNode = {
  all: [
    { field: 'invention_patents', id: 'patents', op: '>=', value: 3 },
    {
      any: [
        { field: 'trademarks', id: 'trademarks', op: '>=', value: 1 },
        { field: 'software_copyrights', id: 'software', op: '>=', value: 2 },
      ],
    },
  ],
}

/** JSON with object keys sorted (key order is not meaning). */
function canon(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  )
}

describe('rule ↔ model', () => {
  it('round-trips the demo rules and their dated parameters', () => {
    for (const [rule, params] of [
      [HIGH_TECH, HIGH_TECH_PARAMS],
      [SRDI, {}],
      [RD, {}],
      [UPGRADE, {}],
      [IP, {}],
    ] as [RuleNode, RuleParameters][]) {
      const out = toRule(parseRule(rule, params))
      expect(canon(out.rule)).toBe(canon(rule))
      expect(canon(out.parameters)).toBe(canon(params))
    }
  })

  it('round-trips not: one node, "none of" several, a not around a one-child any, nested groups', () => {
    const rules: RuleNode[] = [
      { not: { id: 'c1', field: 'size', op: '==', value: 'above' } },
      { all: [{ not: { any: [{ id: 'c1', field: 'size', op: '==', value: 'above' }, { id: 'c2', field: 'labels', op: 'has', value: 'srdi' }] } }] },
      { all: [{ not: { any: [{ id: 'c1', field: 'size', op: '==', value: 'above' }] } }] },
      { all: [{ not: { all: [{ id: 'c1', field: 'size', op: '==', value: 'above' }, { id: 'c2', field: 'founded_on', op: 'exists' }] } }] },
      { any: [{ all: [{ any: [{ id: 'c1', field: 'founded_on', op: 'between', value: ['2010-01-01', '2020-12-31'] }] }] }] },
    ]
    for (const r of rules) expect(canon(toRule(parseRule(r)).rule)).toBe(canon(r))
  })

  it('reads "not any of several" as one "none of" group and a single child as a plain not', () => {
    const m = parseRule({ not: { any: [{ id: 'a', field: 'size', op: 'exists' }, { id: 'b', field: 'labels', op: 'exists' }] } })
    expect(m.root.op).toBe('not')
    expect(m.root.children.map((c) => (c as CondModel).id)).toEqual(['a', 'b'])
    const single = parseRule({ not: { id: 'a', field: 'size', op: 'exists' } })
    expect(single.root.op).toBe('not')
    expect(single.root.children).toHaveLength(1)
  })

  it('starts an empty rule as an empty all-group and wraps a bare condition', () => {
    const empty = parseRule(null)
    expect(empty.root.op).toBe('all')
    expect(empty.root.children).toEqual([])
    const bare = parseRule({ id: 'c1', field: 'size', op: '==', value: 'below' })
    expect(toRule(bare).rule).toEqual({ all: [{ id: 'c1', field: 'size', op: '==', value: 'below' }] })
  })

  it('keeps labels, sends no value for exists and drops parameters no condition uses', () => {
    const m = parseRule(HIGH_TECH, { ...HIGH_TECH_PARAMS, unused: { '2020-01-01': 5 } })
    const age = conditions(m.root)[0]
    expect(age.label).toBe('注册成立')
    age.op = 'exists'
    const out = toRule(m)
    expect((out.rule as { all: Record<string, unknown>[] }).all[0]).toEqual({ id: 'age', field: 'founded_on', op: 'exists', label: '注册成立' })
    expect(Object.keys(out.parameters)).toEqual(['min_invention_patents'])
  })

  it('sorts dated parameter rows and leaves out incomplete ones', () => {
    const m = parseRule(HIGH_TECH, { min_invention_patents: { '2024-01-01': 1, '2020-01-01': 2 } })
    expect(m.params[0].entries.map((e) => e.date)).toEqual(['2020-01-01', '2024-01-01'])
    m.params[0].entries.push({ date: '', value: 3 })
    expect(toRule(m).parameters).toEqual({ min_invention_patents: { '2020-01-01': 2, '2024-01-01': 1 } })
  })

  it('does not share arrays between the rule it read and the model', () => {
    const rule: RuleNode = { all: [{ id: 'c1', field: 'industry', op: 'in', value: ['C'] }] }
    const m = parseRule(rule)
    ;(conditions(m.root)[0].value as string[]).push('I')
    expect(rule).toEqual({ all: [{ id: 'c1', field: 'industry', op: 'in', value: ['C'] }] })
  })
})

describe('error paths → nodes', () => {
  it('gives every node its server path', () => {
    const m = parseRule(SRDI)
    const paths = nodePaths(m)
    const rd = conditions(m.root).find((c) => c.id === 'rd')!
    const anyGroup = m.root.children[2]
    expect(paths.get('rule')).toBe(m.root.key)
    expect(paths.get('rule.all[2]')).toBe(anyGroup.key)
    expect(paths.get('rule.all[2].any[0]')).toBe(rd.key)
    expect(paths.get('rule.all[3]')).toBe(m.root.children[3].key)
  })

  it('maps not paths: one child at ".not", several at ".not.any[i]"', () => {
    const m = parseRule({
      all: [
        { not: { id: 'a', field: 'size', op: 'exists' } },
        { not: { any: [{ id: 'b', field: 'size', op: 'exists' }, { id: 'c', field: 'labels', op: 'exists' }] } },
      ],
    })
    const byId = (id: string) => conditions(m.root).find((c) => c.id === id)!.key
    expect(keyOfPath(m, 'rule.all[0].not')).toBe(byId('a'))
    expect(keyOfPath(m, 'rule.all[1].not.any[1]')).toBe(byId('c'))
    expect(keyOfPath(m, 'rule.all[1]')).toBe(m.root.children[1].key)
  })

  it('takes the deepest node a longer path falls under, and does not confuse [1] with [10]', () => {
    const m = parseRule(SRDI)
    const ip = conditions(m.root).find((c) => c.id === 'ip')!
    expect(keyOfPath(m, 'rule.all[2].any[1].value')).toBe(ip.key)
    expect(keyOfPath(m, 'rule.all[2].any[1][0]')).toBe(ip.key)
    expect(keyOfPath(m, 'rule.all[1]')).toBe(m.root.children[1].key)
    // No 11th child: the error falls back to the root group.
    expect(keyOfPath(m, 'rule.all[10]')).toBe(m.root.key)
    expect(keyOfPath(m, 'title')).toBeNull()
  })

  it('places a 422 answer on the nodes, the parameters and the rest', () => {
    const m = parseRule(SRDI, { p: { '2020-01-01': 1 } })
    const ip = conditions(m.root).find((c) => c.id === 'ip')!
    const placed = placeErrors(m, [
      { field: 'rule.all[2].any[1]', code: 'rule.op_invalid', message: '该字段不支持这个运算符' },
      { field: 'rule.all[2].any[1]', code: 'rule.id', message: '条件编号缺失或重复' },
      { field: 'rule', code: 'rule.shape', message: '规则结构有误' },
      { field: 'parameters.p', code: 'rule.value_type', message: '取值与字段类型不符' },
      { field: 'version', code: 'required', message: '必填' },
    ])
    expect(placed.nodes[ip.key]).toEqual(['该字段不支持这个运算符', '条件编号缺失或重复'])
    expect(placed.nodes[m.root.key]).toEqual(['规则结构有误'])
    expect(placed.params).toEqual({ p: ['取值与字段类型不符'] })
    expect(placed.rest).toEqual(['必填'])
  })

  it('names the parameter of a parameters path, dotted names included', () => {
    expect(paramOfPath('parameters.min_patents', [])).toBe('min_patents')
    expect(paramOfPath('parameters.min_patents.2024-01-01', ['min_patents'])).toBe('min_patents')
    expect(paramOfPath('parameters.a.b.2020-01-01', ['a', 'a.b'])).toBe('a.b')
    expect(paramOfPath('rule.all[0]', ['a'])).toBeNull()
  })
})

describe('condition ids', () => {
  it('hands out c1, c2… one past the highest cN and never a used id', () => {
    expect(nextConditionId(parseRule(null))).toBe('c1')
    expect(nextConditionId(parseRule(SRDI))).toBe('c1')
    const m = parseRule({ all: [{ id: 'c1', field: 'size', op: 'exists' }, { id: 'c3', field: 'size', op: 'exists' }] })
    expect(nextConditionId(m)).toBe('c4')
    const g = emptyGroup('any')
    g.children.push(emptyCondition(nextConditionId(m)))
    m.root.children.push(g)
    expect(nextConditionId(m)).toBe('c5')
  })

  it('fills in missing and repeated ids', () => {
    const m = parseRule({
      all: [
        { id: 'c2', field: 'size', op: 'exists' },
        { id: '', field: 'size', op: 'exists' },
        { any: [{ id: 'c2', field: 'labels', op: 'exists' }, { id: 'age', field: 'founded_on', op: 'exists' }] },
      ],
    } as unknown as RuleNode)
    expect(ensureIds(m)).toBe(2)
    expect(conditions(m.root).map((c) => c.id)).toEqual(['c2', 'c3', 'c4', 'age'])
    expect(ensureIds(m)).toBe(0)
  })
})

describe('values by field and operator', () => {
  it('offers the catalogue operators, without in / not_in on decimals', () => {
    expect(opsFor(field('revenue_last_year'))).toEqual(['>=', '>', '<=', '<', '==', '!=', 'between', 'exists'])
    expect(opsFor(field('invention_patents'))).toContain('in')
    expect(opsFor(undefined)).toEqual([])
  })

  it('starts each type with a sensible operator', () => {
    expect(defaultOp(field('revenue_last_year'))).toBe('>=')
    expect(defaultOp(field('founded_on'))).toBe('years_ago>=')
    expect(defaultOp(field('size'))).toBe('==')
    expect(defaultOp(field('labels'))).toBe('has')
    expect(defaultOp(field('upgrade_potential'))).toBe('==')
  })

  it('shapes values: none for exists, a list for in / has_any, a pair for between', () => {
    expect(valueShape('exists')).toBe('none')
    expect(valueShape('in')).toBe('list')
    expect(valueShape('has_all')).toBe('list')
    expect(valueShape('between')).toBe('pair')
    expect(valueShape('years_ago>=')).toBe('single')
  })

  it('keeps a value across an operator change when it still fits', () => {
    const patents = field('invention_patents')
    expect(coerceValue(patents, '>', 2)).toBe(2)
    expect(coerceValue(patents, 'in', 2)).toEqual([2])
    expect(coerceValue(patents, '>=', [2, 3])).toBe(2)
    expect(coerceValue(patents, 'between', 2)).toEqual([])
    expect(coerceValue(patents, 'exists', 2)).toBeNull()
    expect(coerceValue(field('size'), '==', 'nope')).toBeNull()
    expect(coerceValue(field('size'), 'in', ['below', 'x'])).toEqual(['below'])
    expect(coerceValue(field('upgrade_potential'), '==', null)).toBe(true)
    expect(coerceValue(field('founded_on'), '>=', 3)).toBeNull()
    expect(coerceValue(field('founded_on'), 'years_ago>=', 3)).toBe(3)
  })

  it('knows when a value is complete', () => {
    expect(valueComplete('exists', null)).toBe(true)
    expect(valueComplete('>=', null)).toBe(false)
    expect(valueComplete('>=', 0)).toBe(true)
    expect(valueComplete('in', [])).toBe(false)
    expect(valueComplete('between', [1, null] as unknown as number[])).toBe(false)
    expect(valueComplete('between', [1, 2])).toBe(true)
  })
})

describe('local checks', () => {
  it('finds empty groups, unfinished conditions and parameters without rows', () => {
    const m = parseRule(null)
    const a = emptyCondition('c1')
    const b: CondModel = { ...emptyCondition('c2'), field: 'revenue_last_year', op: '>=' }
    const c: CondModel = { ...emptyCondition('c3'), field: 'invention_patents', op: '>=', mode: 'param', param: 'p' }
    const d: CondModel = { ...emptyCondition('c4'), field: 'revenue_last_year', op: 'in', value: [1] }
    const g: GroupModel = emptyGroup('any')
    m.root.children.push(a, b, c, d, g)
    m.params.push({ name: 'p', entries: [] })
    const r = checkModel(m, FIELDS)
    expect(r.nodes[a.key]).toEqual(['noField'])
    expect(r.nodes[b.key]).toEqual(['noValue'])
    expect(r.nodes[c.key]).toBeUndefined()
    expect(r.nodes[d.key]).toEqual(['opInvalid'])
    expect(r.nodes[g.key]).toEqual(['emptyGroup'])
    expect(r.params.p).toEqual(['noEntries'])
    expect(r.count).toBe(5)
  })

  it('passes the demo rules', () => {
    for (const r of [SRDI, RD, UPGRADE, IP]) expect(checkModel(parseRule(r), FIELDS).count).toBe(0)
    expect(checkModel(parseRule(HIGH_TECH, HIGH_TECH_PARAMS), FIELDS).count).toBe(0)
  })

  it('flags a parameter with a half-filled row or a repeated date, and an undefined parameter', () => {
    const m = parseRule(HIGH_TECH, { min_invention_patents: { '2020-01-01': 2 } })
    m.params[0].entries.push({ date: '2020-01-01', value: null })
    expect(checkModel(m, FIELDS).params.min_invention_patents).toEqual(['entryIncomplete', 'duplicateDate'])
    const n = parseRule(HIGH_TECH, {})
    const patents = conditions(n.root)[1]
    expect(checkModel(n, FIELDS).nodes[patents.key]).toEqual(['paramUndefined'])
  })
})

describe('parameters', () => {
  it('names a new parameter after its field, without clashing', () => {
    expect(newParamName('invention_patents', [])).toBe('invention_patents_threshold')
    expect(newParamName('invention_patents', ['invention_patents_threshold'])).toBe('invention_patents_threshold_2')
  })

  it('finds the row in force on a day', () => {
    const rows = [
      { date: '2020-01-01', value: 2 },
      { date: '2024-01-01', value: 1 },
    ]
    expect(paramInForce(rows, '2019-12-31')).toBeNull()
    expect(paramInForce(rows, '2023-06-01')?.value).toBe(2)
    expect(paramInForce(rows, '2024-01-01')?.value).toBe(1)
  })
})

describe('plain words', () => {
  it('says a condition in Chinese with labels, units and value names', () => {
    const say = (c: Parameters<typeof conditionSentence>[0]) => conditionSentence(c, FIELDS, tr, 'zh-CN')
    expect(say({ id: 'a', field: 'invention_patents', op: '>=', value: 2 })).toBe('有效发明专利 大于等于 2 件')
    expect(say({ id: 'a', field: 'founded_on', op: 'years_ago>=', value: 1 })).toBe('成立日期距今满 1 年')
    expect(say({ id: 'a', field: 'labels', op: 'not_has', value: 'high_tech' })).toBe('持有资质标签 不包含 高新技术企业')
    expect(say({ id: 'a', field: 'industry', op: 'in', value: ['C', 'I'] })).toBe('所属行业门类 属于 制造业、信息传输、软件和信息技术服务业')
    expect(say({ id: 'a', field: 'size', op: '==', value: 'below' })).toBe('规模 为 规下企业')
    expect(say({ id: 'a', field: 'upgrade_potential', op: '==', value: true })).toBe('小升规潜力 为 是')
    expect(say({ id: 'a', field: 'revenue_last_year', op: 'between', value: [100, 2000] })).toBe('上年营业收入 介于 100 ~ 2,000 万元')
    expect(say({ id: 'a', field: 'rd_ratio_last_year', op: '>=', value: 3 })).toBe('上年研发投入占营收比例 大于等于 3%')
    expect(say({ id: 'a', field: 'founded_on', op: '<', value: '2020-03-05' })).toBe('成立日期 早于 2020年3月5日')
    expect(say({ id: 'a', field: 'founded_on', op: 'exists' })).toBe('成立日期 已登记')
    expect(say({ id: 'a', field: 'invention_patents', op: '>=', param: 'p' })).toBe('有效发明专利 大于等于 下列按日期分段的取值')
    expect(say({ id: 'a', field: 'gone', op: '>=', value: 1 })).toBe('gone 大于等于 1')
  })

  it('says it in English through the switch', () => {
    inLocale('en')
    expect(conditionSentence({ id: 'a', field: 'labels', op: 'has_any', value: ['high_tech', 'srdi'] }, FIELDS, tr, 'en')).toBe(
      'labels held include any of: High-tech enterprise, Specialised and innovative SME',
    )
    expect(conditionSentence({ id: 'a', field: 'revenue_last_year', op: '>=', value: 1500 }, FIELDS, tr, 'en')).toBe('revenue last year at least 1,500 10k yuan')
  })

  it('reads the select words of the operators', () => {
    expect(tr(`pol.ops.${opKey('years_ago>=', 'date')}`)).toBe('距今满…年')
    expect(tr(`pol.ops.${opKey('in', 'enum')}`)).toBe('属于')
    expect(tr(`pol.ops.${opKey('>=', 'int')}`)).toBe('大于等于')
    expect(tr(`pol.ops.${opKey('has', 'set')}`)).toBe('持有')
    expect(tr(`pol.ops.${opKey('>=', 'date')}`)).toBe('不早于')
  })

  it('writes the value of a dated row the same way', () => {
    expect(valueText(field('invention_patents'), '>=', 2, tr, 'zh-CN')).toBe('2 件')
    expect(valueText(field('labels'), 'has_all', ['srdi', 'high_tech'], tr, 'zh-CN')).toBe('专精特新、高新技术企业')
    expect(valueText(field('size'), '==', null, tr, 'zh-CN')).toBe('')
  })

  it('heads groups as 全部满足 / 满足其一 / 不满足 / 均不满足', () => {
    expect(tr(groupHeadingKey({ op: 'all', children: [1, 2] }))).toBe('以下条件须全部满足')
    expect(tr(groupHeadingKey({ op: 'any', children: [1, 2] }))).toBe('以下条件满足其一即可')
    expect(tr(groupHeadingKey({ op: 'not', children: [1] }))).toBe('不得满足以下条件')
    expect(tr(groupHeadingKey({ op: 'not', children: [1, 2] }))).toBe('以下条件均不得满足')
  })

  it('lists the conditions of a stored rule in order', () => {
    expect(ruleConditions(SRDI).map((c) => c.id)).toEqual(['age', 'revenue', 'rd', 'ip', 'not_yet'])
    expect(ruleConditions({ not: { any: [{ id: 'x', field: 'size', op: 'exists' }] } }).map((c) => c.id)).toEqual(['x'])
    expect(ruleConditions(null)).toEqual([])
  })
})

describe('field select groups', () => {
  it('groups the fields in catalogue order and leaves out empty groups', () => {
    const g = groupFields(FIELDS)
    expect(g.map((x) => x.group)).toEqual(['basic', 'ip', 'figures', 'labels'])
    expect(g[0].fields.map((f) => f.name)).toEqual(['industry', 'size', 'upgrade_potential', 'founded_on'])
    const extra = groupFields([{ ...FIELDS[0], name: 'mystery' }, { ...FIELDS[0], name: 'exports_last_year', type: 'float' }])
    expect(extra.map((x) => x.group)).toEqual(['figures', 'other'])
  })
})
