// The small lists the catalog and request screens name things by: catalog categories,
// departments and stations. Loaded once per page load and shared.
import { computed, ref } from 'vue'
import { api } from '@/api'
import type { Category, Department, Id, Station } from '@/api'
import { currentLocale } from '@/i18n'

const categories = ref<Category[]>([])
const departments = ref<Department[]>([])
const stations = ref<Station[]>([])
let loading: Promise<void> | null = null

function load(): Promise<void> {
  if (!loading) {
    loading = Promise.allSettled([
      api.catalog.categories(),
      api.departments.list({ page_size: 200 }),
      api.stations.list({ page_size: 200 }),
    ]).then(([c, d, s]) => {
      if (c.status === 'fulfilled') categories.value = [...c.value].sort((a, b) => a.sort_order - b.sort_order)
      if (d.status === 'fulfilled') departments.value = d.value.items
      if (s.status === 'fulfilled') stations.value = s.value.items
      if ([c, d, s].some((r) => r.status === 'rejected')) loading = null
    })
  }
  return loading
}

export async function reloadCategories(): Promise<void> {
  categories.value = [...(await api.catalog.categories())].sort((a, b) => a.sort_order - b.sort_order)
}

/** The key an item names its category by: the code (OpenAPI) or the id (docs/requests.md). */
export function categoryKeyOf(item: { category_code?: string; category_id?: Id }): string {
  return String(item.category_code ?? item.category_id ?? '')
}

/**
 * Whether the user may change an item: catalog.manage, and for station (or department) scope
 * only the station's own items, not the bureau-wide ones (as the server checks).
 */
export function mayManageItem(
  can: (...anyOf: string[]) => boolean,
  scope: string | null | undefined,
  item: { station_id: Id | null },
): boolean {
  if (!can('catalog.manage')) return false
  return scope === 'all' || scope === 'bureau' || item.station_id != null
}

export function useLookups() {
  void load()
  const en = computed(() => currentLocale.value === 'en')
  const byId = <T extends { id: Id }>(list: readonly T[], id: Id | null | undefined) =>
    id === null || id === undefined ? undefined : list.find((x) => String(x.id) === String(id))
  /** A category by its code (or by the id docs/requests.md gives it). */
  function categoryName(key: Id | null | undefined): string {
    if (key === null || key === undefined) return ''
    const c = categories.value.find((x) => x.code === String(key) || (x.id !== undefined && String(x.id) === String(key)))
    return c ? (en.value ? c.name_en || c.name_zh : c.name_zh) : ''
  }
  function departmentName(id: Id | null | undefined): string {
    return byId(departments.value, id)?.name ?? ''
  }
  function stationName(id: Id | null | undefined): string {
    return byId(stations.value, id)?.name ?? ''
  }
  return { categories, departments, stations, categoryName, departmentName, stationName, ready: load }
}
