// The small lists the archive screens name things by: labels, grades, stations. Loaded once
// per page load and shared by every screen.
import { computed, ref } from 'vue'
import { api } from '@/api'
import type { GradeDef, LabelDef, Station } from '@/api/types'
import { currentLocale } from '@/i18n'

const labels = ref<LabelDef[]>([])
const grades = ref<GradeDef[]>([])
const stations = ref<Station[]>([])
let loading: Promise<void> | null = null

function load(): Promise<void> {
  if (!loading) {
    loading = Promise.allSettled([api.labels(), api.grades(), api.stations.list({ page_size: 200 })]).then(([l, g, s]) => {
      if (l.status === 'fulfilled') labels.value = l.value
      if (g.status === 'fulfilled') grades.value = g.value
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
  /** "A 类" of "A 类（重点服务）": for narrow table cells. */
  function gradeShort(code: string | null | undefined): string {
    return gradeName(code).split(/[（(]/)[0].trim()
  }
  return { labels, grades, stations, labelName, gradeName, gradeShort, reload: load, refreshLabels }
}

/** A tag colour per grade position: the first (highest) grade stands out. */
export function gradeTagType(code: string | null | undefined, all: readonly GradeDef[]): 'danger' | 'warning' | 'primary' | 'info' {
  if (!code) return 'info'
  const i = all.findIndex((g) => g.code === code)
  return (['danger', 'warning', 'primary'] as const)[i] ?? 'info'
}

/** The display format of the date pickers: Chinese style in zh-CN (values stay YYYY-MM-DD). */
export { dateFormat } from '@/i18n'

