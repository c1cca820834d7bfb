import { describe, expect, it, vi } from 'vitest'
import { ElMessage } from 'element-plus'
import { ApiError } from '@/api/http'
import { addressOf, usePagedList, type ListPage, type Paging } from '@/utils/paged-list'

vi.mock('element-plus', () => ({ ElMessage: { error: vi.fn() } }))

/** A fetch whose answers the test releases one by one, in any order. */
function deferredFetch() {
  const calls: { paging: Paging; resolve: (p: ListPage<string>) => void; reject: (e: unknown) => void }[] = []
  const fetch = (paging: Paging) =>
    new Promise<ListPage<string>>((resolve, reject) => {
      calls.push({ paging, resolve, reject })
    })
  return { calls, fetch }
}

describe('a paged list', () => {
  it('keeps the answer to the latest load when an earlier one comes back last', async () => {
    const { calls, fetch } = deferredFetch()
    const list = usePagedList(fetch)
    const first = list.load()
    list.paging.page = 2
    const second = list.load()
    calls[1].resolve({ items: ['第二页'], total: 40 })
    await second
    calls[0].resolve({ items: ['第一页'], total: 39, total_capped: true })
    await first
    expect(list.rows.value).toEqual(['第二页'])
    expect(list.total.value).toBe(40)
    expect(list.capped.value).toBe(false)
    expect(list.loading.value).toBe(false)
    expect(calls.map((c) => c.paging.page)).toEqual([1, 2])
  })

  it('stays loading while a newer load is under way, and shows only that one’s failure', async () => {
    const { calls, fetch } = deferredFetch()
    const list = usePagedList(fetch)
    vi.mocked(ElMessage.error).mockClear()
    const first = list.load()
    const second = list.load()
    calls[0].reject(new ApiError(500, { code: 'internal', message: '旧的请求失败' }))
    await first
    expect(list.loading.value).toBe(true)
    expect(ElMessage.error).not.toHaveBeenCalled()
    calls[1].reject(new ApiError(422, { code: 'validation', message: '查询条件有误' }))
    await second
    expect(list.loading.value).toBe(false)
    expect(ElMessage.error).toHaveBeenCalledWith(expect.objectContaining({ message: '查询条件有误' }))
  })

  it('starts a search on the first page, runs `before` at each load and gives `after` the page kept', async () => {
    const { calls, fetch } = deferredFetch()
    const before = vi.fn()
    const after = vi.fn()
    const list = usePagedList(fetch, { page: 3, pageSize: 50, before, after })
    expect(list.paging).toEqual({ page: 3, page_size: 50 })
    list.search()
    expect(before).toHaveBeenCalledTimes(1)
    expect(calls[0].paging).toEqual({ page: 1, page_size: 50 })
    calls[0].resolve({ items: ['甲'], total: 1, total_capped: true })
    await vi.waitFor(() => expect(after).toHaveBeenCalledWith({ items: ['甲'], total: 1, total_capped: true }))
    expect(list.capped.value).toBe(true)
  })

  it('loads nothing while its condition does not hold', async () => {
    const { calls, fetch } = deferredFetch()
    let ready = false
    const list = usePagedList(fetch, { when: () => ready })
    await list.load()
    expect(calls).toHaveLength(0)
    expect(list.loading.value).toBe(false)
    ready = true
    const loading = list.load()
    expect(calls).toHaveLength(1)
    calls[0].resolve({ items: ['乙'], total: 1 })
    await loading
    expect(list.rows.value).toEqual(['乙'])
  })

  it('starts on the first page when the address bar holds no usable page', () => {
    expect(usePagedList(deferredFetch().fetch, { page: 0 }).paging.page).toBe(1)
    expect(usePagedList(deferredFetch().fetch, { page: Number('abc') }).paging.page).toBe(1)
  })
})

describe('the address of a list', () => {
  it('keeps the filters that are set and the page past the first', () => {
    expect(addressOf({ q: '华为', state: '', level: undefined, stage: null }, 1)).toEqual({ q: '华为' })
    expect(addressOf({ q: '', state: 'open' }, 3)).toEqual({ state: 'open', page: '3' })
  })
})
