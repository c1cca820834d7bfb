import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import { i18n, setLocale } from '@/i18n'
import LoginView from '@/views/LoginView.vue'
import { icons } from '@/plugins/icons'

type Handler = (url: string, init: RequestInit) => { status: number; body?: unknown }

function stubFetch(handler: Handler) {
  const f = vi.fn(async (url: string, init: RequestInit) => {
    const { status, body } = handler(url, init)
    return new Response(body === undefined ? null : JSON.stringify(body), { status })
  })
  vi.stubGlobal('fetch', f)
  return f
}

async function mountLogin(query = '') {
  setActivePinia(createPinia())
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', component: LoginView },
      { path: '/dashboard', component: { template: '<div>dash</div>' } },
    ],
  })
  await router.push(`/login${query}`)
  const wrapper = mount(LoginView, { global: { plugins: [router, i18n, ElementPlus, icons] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

const input = (w: ReturnType<typeof mount>, id: string) => w.find(`[data-testid="${id}"]`)

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
  setLocale('zh-CN')
})

describe('LoginView', () => {
  it('shows the demo banner with the demo password when the server is in demo mode', async () => {
    stubFetch(() => ({ status: 200, body: { product: 'zhitong', version: '0.1.0', demo: true } }))
    const { wrapper } = await mountLogin()
    const banner = wrapper.find('[data-testid="demo-banner"]')
    expect(banner.exists()).toBe(true)
    expect(banner.text()).toContain('演示环境：数据为虚构演示数据，请勿录入真实信息')
    expect(banner.text()).toContain('Zhitong@Demo2026')
  })

  it('asks for the TOTP code when the server requires it, then sends it', async () => {
    const bodies: Record<string, unknown>[] = []
    stubFetch((url, init) => {
      if (url.startsWith('/api/meta')) return { status: 200, body: { product: 'zhitong', version: '0', demo: false } }
      const body = JSON.parse(String(init.body))
      bodies.push(body)
      if (!body.totp) return { status: 401, body: { code: 'auth.totp_required', message: '请输入动态口令', fields: [] } }
      return { status: 200, body: { id: 1, username: 'auditor', display_name: '审计员', roles: ['auditor'], permissions: ['audit.read'], scope: { kind: 'none' } } }
    })
    const { wrapper, router } = await mountLogin()
    expect(wrapper.find('[data-testid="demo-banner"]').exists()).toBe(false)
    expect(input(wrapper, 'login-totp').exists()).toBe(false)
    await input(wrapper, 'login-username').setValue('auditor')
    await input(wrapper, 'login-password').setValue('secret')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(input(wrapper, 'login-totp').exists()).toBe(true)
    expect(wrapper.text()).toContain('请输入动态口令')
    await input(wrapper, 'login-totp').setValue('123456')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(bodies[1]).toEqual({ username: 'auditor', password: 'secret', totp: '123456' })
    expect(router.currentRoute.value.path).toBe('/dashboard')
  })

  it('shows the lock time from params.until in Shanghai time', async () => {
    stubFetch((url) =>
      url.startsWith('/api/meta')
        ? { status: 200, body: { demo: false } }
        : { status: 423, body: { code: 'auth.locked', message: '账号已锁定', fields: [], params: { until: '2026-11-25T06:35:00Z' } } },
    )
    const { wrapper } = await mountLogin()
    await input(wrapper, 'login-username').setValue('leader')
    await input(wrapper, 'login-password').setValue('x')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    const err = wrapper.find('[data-testid="login-error"]')
    expect(err.text()).toContain('账号已锁定')
    expect(err.text()).toContain('2026年11月25日 14:35')
  })

  it('does not repeat a lock time the server message already names', async () => {
    stubFetch((url) =>
      url.startsWith('/api/meta')
        ? { status: 200, body: { demo: false } }
        : {
            status: 423,
            body: { code: 'auth.locked', message: '账号已锁定至 2026-11-25 14:35', fields: [], params: { until: '2026-11-25T06:35:00Z', until_local: '2026-11-25 14:35' } },
          },
    )
    const { wrapper } = await mountLogin()
    await input(wrapper, 'login-username').setValue('leader')
    await input(wrapper, 'login-password').setValue('x')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    const err = wrapper.find('[data-testid="login-error"]')
    expect(err.text()).toContain('账号已锁定至 2026-11-25 14:35')
    expect(err.text()).not.toContain('请于')
  })

  it('says the session expired after a redirect', async () => {
    stubFetch(() => ({ status: 200, body: { demo: false } }))
    const { wrapper } = await mountLogin('?expired=1')
    expect(wrapper.find('[data-testid="login-expired"]').text()).toContain('登录已过期，请重新登录')
  })

  it('sends Accept-Language en after switching to English', async () => {
    setLocale('en')
    const f = stubFetch((url) =>
      url.startsWith('/api/meta') ? { status: 200, body: { demo: false } } : { status: 401, body: { code: 'auth.invalid_credentials', message: 'Wrong username or password' } },
    )
    const { wrapper } = await mountLogin()
    expect(wrapper.text()).toContain('Sign in')
    await input(wrapper, 'login-username').setValue('x')
    await input(wrapper, 'login-password').setValue('y')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    const init = f.mock.calls.at(-1)![1] as RequestInit
    expect((init.headers as Record<string, string>)['Accept-Language']).toBe('en')
    expect(wrapper.find('[data-testid="login-error"]').text()).toContain('Wrong username or password')
    expect(localStorage.getItem('zt.locale')).toBe('en')
  })
})
