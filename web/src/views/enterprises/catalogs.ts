// The small lists the archive screens name things by: labels, grades, stations. Loaded once
// per page load and shared by every screen. Labels and grades are dictionaries (字典管理): a
// disabled one is no longer offered, but records that carry it still show its name.
import { computed, ref } from 'vue'
import { api } from '@/api'
import type { GradeDef, LabelDef, Station } from '@/api/types'
import { currentLocale } from '@/i18n'
import { choicesOf, isEnabled, tagType } from '@/utils/dicts'

const labels = ref<LabelDef[]>([])
const grades = ref<GradeDef[]>([])
const stations = ref<Station[]>([])
let loading: Promise<void> | null = null

function load(): Promise<void> {
  if (!loading) {
    loading = Promise.allSettled([api.labels(), api.grades(), api.stations.list({ page_size: 200 }), api.dicts.entries('grade')]).then(([l, g, s, gd]) => {
      if (l.status === 'fulfilled') labels.value = l.value
      if (g.status === 'fulfilled') grades.value = withColors(g.value, gd.status === 'fulfilled' ? gd.value : [])
      if (s.status === 'fulfilled') stations.value = s.value.items
      // Try again next time when something failed (the endpoint may be new).
      if ([l, g, s].some((r) => r.status === 'rejected')) loading = null
    })
  }
  return loading
}

/**
 * Fetches the label list again: administrators add labels while others have the app open, and
 * a label added a moment ago must be offered at once (the label dialog, the list filter).
 */
export async function refreshLabels(): Promise<LabelDef[]> {
  const fresh = await api.labels()
  labels.value = fresh
  return fresh
}

/** The grades with the colours of the grade dictionary (GET /api/grades has none). */
function withColors(list: GradeDef[], entries: readonly { code: string; color: string }[]): GradeDef[] {
  if (!Array.isArray(list)) return []
  if (!Array.isArray(entries)) return list
  const colors = new Map(entries.map((e) => [e.code, e.color]))
  return list.map((g) => (colors.has(g.code) ? { ...g, color: colors.get(g.code) } : g))
}

/** Fetches the grade list again (an administrator may have disabled or added one). */
export async function refreshGrades(): Promise<GradeDef[]> {
  const [fresh, entries] = await Promise.all([api.grades(), api.dicts.entries('grade').catch(() => [])])
  grades.value = withColors(fresh, entries)
  return grades.value
}

/** Puts a label just created into the shared list (when the list cannot be read). */
export function rememberLabel(d: LabelDef): void {
  if (!labels.value.some((l) => l.code === d.code)) labels.value = [...labels.value, d]
}

export function useCatalogs() {
  void load()
  const labelMap = computed(() => new Map(labels.value.map((l) => [l.code, l])))
  const gradeMap = computed(() => new Map(grades.value.map((g) => [g.code, g])))
  const en = computed(() => currentLocale.value === 'en')
  function labelName(code: string): string {
    const l = labelMap.value.get(code)
    return l ? (en.value ? l.name_en : l.name_zh) : code
  }
  function gradeName(code: string | null | undefined): string {
    if (!code) return ''
    const g = gradeMap.value.get(code)
    return g ? (en.value ? g.name_en : g.name_zh) : code
  }
  /** Whether a label may still be given (false for a disabled one; unknown codes count as enabled). */
  function labelEnabled(code: string): boolean {
    const l = labelMap.value.get(code)
    return !l || isEnabled(l)
  }
  function gradeEnabled(code: string | null | undefined): boolean {
    const g = code ? gradeMap.value.get(code) : undefined
    return !g || isEnabled(g)
  }
  /** A label tag's look: the colour 字典管理 gives it; grey once disabled. */
  function labelTagType(code: string): ReturnType<typeof tagType> {
    const l = labelMap.value.get(code)
    if (l && !isEnabled(l)) return 'info'
    return tagType(l?.color)
  }
  /** The labels a picker offers: the enabled ones, plus `keep` (a value already chosen). */
  const labelChoices = (keep?: string | readonly string[] | null) => choicesOf(labels.value, keep)
  /** The grades a picker offers: the enabled ones, plus `keep`. */
  const gradeChoices = (keep?: string | null) => choicesOf(grades.value, keep)
  /** "A 类" of "A 类（重点服务）": for narrow table cells. */
  function gradeShort(code: string | null | undefined): string {
    return gradeName(code).split(/[（(]/)[0].trim()
  }
  return {
    labels,
    grades,
    stations,
    labelName,
    gradeName,
    gradeShort,
    labelEnabled,
    gradeEnabled,
    labelTagType,
    labelChoices,
    gradeChoices,
    reload: load,
    refreshLabels,
    refreshGrades,
  }
}

/** A grade's tag colour: the one 字典管理 gives it, else by position (the first, highest, stands out). */
export function gradeTagType(code: string | null | undefined, all: readonly GradeDef[]): 'danger' | 'warning' | 'primary' | 'success' | 'info' {
  if (!code) return 'info'
  const i = all.findIndex((g) => g.code === code)
  const own = tagType(all[i]?.color)
  if (own) return own
  return (['danger', 'warning', 'primary'] as const)[i] ?? 'info'
}

/** The display format of the date pickers: Chinese style in zh-CN (values stay YYYY-MM-DD). */
export { dateFormat } from '@/i18n'

