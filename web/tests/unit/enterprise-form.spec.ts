import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus, { ElFormItem } from 'element-plus'
import { i18n, setLocale } from '@/i18n'
import { icons } from '@/plugins/icons'
import EnterpriseFormDialog from '@/views/enterprises/EnterpriseFormDialog.vue'
import type { Enterprise } from '@/api/types'

type Call = { url: string; method: string; body: unknown }

function stubFetch(answer: (c: Call) => { status: number; body?: unknown }) {
  const calls: Call[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const c = { url, method: init.method ?? 'GET', body: init.body ? JSON.parse(String(init.body)) : undefined }
      calls.push(c)
      const { status, body } = answer(c)
      return new Response(body === undefined ? null : JSON.stringify(body), { status })
    }),
  )
  return calls
}

const lists = (c: Call) => {
  if (c.url.startsWith('/api/stations')) return { status: 200, body: { items: [{ id: 's1', name: '张江科学城服务直通站' }], total: 1, page: 1, page_size: 200 } }
  if (c.url.startsWith('/api/labels') || c.url.startsWith('/api/grades')) return { status: 200, body: [] }
  return null
}

async function mountForm(enterprise: Enterprise | null = null) {
  setActivePinia(createPinia())
  const wrapper = mount(EnterpriseFormDialog, {
    props: { modelValue: false, enterprise },
    global: { plugins: [i18n, ElementPlus, icons] },
    attachTo: document.body,
  })
  await wrapper.setProps({ modelValue: true })
  await flushPromises()
  current = wrapper
  return wrapper
}

const el = (id: string) => document.querySelector(`[data-testid="${id}"]`) as HTMLElement
async function type(id: string, value: string) {
  const input = el(id).tagName === 'INPUT' ? (el(id) as HTMLInputElement) : (el(id).querySelector('input') as HTMLInputElement)
  input.value = value
  input.dispatchEvent(new Event('input'))
  await flushPromises()
}
async function submit() {
  el('ent-form-submit').click()
  await flushPromises()
  await new Promise((r) => setTimeout(r, 0))
  await flushPromises()
}
// The message the form item is given (happy-dom does not run the error's transition).
let current: ReturnType<typeof mount> | null = null
const usccError = () => {
  expect(el('ent-item-uscc').classList.contains('is-error')).toBe(true)
  return current!.findAllComponents(ElFormItem).find((c) => c.props('prop') === 'uscc')!.props('error')
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
  setLocale('zh-CN')
})

describe('EnterpriseFormDialog', () => {
  it('checks the length and characters of the USCC before asking the server', async () => {
    const calls = stubFetch((c) => lists(c) ?? { status: 500 })
    await mountForm()
    await type('ent-field-uscc', '9131011')
    await submit()
    expect(usccError()).toBe('统一社会信用代码应为 18 位（当前 7 位）')
    await type('ent-field-uscc', '91350100M000100YI3')
    await submit()
    expect(usccError()).toBe('统一社会信用代码第 17 位“I”不是允许的字符（不用 I、O、S、V、Z）')
    expect(calls.filter((c) => c.method === 'POST')).toEqual([])
  })

  it('shows the server’s check-character message at the USCC field', async () => {
    const calls = stubFetch(
      (c) =>
        lists(c) ?? {
          status: 422,
          body: {
            code: 'validation.failed',
            message: '提交的数据有误，请按提示修改',
            fields: [{ field: 'uscc', code: 'uscc.check_char', message: '校验位错误：第 18 位应为“3”，不是“4”' }],
          },
        },
    )
    await mountForm()
    await type('ent-field-uscc', '91350100m000100y44')
    await type('ent-field-name', '示例企业')
    await submit()
    const post = calls.find((c) => c.method === 'POST')!
    expect(post.url).toBe('/api/enterprises')
    expect(post.body).toMatchObject({ uscc: '91350100M000100Y44', name: '示例企业', size: 'below', stage: 'startup' })
    expect(usccError()).toBe('校验位错误：第 18 位应为“3”，不是“4”')
  })

  it('sends only what changed, with the version, and keeps masked personal data', async () => {
    const e = {
      id: 'e1',
      uscc: '91350100M000100Y43',
      name: '旧名称有限公司',
      station_id: 's1',
      station_name: '张江科学城服务直通站',
      industry_code: 'C2710',
      industry_name: '化学药品原料药制造',
      size: 'below',
      stage: 'growth',
      grade: null,
      labels: [],
      expiring_certificates: 0,
      registered_on: '2020-01-02',
      updated_at: '2026-11-25T00:00:00Z',
      former_names: [],
      registered_address: '',
      operating_address: '',
      cluster: '',
      upgrade_potential: false,
      legal_rep_name: '李明',
      legal_rep_id_number: '110105********002X',
      legal_rep_phone: '138****5678',
      version: 7,
      created_at: '2026-01-01T00:00:00Z',
    } as Enterprise
    const calls = stubFetch((c) => lists(c) ?? { status: 200, body: { ...e, name: '新名称有限公司', version: 8 } })
    const w = await mountForm(e)
    await type('ent-field-name', '新名称有限公司')
    await submit()
    const patch = calls.find((c) => c.method === 'PATCH')!
    expect(patch.url).toBe('/api/enterprises/e1')
    expect(patch.body).toEqual({ name: '新名称有限公司', version: 7 })
    expect(w.emitted('saved')?.[0]?.[0]).toMatchObject({ name: '新名称有限公司' })
  })
})
