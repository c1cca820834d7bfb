// The eligibility rule of a policy, as the rule builder edits it: the JSON tree the server keeps
// ({"all":[…]}, {"any":[…]}, {"not": node}, conditions {id, field, op, value | param}) and its
// dated parameters, turned into an editable model and back; the server's error paths
// ("rule.all[1].any[0]") mapped onto the model's nodes; condition ids; local completeness checks;
// and the plain-language wording of conditions. No Vue, no HTTP: unit-tested.
import type { FieldType, PolicyField, RuleCondition, RuleNode, RuleParameters, RuleValue, Scalar } from '@/api/policies'

export type Tr = (key: string, params?: Record<string, unknown>) => string

// ---------------------------------------------------------------- model

export type GroupOp = 'all' | 'any' | 'not'
export const GROUP_OPS: GroupOp[] = ['all', 'any', 'not']

/**
 * A group. `not` with one child is {"not": child}; with several it means "none of them"
 * and is sent as {"not": {"any": [...]}}.
 */
export interface GroupModel {
  kind: 'group'
  /** Client-side identity (Vue keys, error placement); never sent. */
  key: string
  op: GroupOp
  children: NodeModel[]
}

export type ValueMode = 'value' | 'param'

export interface CondModel {
  kind: 'cond'
  key: string
  /** The condition id the server counts and explains by (c1, c2…, or the demo's own names). */
  id: string
  field: string
  op: string
  mode: ValueMode
  /** The fixed value (mode 'value'); null while not entered, and for `exists`. */
  value: RuleValue | null
  /** The parameter's name (mode 'param'). */
  param: string
  /** Optional wording of the condition kept from the rule ("注册成立"). */
  label: string
}

export type NodeModel = GroupModel | CondModel

export interface ParamEntry {
  /** In force from (YYYY-MM-DD). */
  date: string
  value: RuleValue | null
}

export interface ParamModel {
  name: string
  entries: ParamEntry[]
}

export interface RuleModel {
  root: GroupModel
  params: ParamModel[]
}

let keySeq = 0
export function newKey(): string {
  keySeq += 1
  return `n${keySeq}`
}

export function emptyGroup(op: GroupOp = 'all'): GroupModel {
  return { kind: 'group', key: newKey(), op, children: [] }
}

export function emptyCondition(id: string): CondModel {
  return { kind: 'cond', key: newKey(), id, field: '', op: '', mode: 'value', value: null, param: '', label: '' }
}

export function emptyModel(): RuleModel {
  return { root: emptyGroup('all'), params: [] }
}

// ---------------------------------------------------------------- JSON → model

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function cloneValue(v: RuleValue | null | undefined): RuleValue | null {
  if (v === undefined || v === null) return null
  return Array.isArray(v) ? [...v] : v
}

function parseNode(node: unknown): NodeModel {
  if (isObject(node)) {
    if (Array.isArray(node.all)) return { kind: 'group', key: newKey(), op: 'all', children: node.all.map(parseNode) }
    if (Array.isArray(node.any)) return { kind: 'group', key: newKey(), op: 'any', children: node.any.map(parseNode) }
    if ('not' in node) {
      const inner = node.not
      // {"not": {"any": [a, b, …]}} is the builder's "none of these" group.
      if (isObject(inner) && Array.isArray(inner.any) && inner.any.length >= 2) {
        return { kind: 'group', key: newKey(), op: 'not', children: inner.any.map(parseNode) }
      }
      return { kind: 'group', key: newKey(), op: 'not', children: [parseNode(inner)] }
    }
    const c = node as Partial<RuleCondition>
    const param = typeof c.param === 'string' ? c.param : ''
    return {
      kind: 'cond',
      key: newKey(),
      id: typeof c.id === 'string' ? c.id : '',
      field: typeof c.field === 'string' ? c.field : '',
      op: typeof c.op === 'string' ? c.op : '',
      mode: param ? 'param' : 'value',
      value: cloneValue(c.value),
      param,
      label: typeof c.label === 'string' ? c.label : '',
    }
  }
  return emptyCondition('')
}

/** The model of a stored rule; a missing rule gives an empty "all" group, a bare condition one
 * wrapped in an "all" group (the builder's top level is always a group). */
export function parseRule(rule: RuleNode | null | undefined, parameters?: RuleParameters | null): RuleModel {
  let root: GroupModel
  if (!rule) root = emptyGroup('all')
  else {
    const n = parseNode(rule)
    root = n.kind === 'group' ? n : { kind: 'group', key: newKey(), op: 'all', children: [n] }
  }
  const params: ParamModel[] = Object.entries(parameters ?? {}).map(([name, dated]) => ({
    name,
    entries: Object.entries(dated ?? {})
      .map(([date, value]) => ({ date, value: cloneValue(value) }))
      .sort((a, b) => a.date.localeCompare(b.date)),
  }))
  return { root, params }
}

// ---------------------------------------------------------------- model → JSON

function condJson(c: CondModel): RuleCondition {
  const out: RuleCondition = { id: c.id, field: c.field, op: c.op }
  if (c.mode === 'param') out.param = c.param
  else if (c.value !== null && !isValueless(c.op)) out.value = cloneValue(c.value) as RuleValue
  if (c.label.trim()) out.label = c.label.trim()
  return out
}

export function nodeJson(n: NodeModel): RuleNode {
  if (n.kind === 'cond') return condJson(n)
  if (n.op === 'not') {
    if (n.children.length === 1) return { not: nodeJson(n.children[0]) }
    return { not: { any: n.children.map(nodeJson) } }
  }
  return n.op === 'all' ? { all: n.children.map(nodeJson) } : { any: n.children.map(nodeJson) }
}

/** The names of the parameters the conditions use. */
export function usedParams(model: RuleModel): Set<string> {
  const out = new Set<string>()
  for (const c of conditions(model.root)) if (c.mode === 'param' && c.param) out.add(c.param)
  return out
}

/** The rule and the parameters it uses (unused parameters are dropped), as the server takes them. */
export function toRule(model: RuleModel): { rule: RuleNode; parameters: RuleParameters } {
  const used = usedParams(model)
  const parameters: RuleParameters = {}
  for (const p of model.params) {
    if (!used.has(p.name)) continue
    const dated: Record<string, RuleValue> = {}
    for (const e of [...p.entries].sort((a, b) => a.date.localeCompare(b.date))) {
      if (e.date && e.value !== null) dated[e.date] = cloneValue(e.value) as RuleValue
    }
    parameters[p.name] = dated
  }
  return { rule: nodeJson(model.root), parameters }
}

// ---------------------------------------------------------------- walking

/** Every condition, depth first. */
export function conditions(n: NodeModel): CondModel[] {
  if (n.kind === 'cond') return [n]
  return n.children.flatMap(conditions)
}

/** The conditions of a stored rule, depth first (for naming a condition by its id). */
export function ruleConditions(rule: RuleNode | null | undefined): RuleCondition[] {
  if (!rule || typeof rule !== 'object') return []
  const n = rule as Record<string, unknown>
  if (Array.isArray(n.all)) return (n.all as RuleNode[]).flatMap(ruleConditions)
  if (Array.isArray(n.any)) return (n.any as RuleNode[]).flatMap(ruleConditions)
  if ('not' in n) return ruleConditions(n.not as RuleNode)
  return typeof n.field === 'string' ? [rule as RuleCondition] : []
}

/** The server path of each node: "rule", "rule.all[1]", "rule.all[1].any[0]", "rule.not", "rule.not.any[2]". */
export function nodePaths(model: RuleModel): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (n: NodeModel, path: string) => {
    out.set(path, n.key)
    if (n.kind !== 'group') return
    n.children.forEach((c, i) => {
      const p = n.op === 'not' ? (n.children.length === 1 ? `${path}.not` : `${path}.not.any[${i}]`) : `${path}.${n.op}[${i}]`
      walk(c, p)
    })
  }
  walk(model.root, 'rule')
  return out
}

/** The key of the node an error path names: the deepest node whose path is the error's or a
 * prefix of it ("rule.all[1].any[0].value" → the condition at rule.all[1].any[0]). */
export function keyOfPath(model: RuleModel, path: string, paths: Map<string, string> = nodePaths(model)): string | null {
  let best: string | null = null
  let bestLen = -1
  for (const [p, key] of paths) {
    if ((path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`)) && p.length > bestLen) {
      best = key
      bestLen = p.length
    }
  }
  return best
}

/** The parameter an error path names ("parameters.min_patents", "parameters.min_patents.2024-01-01"). */
export function paramOfPath(path: string, names: readonly string[]): string | null {
  if (path !== 'parameters' && !path.startsWith('parameters.')) return null
  const rest = path.slice('parameters.'.length)
  // Names may hold dots: the longest known name the path starts with.
  const known = names.filter((n) => rest === n || rest.startsWith(`${n}.`) || rest.startsWith(`${n}[`)).sort((a, b) => b.length - a.length)
  if (known.length) return known[0]
  const m = /^([^.[]+)/.exec(rest)
  return m ? m[1] : null
}

export function findNode(root: NodeModel, key: string): NodeModel | null {
  if (root.key === key) return root
  if (root.kind === 'group') {
    for (const c of root.children) {
      const f = findNode(c, key)
      if (f) return f
    }
  }
  return null
}

export interface PlacedErrors {
  /** node key → messages */
  nodes: Record<string, string[]>
  /** parameter name → messages */
  params: Record<string, string[]>
  /** Messages that belong to no node. */
  rest: string[]
}

/** Places the field errors of a 422 answer on the builder's nodes and parameters. */
export function placeErrors(model: RuleModel, fields: readonly { field: string; message: string; code?: string }[]): PlacedErrors {
  const out: PlacedErrors = { nodes: {}, params: {}, rest: [] }
  const paths = nodePaths(model)
  const names = model.params.map((p) => p.name)
  for (const f of fields) {
    const msg = f.message || f.code || ''
    const param = paramOfPath(f.field, names)
    if (param !== null) {
      ;(out.params[param] ??= []).push(msg)
      continue
    }
    const key = f.field === 'rule' || f.field.startsWith('rule.') || f.field.startsWith('rule[') ? keyOfPath(model, f.field, paths) : null
    if (key) (out.nodes[key] ??= []).push(msg)
    else out.rest.push(msg)
  }
  return out
}

// ---------------------------------------------------------------- ids

/** The next free condition id: c1, c2, … one past the highest cN in use (never a used id). */
export function nextConditionId(model: RuleModel | NodeModel): string {
  const root = 'root' in model ? model.root : model
  const used = new Set(conditions(root).map((c) => c.id))
  let max = 0
  for (const id of used) {
    const m = /^c(\d+)$/.exec(id)
    if (m) max = Math.max(max, Number(m[1]))
  }
  let n = max + 1
  while (used.has(`c${n}`)) n++
  return `c${n}`
}

/** Gives every condition without an id, or with one already taken, a fresh one (in place);
 * returns how many it changed. */
export function ensureIds(model: RuleModel): number {
  const all = conditions(model.root)
  let max = 0
  for (const c of all) {
    const m = /^c(\d+)$/.exec(c.id)
    if (m) max = Math.max(max, Number(m[1]))
  }
  const seen = new Set<string>()
  let changed = 0
  for (const c of all) {
    if (c.id.trim() && !seen.has(c.id)) {
      seen.add(c.id)
      continue
    }
    do max++
    while (all.some((x) => x.id === `c${max}`))
    c.id = `c${max}`
    seen.add(c.id)
    changed++
  }
  return changed
}

// ---------------------------------------------------------------- values by field and operator

export const VALUELESS_OPS = ['exists']
export const LIST_OPS = ['in', 'not_in', 'has_any', 'has_all']
export const PAIR_OPS = ['between']
export const YEARS_OPS = ['years_ago>=', 'years_ago<']

export function isValueless(op: string): boolean {
  return VALUELESS_OPS.includes(op)
}

export type ValueShape = 'none' | 'single' | 'pair' | 'list'
export function valueShape(op: string): ValueShape {
  if (isValueless(op)) return 'none'
  if (LIST_OPS.includes(op)) return 'list'
  if (PAIR_OPS.includes(op)) return 'pair'
  return 'single'
}

/** What one value of a condition is: a number (with the field's unit), a count of years, a date,
 * a choice among the field's values, or yes/no. */
export type ValueKind = 'number' | 'integer' | 'years' | 'date' | 'choice' | 'bool'
export function valueKind(type: FieldType | undefined, op: string): ValueKind {
  if (YEARS_OPS.includes(op)) return 'years'
  switch (type) {
    case 'int':
      return 'integer'
    case 'float':
      return 'number'
    case 'date':
      return 'date'
    case 'bool':
      return 'bool'
    case 'enum':
    case 'set':
      return 'choice'
    default:
      return 'number'
  }
}

/**
 * The operators offered for a field: its catalogue's, less `in` / `not_in` on decimal fields
 * (the server refuses them there although the catalogue lists them).
 */
export function opsFor(field: PolicyField | undefined): string[] {
  if (!field) return []
  return field.ops.filter((op) => !(field.type === 'float' && (op === 'in' || op === 'not_in')))
}

/** The operator a condition starts with when its field is chosen. */
export function defaultOp(field: PolicyField | undefined): string {
  const ops = opsFor(field)
  if (!field || ops.length === 0) return ''
  const prefer: Record<FieldType, string[]> = {
    int: ['>='],
    float: ['>='],
    date: ['years_ago>=', '>='],
    enum: ['==', 'in'],
    bool: ['=='],
    set: ['has', 'has_any'],
  }
  return prefer[field.type]?.find((op) => ops.includes(op)) ?? ops[0]
}

/** Whether an operator may take its value from a dated parameter (a single value or a list). */
export function paramAllowed(op: string): boolean {
  return !isValueless(op) && !PAIR_OPS.includes(op)
}

/** The starting value after the field or the operator changed: kept when it still fits. */
export function coerceValue(field: PolicyField | undefined, op: string, old: RuleValue | null): RuleValue | null {
  const shape = valueShape(op)
  if (shape === 'none') return null
  const kind = valueKind(field?.type, op)
  const fits = (v: Scalar | null | undefined): boolean => {
    if (v === null || v === undefined) return false
    switch (kind) {
      case 'number':
      case 'integer':
      case 'years':
        return typeof v === 'number'
      case 'date':
        return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)
      case 'bool':
        return typeof v === 'boolean'
      case 'choice':
        return typeof v === 'string' && Boolean(field?.values.some((x) => x.value === v))
    }
  }
  if (shape === 'list') {
    const list = Array.isArray(old) ? old : old === null ? [] : [old]
    return list.filter((v) => fits(v))
  }
  if (shape === 'pair') {
    if (Array.isArray(old) && old.length === 2 && fits(old[0]) && fits(old[1])) return [old[0], old[1]]
    return []
  }
  const one = Array.isArray(old) ? old[0] : old
  if (fits(one ?? null)) return one as Scalar
  return kind === 'bool' ? true : null
}

/** Whether a value is complete for the operator. */
export function valueComplete(op: string, v: RuleValue | null): boolean {
  switch (valueShape(op)) {
    case 'none':
      return true
    case 'list':
      return Array.isArray(v) && v.length > 0
    case 'pair':
      return Array.isArray(v) && v.length === 2 && v.every((x) => x !== null && x !== '' && x !== undefined)
    default:
      return v !== null && v !== '' && !Array.isArray(v)
  }
}

// ---------------------------------------------------------------- local checks

export type IssueCode =
  | 'emptyGroup'
  | 'noField'
  | 'fieldUnknown'
  | 'noOp'
  | 'opInvalid'
  | 'noValue'
  | 'noParam'
  | 'paramUndefined'

export type ParamIssueCode = 'noEntries' | 'entryIncomplete' | 'duplicateDate'

export interface LocalIssues {
  nodes: Record<string, IssueCode[]>
  params: Record<string, ParamIssueCode[]>
  count: number
}

/** What keeps the rule from being sent: empty groups, conditions not filled in, parameters
 * without dated values. */
export function checkModel(model: RuleModel, fields: readonly PolicyField[]): LocalIssues {
  const out: LocalIssues = { nodes: {}, params: {}, count: 0 }
  const add = (key: string, code: IssueCode) => {
    ;(out.nodes[key] ??= []).push(code)
    out.count++
  }
  const byName = new Map(fields.map((f) => [f.name, f]))
  const paramNames = new Set(model.params.map((p) => p.name))
  const walk = (n: NodeModel) => {
    if (n.kind === 'group') {
      if (n.children.length === 0) add(n.key, 'emptyGroup')
      n.children.forEach(walk)
      return
    }
    if (!n.field) return add(n.key, 'noField')
    const f = byName.get(n.field)
    if (!f) return add(n.key, 'fieldUnknown')
    if (!n.op) return add(n.key, 'noOp')
    if (!opsFor(f).includes(n.op)) return add(n.key, 'opInvalid')
    if (n.mode === 'param') {
      if (!n.param) add(n.key, 'noParam')
      else if (!paramNames.has(n.param)) add(n.key, 'paramUndefined')
    } else if (!valueComplete(n.op, n.value)) add(n.key, 'noValue')
  }
  walk(model.root)
  const used = usedParams(model)
  for (const p of model.params) {
    if (!used.has(p.name)) continue
    const codes: ParamIssueCode[] = []
    if (p.entries.length === 0) codes.push('noEntries')
    if (p.entries.some((e) => !e.date || e.value === null || (Array.isArray(e.value) && e.value.length === 0))) codes.push('entryIncomplete')
    const dates = p.entries.map((e) => e.date).filter(Boolean)
    if (new Set(dates).size !== dates.length) codes.push('duplicateDate')
    if (codes.length) {
      out.params[p.name] = codes
      out.count += codes.length
    }
  }
  return out
}

/** A parameter name not yet taken, from the field: "invention_patents_threshold", "…_2". */
export function newParamName(field: string, taken: readonly string[]): string {
  const base = `${field || 'param'}_threshold`
  if (!taken.includes(base)) return base
  let n = 2
  while (taken.includes(`${base}_${n}`)) n++
  return `${base}_${n}`
}

/** The entry of a parameter in force on a date (the latest dated on or before it). */
export function paramInForce(entries: readonly ParamEntry[], on: string): ParamEntry | null {
  let best: ParamEntry | null = null
  for (const e of entries) if (e.date && e.date <= on && (!best || e.date > best.date)) best = e
  return best
}

// ---------------------------------------------------------------- wording

/** The i18n key (under pol.ops / pol.sentence) of an operator on a field of a type: dates read
 * as 早于 / 晚于, choices and yes/no as 为 / 不为. */
export function opKey(op: string, type?: FieldType): string {
  const dateWords: Record<string, string> = { '>=': 'onOrAfter', '>': 'after', '<=': 'onOrBefore', '<': 'before' }
  if (type === 'date' && dateWords[op]) return dateWords[op]
  if ((type === 'enum' || type === 'bool') && (op === '==' || op === '!=')) return op === '==' ? 'is' : 'isNot'
  const keys: Record<string, string> = {
    '>=': 'ge',
    '>': 'gt',
    '<=': 'le',
    '<': 'lt',
    '==': 'eq',
    '!=': 'ne',
    in: 'in',
    not_in: 'notIn',
    between: 'between',
    exists: 'exists',
    'years_ago>=': 'yearsAgoGe',
    'years_ago<': 'yearsAgoLt',
    has: 'has',
    not_has: 'notHas',
    has_any: 'hasAny',
    has_all: 'hasAll',
  }
  return keys[op] ?? op
}

export function fieldLabel(f: PolicyField | undefined, name: string, locale: string): string {
  if (!f) return name
  return locale === 'en' ? f.label_en || f.label_zh : f.label_zh
}

export function fieldUnit(f: PolicyField | undefined, locale: string): string {
  if (!f) return ''
  return locale === 'en' ? f.unit_en : f.unit_zh
}

function ymdText(v: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v)
  if (!m) return v
  return locale === 'en' ? v : `${m[1]}年${Number(m[2])}月${Number(m[3])}日`
}

/** One value as read: the choice's label, 是/否, a date, a number with the field's unit. */
export function scalarText(f: PolicyField | undefined, op: string, v: Scalar, tr: Tr, locale: string, withUnit = true): string {
  const kind = valueKind(f?.type, op)
  if (kind === 'bool' || typeof v === 'boolean') return v ? tr('common.yes') : tr('common.no')
  if (kind === 'choice') {
    const x = f?.values.find((c) => c.value === String(v))
    return x ? (locale === 'en' ? x.label_en || x.label_zh : x.label_zh) : String(v)
  }
  if (kind === 'date') return ymdText(String(v), locale)
  if (kind === 'years') return String(v)
  const unit = fieldUnit(f, locale)
  const num = typeof v === 'number' ? v.toLocaleString(locale === 'en' ? 'en' : 'zh-CN', { maximumFractionDigits: 4 }) : String(v)
  return withUnit && unit ? (unit === '%' ? `${num}%` : `${num} ${unit}`) : num
}

/** A value of any shape as read ("制造业、信息技术", "100 ~ 200 万元"). */
export function valueText(f: PolicyField | undefined, op: string, v: RuleValue | null, tr: Tr, locale: string): string {
  if (v === null || v === undefined) return ''
  const sep = locale === 'en' ? ', ' : '、'
  switch (valueShape(op)) {
    case 'none':
      return ''
    case 'list':
      return (Array.isArray(v) ? v : [v]).map((x) => scalarText(f, op, x, tr, locale)).join(sep)
    case 'pair': {
      if (!Array.isArray(v) || v.length !== 2) return ''
      const kind = valueKind(f?.type, op)
      const unit = kind === 'number' || kind === 'integer' ? fieldUnit(f, locale) : ''
      const lo = scalarText(f, op, v[0], tr, locale, false)
      const hi = scalarText(f, op, v[1], tr, locale, false)
      return unit ? (unit === '%' ? `${lo}% ~ ${hi}%` : `${lo} ~ ${hi} ${unit}`) : `${lo} ~ ${hi}`
    }
    default:
      return Array.isArray(v) ? v.map((x) => scalarText(f, op, x, tr, locale)).join(sep) : scalarText(f, op, v, tr, locale)
  }
}

/**
 * A condition in plain words: "有效发明专利 大于等于 2 件", "成立日期距今满 1 年", "持有资质标签
 * 不包含 高新技术企业"; one taking a dated parameter reads "… 大于等于 下列按日期分段的取值".
 */
export function conditionSentence(c: RuleCondition, fields: readonly PolicyField[], tr: Tr, locale: string): string {
  const f = fields.find((x) => x.name === c.field)
  const field = fieldLabel(f, c.field, locale)
  const key = opKey(c.op, f?.type)
  let value: string
  if (c.param) value = tr('pol.rule.paramValue')
  else value = valueText(f, c.op, c.value ?? null, tr, locale)
  return tr(`pol.sentence.${key}`, { field, value })
}

/** The heading of a group: 全部满足 / 满足其一 / 不满足 / 均不满足. */
export function groupHeadingKey(g: { op: GroupOp; children: readonly unknown[] }): string {
  if (g.op === 'not') return g.children.length > 1 ? 'pol.group.none' : 'pol.group.not'
  return `pol.group.${g.op}`
}

// ---------------------------------------------------------------- fields

/** The groups of the field select, in order. */
export const FIELD_GROUPS = ['basic', 'ip', 'figures', 'labels', 'other'] as const
export type FieldGroup = (typeof FIELD_GROUPS)[number]

const GROUP_OF: Record<string, FieldGroup> = {
  industry: 'basic',
  station: 'basic',
  size: 'basic',
  stage: 'basic',
  grade: 'basic',
  upgrade_potential: 'basic',
  founded_on: 'basic',
  invention_patents: 'ip',
  utility_patents: 'ip',
  design_patents: 'ip',
  trademarks: 'ip',
  software_copyrights: 'ip',
  revenue_last_year: 'figures',
  rd_spend_last_year: 'figures',
  rd_ratio_last_year: 'figures',
  employees_last_year: 'figures',
  tax_paid_last_year: 'figures',
  labels: 'labels',
}

export function fieldGroup(name: string, type?: FieldType): FieldGroup {
  if (GROUP_OF[name]) return GROUP_OF[name]
  if (type === 'set') return 'labels'
  if (name.endsWith('_last_year')) return 'figures'
  return 'other'
}

/** The fields by group, in catalogue order, leaving out empty groups. */
export function groupFields(fields: readonly PolicyField[]): { group: FieldGroup; fields: PolicyField[] }[] {
  return FIELD_GROUPS.map((group) => ({ group, fields: fields.filter((f) => fieldGroup(f.name, f.type) === group) })).filter((g) => g.fields.length > 0)
}
