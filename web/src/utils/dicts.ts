// Helpers of the dictionaries (字典管理) and of the pickers that read them: which entries a
// picker offers (the enabled ones, plus what a record already holds), names in the UI language,
// the filter over code and names, the tag colours, and the GB/T 4754 industry tree.
import { TAG_COLORS, type TagColor } from '@/api/dicts'

/** What every dictionary-backed list has (labels, grades, categories, entries). */
export interface DictItem {
  code: string
  name_zh: string
  name_en: string
  enabled?: boolean
}

/** An entry counts as enabled unless the server says otherwise (older lists had no flag). */
export function isEnabled(e: { enabled?: boolean }): boolean {
  return e.enabled !== false
}

/**
 * The entries a picker offers for a new choice: the enabled ones, in their order, plus the ones
 * in `keep` (the value a record already holds), so that an edit form still shows it.
 */
export function choicesOf<T extends { code: string; enabled?: boolean }>(entries: readonly T[], keep?: string | readonly (string | null | undefined)[] | null): T[] {
  const kept = new Set((Array.isArray(keep) ? keep : [keep]).filter((k): k is string => typeof k === 'string' && k !== ''))
  return entries.filter((e) => isEnabled(e) || kept.has(e.code))
}

/** An entry's name in the UI language (the Chinese one when there is no English name). */
export function entryName(e: Pick<DictItem, 'name_zh' | 'name_en'>, locale: string): string {
  return locale === 'en' ? e.name_en || e.name_zh : e.name_zh
}

/** Whether an entry matches a filter text: code, Chinese or English name, ignoring case. */
export function matchesEntry(e: Pick<DictItem, 'code' | 'name_zh' | 'name_en'>, q: string): boolean {
  const s = q.trim().toLowerCase()
  if (!s) return true
  return e.code.toLowerCase().includes(s) || e.name_zh.toLowerCase().includes(s) || (e.name_en ?? '').toLowerCase().includes(s)
}

export function filterEntries<T extends Pick<DictItem, 'code' | 'name_zh' | 'name_en'>>(entries: readonly T[], q: string): T[] {
  return entries.filter((e) => matchesEntry(e, q))
}

/** Counts for the dictionary list: "8 / 9" enabled of all. */
export function enabledCount(entries: readonly { enabled?: boolean }[]): { enabled: number; total: number } {
  return { enabled: entries.filter(isEnabled).length, total: entries.length }
}

// ---- colours ----

/** The el-tag type of a colour; undefined for '' (the tag's default look) or an unknown value. */
export function tagType(color: string | null | undefined): Exclude<TagColor, ''> | undefined {
  return color && (TAG_COLORS as string[]).includes(color) ? (color as Exclude<TagColor, ''>) : undefined
}

/** The colours the entry dialog offers, with the i18n key of each one's name (RuoYi's words). */
export function colorOptions(): { value: TagColor; key: string }[] {
  return TAG_COLORS.map((c) => ({ value: c, key: `dict.colors.${c || 'default'}` }))
}

// ---- entry codes ----

/** The server's rule for a new entry's code: letters, digits and `_`, at most 32. */
export function validEntryCode(code: string): boolean {
  return /^[A-Za-z0-9_]{1,32}$/.test(code.trim())
}

/** The order a new entry gets by default: ten after the last one. */
export function nextSortOrder(entries: readonly { sort_order: number }[]): number {
  return entries.reduce((m, e) => Math.max(m, e.sort_order), 0) + 10
}

// ---- GB/T 4754-2017 industries ----

export interface IndustryNode {
  /** The entry's code: the cascader's value. */
  value: string
  /** "C27 医药制造业": code and name, so that the cascader's search finds either. */
  label: string
  name_zh: string
  disabled?: boolean
  children?: IndustryNode[]
}

/**
 * The industry dictionary as a tree for a cascader: sections (C) with their divisions (C27), and
 * any finer entry under its longest prefix. Disabled entries are left out unless one is the
 * value a record holds (`keep`: then it is shown, not selectable again); a section whose
 * divisions all went stays when it is itself enabled.
 */
export function industryTree(entries: readonly (DictItem & { sort_order?: number })[], locale: string, keep?: string | null): IndustryNode[] {
  const kept = keep ? industryNodeFor(keep, entries) : null
  const shown = entries.filter((e) => isEnabled(e) || e.code === kept || (kept !== null && kept.startsWith(e.code)))
  const codes = new Set(shown.map((e) => e.code))
  const nodes = new Map<string, IndustryNode>()
  const roots: IndustryNode[] = []
  for (const e of shown) {
    const node: IndustryNode = { value: e.code, label: `${e.code} ${entryName(e, locale)}`, name_zh: e.name_zh }
    if (!isEnabled(e)) node.disabled = true
    nodes.set(e.code, node)
  }
  for (const e of shown) {
    const node = nodes.get(e.code)!
    const parent = longestPrefix(e.code, codes, false)
    if (parent) {
      const p = nodes.get(parent)!
      ;(p.children ??= []).push(node)
    } else {
      roots.push(node)
    }
  }
  return roots
}

/** How the industry tree is picked from: any level (a section, a division or finer), by its own
 * code, opening on hover. */
export const INDUSTRY_CASCADER_PROPS = { checkStrictly: true, emitPath: false, expandTrigger: 'hover' as const, checkOnClickNode: true }

/** The longest code in `codes` that `code` starts with (itself too when `self`). */
function longestPrefix(code: string, codes: ReadonlySet<string>, self: boolean): string | null {
  for (let n = self ? code.length : code.length - 1; n > 0; n--) {
    const p = code.slice(0, n)
    if (codes.has(p)) return p
  }
  return null
}

/**
 * The dictionary entry an enterprise's industry code falls in: the code itself when it is an
 * entry, else its longest prefix that is (C3490 → C34); null when none is.
 */
export function industryNodeFor(code: string | null | undefined, entries: readonly { code: string }[]): string | null {
  const c = (code ?? '').trim().toUpperCase()
  if (!c) return null
  return longestPrefix(c, new Set(entries.map((e) => e.code)), true)
}

/** The enabled sections (门类: one letter), e.g. for an audience by industry section. */
export function industrySections<T extends DictItem>(entries: readonly T[]): T[] {
  return entries.filter((e) => /^[A-Z]$/.test(e.code) && isEnabled(e))
}
