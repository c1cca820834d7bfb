// A paged list behind a filter bar, as the enterprise, request, policy, catalog and portal lists
// have it: the current page, its rows and total, and a load that keeps only the latest answer.
import { reactive, ref, type Ref } from 'vue'
import { showError } from '@/utils/notify'

/** One page of a list as the API returns it. */
export interface ListPage<T> {
  items: T[]
  total: number
  /** The total stopped counting at a cap (shown as "10,000+"). */
  total_capped?: boolean
}

export interface Paging {
  page: number
  page_size: number
}

export interface PagedListOptions<P> {
  /** The page to start on (e.g. from the address bar); the first when absent or below 1. */
  page?: number
  pageSize?: number
  /** Loads only while this holds (a policy without criteria has no matches to page through). */
  when?: () => boolean
  /** Runs as each load starts, e.g. to put the filters in the address bar. */
  before?: () => void
  /** Sees each page kept, for the figures that come with it. */
  after?: (page: P) => void
}

/**
 * `load` fetches the current page. Only the answer to the latest call is kept: a slow earlier
 * answer (typing in the search box, paging fast) never overwrites a newer one. A failure shows
 * the server's message and leaves the rows shown as they were. `search` starts again from the
 * first page.
 */
export function usePagedList<T, P extends ListPage<T> = ListPage<T>>(fetch: (paging: Paging) => Promise<P>, opts: PagedListOptions<P> = {}) {
  const rows = ref([]) as Ref<T[]>
  const total = ref(0)
  const capped = ref(false)
  const loading = ref(false)
  const paging = reactive<Paging>({ page: Math.max(1, Math.floor(opts.page ?? 1) || 1), page_size: opts.pageSize ?? 20 })
  let seq = 0

  async function load(): Promise<void> {
    if (opts.when && !opts.when()) return
    const mine = ++seq
    loading.value = true
    opts.before?.()
    try {
      const res = await fetch({ page: paging.page, page_size: paging.page_size })
      if (mine !== seq) return
      rows.value = res.items
      total.value = res.total
      capped.value = Boolean(res.total_capped)
      opts.after?.(res)
    } catch (e) {
      if (mine === seq) showError(e)
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  function search(): void {
    paging.page = 1
    void load()
  }

  return { rows, total, capped, loading, paging, load, search }
}

/** What the address bar keeps of a list: its non-empty filters, and the page past the first. */
export function addressOf(filters: Record<string, string | null | undefined>, page?: number): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(filters)) if (v) out[k] = v
  if (page && page > 1) out.page = String(page)
  return out
}
