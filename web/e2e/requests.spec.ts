// One-door requests (一门式) through the browser, against `zhitong serve --demo`: the dashboard's
// overdue and near-due counts, a request of each of the five process types from intake to its
// end, a refusal with its printable notice, a paused clock, an extension, the window queue
// figures, the working-day calendar and the request clock settings.
//
// The demo district ships catalog items of each process type (their names carry the type in
// Chinese); the tests look them up through the API rather than hard-coding ids.
import { expect, test, type Locator, type Page } from '@playwright/test'
import { login, logout, pickOption } from './helpers'

test.describe.configure({ mode: 'serial' })

type ProcessType = 'on_spot' | 'window_backoffice_complete' | 'window_backoffice_window' | 'window_division' | 'backoffice_direct'

const TYPE_ZH: Record<ProcessType, string> = {
  on_spot: '窗口受理当场办理',
  window_backoffice_complete: '窗口受理后台办结',
  window_backoffice_window: '窗口受理后台办理',
  window_division: '窗口受理处室办理',
  backoffice_direct: '后台直接办理',
}

interface SlipEntry {
  key: string
  kind: string
  text: string
  required: boolean
}
interface Item {
  id: string
  name: string
  process_type: ProcessType
  department_id: string | null
  limit_value: number
  limit_unit: string
  slip?: { version: number; entries: SlipEntry[] } | null
}
interface Req {
  id: string
  number: string
  state: string
  stage: string | null
  deadline: string | null
  missing_years: number[]
  warning?: string
  version: number
}

/** The window officer, the station manager (handles and approves), the IP department's handler. */
const WINDOW = 'zhangwei'
const MANAGER = 'zhangjiang'
const IP_HANDLER = 'ipdept'

/** A calendar date as the Chinese screens show it: 2026-03-05 → 2026年3月5日. */
function zhDate(ymd: string): string {
  const [y, m, d] = ymd.split('-')
  return `${y}年${Number(m)}月${Number(d)}日`
}

async function getJson<T>(page: Page, url: string, params?: Record<string, string | number>): Promise<T> {
  const res = await page.request.get(url, { params })
  expect(res.ok(), `${url}: ${res.status()} ${await res.text()}`).toBeTruthy()
  return (await res.json()) as T
}

/** A published item of the process type (by its code, or by the Chinese name in its title). */
async function itemOf(page: Page, type: ProcessType): Promise<Item> {
  const items = (await getJson<{ items: Item[] }>(page, '/api/catalog/items', { status: 'published', page_size: 200 })).items
  const ofType = items.filter((i) => i.process_type === type || i.name.includes(TYPE_ZH[type]))
  expect(ofType.length, `a published demo item of type ${type}`).toBeGreaterThan(0)
  // Prefer the IP department's items: its demo handler (ipdept) finishes them.
  const departments = (await getJson<{ items: { id: string; name: string }[] }>(page, '/api/departments', { page_size: 200 })).items
  const ip = departments.find((d) => d.name === '知识产权科')?.id
  const score = (i: Item) => (i.department_id === ip ? 1 : 0)
  const full = await Promise.all(ofType.map((i) => getJson<Item>(page, `/api/catalog/items/${i.id}`)))
  return full.sort((a, b) => score(b) - score(a))[0]
}

/** Who finishes the work of an item in the back office or division. */
async function handlerFor(page: Page, item: Item): Promise<string> {
  if (!item.department_id) return MANAGER
  const d = await getJson<{ name: string }>(page, `/api/departments/${item.department_id}`)
  return d.name === '知识产权科' ? IP_HANDLER : MANAGER
}

/** An enterprise the window officer's station serves. */
async function anEnterprise(page: Page, skip = 0): Promise<{ uscc: string; name: string }> {
  const list = await getJson<{ items: { uscc: string; name: string }[] }>(page, '/api/enterprises', { page_size: 20 })
  expect(list.items.length).toBeGreaterThan(skip)
  return list.items[skip]
}

async function requestById(page: Page, id: string): Promise<Req> {
  return getJson<Req>(page, `/api/requests/${id}`)
}

/** Fills the intake screen: USCC typed in lower case (shown upper case), item, applicant. */
async function fillIntake(page: Page, ent: { uscc: string; name: string }, item: Item): Promise<void> {
  await page.goto('/requests/intake')
  const uscc = page.getByTestId('intake-uscc')
  await uscc.pressSequentially(ent.uscc.toLowerCase())
  await expect(uscc).toHaveValue(ent.uscc)
  await expect(page.getByTestId('intake-enterprise')).toContainText(ent.name)
  await page.getByTestId('intake-item').click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: item.name }).first().click()
  await expect(page.getByTestId('intake-item-facts')).toContainText(TYPE_ZH[item.process_type])
  await page.getByTestId('intake-applicant-name').fill('李明')
  await page.getByTestId('intake-applicant-phone').fill('13812345678')
}

/** Ticks every slip entry (when the slip has any). */
async function tickAll(page: Page, item: Item): Promise<void> {
  if (item.slip?.entries?.length) {
    await expect(page.getByTestId('slip-checklist')).toBeVisible()
    await page.getByTestId('intake-tick-all').click()
    await expect(page.getByTestId('intake-missing-count')).toBeHidden()
  }
}

/** Accepts at the window; checks the receipt; returns the request id and number. */
async function acceptAtWindow(page: Page, ent: { uscc: string; name: string }, item: Item): Promise<{ id: string; number: string }> {
  await fillIntake(page, ent, item)
  await tickAll(page, item)
  await page.getByTestId('intake-accept').click()
  const result = page.getByTestId('intake-result')
  await expect(result).toBeVisible()
  const number = (await page.getByTestId('intake-number').innerText()).trim()
  expect(number.length).toBeGreaterThan(5)

  // 打印回执 opens the printable receipt in a new window.
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByTestId('intake-print-receipt').click()])
  await popup.waitForLoadState()
  await expect(popup.locator('body')).toContainText('回执')
  await expect(popup.locator('body')).toContainText(number)
  await popup.close()

  await page.getByTestId('intake-view').click()
  await expect(page).toHaveURL(/\/requests\/[^/]+$/)
  await expect(page.getByTestId('req-detail-number')).toHaveText(number)
  const id = page.url().split('/').pop()!
  return { id, number }
}

/** Runs one action of the detail page through its dialog. */
async function act(page: Page, action: string, fill?: (dialog: Locator) => Promise<void>): Promise<void> {
  await page.getByTestId(`req-action-${action}`).click()
  const dialog = page.getByTestId('req-action-dialog')
  await expect(dialog).toBeVisible()
  if (fill) await fill(dialog)
  await dialog.getByTestId('req-dlg-submit').click()
  await expect(dialog).toBeHidden()
}

async function routeOn(page: Page, stageZh: string): Promise<void> {
  await act(page, 'route', async (d) => {
    const dept = d.getByTestId('req-route-department')
    // No department preset from the item: take the first one offered.
    if ((await dept.count()) > 0 && (await dept.locator('.el-select__placeholder.is-transparent').count()) > 0) {
      await dept.click()
      await page.locator('.el-select-dropdown__item:visible').first().click()
    }
    await d.getByTestId('req-dlg-note').fill('材料齐全，请审查')
  })
  await expect(page.getByTestId('req-detail-stage')).toContainText(stageZh)
  await expect(page.getByTestId('req-timeline')).toContainText('移交')
}

async function completeOn(page: Page): Promise<void> {
  await act(page, 'complete', (d) => d.getByTestId('req-dlg-result').fill('准予办理，结果文书已制作'))
  await expect(page.getByTestId('req-detail-state')).toHaveText('已办结')
  await expect(page.getByTestId('req-detail-result')).toContainText('准予办理')
}

async function deliverOn(page: Page): Promise<void> {
  await act(page, 'deliver', async (d) => {
    await expect(d.getByTestId('req-dlg-delivered-to')).not.toHaveValue('')
  })
  await expect(page.getByTestId('req-detail-state')).toHaveText('已出件')
  await expect(page.getByTestId('req-actions')).toBeHidden()
}

async function as(page: Page, user: string, path: string): Promise<void> {
  await logout(page)
  await login(page, user)
  await page.goto(path)
}

test('the dashboard counts the overdue requests and opens the queue filtered to them', async ({ page }) => {
  await login(page, WINDOW)
  const card = page.getByTestId('dash-requests')
  await expect(card).toBeVisible()
  await expect(card).toContainText('我的办件')

  // The same figures as the list answers: overdue and open by their totals, near-due by its rows.
  const total = async (params: Record<string, string | number>) => (await getJson<{ total: number }>(page, '/api/requests', { ...params, page_size: 1 })).total
  const nearDue = async (params: Record<string, string>) =>
    (await getJson<{ items: Req[] }>(page, '/api/requests', { ...params, warning: 'near_due', page_size: 200 })).items.filter((r) => r.warning === 'near_due').length
  const overdue = await total({ warning: 'overdue', mine: 'true' })
  expect(overdue, 'the demo specialist has overdue requests at 张江').toBeGreaterThan(0)
  const count = (id: string) => page.getByTestId(id).getByTestId('dash-req-count')
  await expect(count('dash-req-mine-overdue')).toHaveText(String(overdue))
  await expect(page.getByTestId('dash-req-mine-overdue')).toHaveClass(/hot/)
  await expect(count('dash-req-mine-near_due')).toHaveText(String(await nearDue({ mine: 'true' })))
  await expect(count('dash-req-mine-open')).toHaveText(String(await total({ state: 'open', mine: 'true' })))
  // The specialist works with station scope: the whole station's counts too.
  await expect(count('dash-req-scope-overdue')).toHaveText(String(await total({ warning: 'overdue' })))
  await expect(count('dash-req-scope-near_due')).toHaveText(String(await nearDue({})))

  await page.getByTestId('dash-req-mine-overdue').click()
  await expect(page).toHaveURL(/\/requests\?/)
  const url = new URL(page.url())
  expect(url.searchParams.get('warning')).toBe('overdue')
  expect(url.searchParams.get('mine')).toBe('1')
  await expect(page.getByTestId('req-f-warning')).toContainText('超期')
  await expect(page.getByTestId('req-f-mine')).toHaveClass(/is-checked/)
  const rows = page.getByTestId('req-table').locator('.el-table__body .el-table__row')
  await expect(rows).toHaveCount(Math.min(overdue, 20))
  for (const w of await rows.getByTestId('req-warning').allInnerTexts()) expect(w.trim()).toBe('超期')
  await expect(rows.getByTestId('req-warning')).toHaveCount(Math.min(overdue, 20))
})

test('on the spot (窗口受理当场办理): accepted, completed and delivered at once', async ({ page }) => {
  await login(page, WINDOW)
  await page.getByTestId('menu-/requests/intake').click()
  await expect(page).toHaveURL(/\/requests\/intake$/)
  const item = await itemOf(page, 'on_spot')
  const ent = await anEnterprise(page)
  await acceptAtWindow(page, ent, item)
  await expect(page.getByTestId('req-detail-state')).toHaveText('已出件')
  await expect(page.getByTestId('req-detail-type')).toHaveText('窗口受理当场办理')
  await expect(page.getByTestId('req-timeline')).toContainText('受理')
})

test('window, back office completes (窗口受理后台办结): accept → route → complete', async ({ page }) => {
  await login(page, WINDOW)
  const item = await itemOf(page, 'window_backoffice_complete')
  const handler = await handlerFor(page, item)
  const ent = await anEnterprise(page, 1)
  const { id, number } = await acceptAtWindow(page, ent, item)
  await expect(page.getByTestId('req-detail-state')).toHaveText(/已受理|办理中/)
  const accepted = await requestById(page, id)
  expect(accepted.deadline).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  await expect(page.getByTestId('req-detail-deadline')).toHaveText(zhDate(accepted.deadline!))

  // The queue lists it by deadline, with the calendar gap named when the deadline needed one.
  await page.goto(`/requests?q=${encodeURIComponent(number)}`)
  const row = page.getByTestId('req-table').locator('.el-table__row', { hasText: number })
  await expect(row).toBeVisible()
  await expect(row.getByTestId('req-deadline')).toContainText(zhDate(accepted.deadline!))
  for (const y of accepted.missing_years ?? []) await expect(row.getByTestId('req-missing-years')).toContainText(`日历缺少 ${y} 年数据`)
  await row.getByTestId('req-number').click()
  await expect(page.getByTestId('req-detail-number')).toHaveText(number)

  await routeOn(page, '后台')
  await as(page, handler, `/requests/${id}`)
  await completeOn(page)
  await expect(page.getByTestId('req-action-deliver')).toBeHidden()
  expect((await requestById(page, id)).state).toBe('completed')
})

test('window, back office, window (窗口受理后台办理): accept → route → complete → deliver', async ({ page }) => {
  await login(page, WINDOW)
  const item = await itemOf(page, 'window_backoffice_window')
  const handler = await handlerFor(page, item)
  const { id } = await acceptAtWindow(page, await anEnterprise(page, 2), item)
  await routeOn(page, '后台')
  await as(page, handler, `/requests/${id}`)
  await completeOn(page)
  await as(page, WINDOW, `/requests/${id}`)
  await deliverOn(page)
  expect((await requestById(page, id)).state).toBe('delivered')
})

test('window, division, window (窗口受理处室办理): accept → route → complete → deliver', async ({ page }) => {
  await login(page, WINDOW)
  const item = await itemOf(page, 'window_division')
  const handler = await handlerFor(page, item)
  const { id } = await acceptAtWindow(page, await anEnterprise(page, 3), item)
  await routeOn(page, '处室')
  await as(page, handler, `/requests/${id}`)
  await completeOn(page)
  await as(page, WINDOW, `/requests/${id}`)
  await deliverOn(page)
})

test('back office directly (后台直接办理): taken in, completed by the back office', async ({ page }) => {
  await login(page, WINDOW)
  const item = await itemOf(page, 'backoffice_direct')
  const handler = await handlerFor(page, item)
  await fillIntake(page, await anEnterprise(page, 4), item)
  // The channel follows the item.
  await expect(page.getByTestId('intake-channel').locator('.is-active')).toContainText('后台')
  await tickAll(page, item)
  await page.getByTestId('intake-accept').click()
  await expect(page.getByTestId('intake-result')).toBeVisible()
  const number = (await page.getByTestId('intake-number').innerText()).trim()
  await page.getByTestId('intake-view').click()
  await expect(page.getByTestId('req-detail-number')).toHaveText(number)
  const id = page.url().split('/').pop()!
  await expect(page.getByTestId('req-detail-stage')).toContainText('后台')
  await as(page, handler, `/requests/${id}`)
  await completeOn(page)
  expect((await requestById(page, id)).state).toBe('completed')
})

test('a refusal cites the unticked entries and prints the notice (不予受理告知书)', async ({ page }) => {
  await login(page, WINDOW)
  const item = await itemOf(page, 'window_backoffice_complete')
  const required = (item.slip?.entries ?? []).filter((e) => e.required)
  await fillIntake(page, await anEnterprise(page, 5), item)
  await tickAll(page, item)
  if (required.length) {
    // Untick a required entry: accepting is not possible, and the screen says why.
    await page.getByTestId(`slip-entry-${required[0].key}`).click()
    await expect(page.getByTestId('intake-missing-count')).toContainText('1 项必需条目未勾选')
    await page.getByTestId('intake-accept').click()
    await expect(page.getByTestId('intake-error')).toContainText(required[0].text)
    await expect(page.getByTestId('intake-result')).toBeHidden()
  }
  await page.getByTestId('intake-refuse').click()
  const dialog = page.getByTestId('intake-refuse-dialog')
  await expect(dialog).toBeVisible()
  if (required.length) await expect(dialog).toContainText(required[0].text)
  // A reason is required.
  await dialog.getByTestId('intake-refuse-submit').click()
  await expect(dialog.locator('.el-form-item__error')).toBeVisible()
  const reason = '申请材料不齐全，经一次性告知后仍未补正'
  await dialog.getByTestId('intake-refuse-reason').fill(reason)
  await dialog.getByTestId('intake-refuse-submit').click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('intake-result')).toContainText('不予受理')
  const number = (await page.getByTestId('intake-number').innerText()).trim()

  const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByTestId('intake-print-refusal').click()])
  await popup.waitForLoadState()
  const body = popup.locator('body')
  await expect(body).toContainText('不予受理')
  await expect(body).toContainText(number)
  await expect(body).toContainText(reason)
  if (required.length) await expect(body).toContainText(required[0].text)
  await popup.close()

  await page.getByTestId('intake-view').click()
  await expect(page.getByTestId('req-detail-state')).toHaveText('不予受理')
  await expect(page.getByTestId('req-print-refusal')).toBeVisible()
})

test('a paused clock: suspension and materials hold the deadline, resuming moves it on', async ({ page }) => {
  await login(page, MANAGER)
  // A demo request paused on an earlier day: resuming it moves its deadline on by the pause.
  const paused = [
    ...(await getJson<{ items: Req[] }>(page, '/api/requests', { state: 'suspended', page_size: 50 })).items,
    ...(await getJson<{ items: Req[] }>(page, '/api/requests', { state: 'awaiting_materials', page_size: 50 })).items,
  ].filter((r) => r.deadline)
  const earlier = paused[0]
  test.info().annotations.push({ type: 'paused demo request', description: earlier ? `${earlier.number} (${earlier.state})` : 'none in the demo data' })
  if (earlier) {
    // The working days between the pause and today are what the deadline moves on by.
    const detail = await getJson<{ events: { at: string; kind: string }[] }>(page, `/api/requests/${earlier.id}`)
    const pause = [...detail.events].reverse().find((e) => /suspend|material/.test(e.kind))
    const pausedOn = pause ? new Date(pause.at).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }) : null
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })
    const gap = pausedOn ? (await getJson<{ working_days: number }>(page, '/api/calendar/working-days', { from: pausedOn, to: today })).working_days : 0
    test.info().annotations.push({ type: 'paused since', description: `${pausedOn}, ${gap} working days` })

    await page.goto(`/requests/${earlier.id}`)
    await expect(page.getByTestId('req-detail-deadline')).toHaveText(zhDate(earlier.deadline!))
    await expect(page.getByTestId('req-header')).toContainText('计时暂停')
    await act(page, earlier.state === 'suspended' ? 'resume' : 'materialsReceived')
    await expect(page.getByTestId('req-detail-state')).not.toHaveText(/已挂起|待补正/)
    const after = await requestById(page, earlier.id)
    if (gap > 0) expect(after.deadline! > earlier.deadline!, `${after.deadline} after ${earlier.deadline} (paused ${gap} working days)`).toBeTruthy()
    else expect(after.deadline! >= earlier.deadline!).toBeTruthy()
    await expect(page.getByTestId('req-detail-deadline')).toHaveText(zhDate(after.deadline!))
    await expect(page.getByTestId('req-timeline')).toContainText(earlier.state === 'suspended' ? '恢复办理' : '补正')
  }

  // A fresh request: suspended and resumed the same day, the deadline does not move back.
  const item = await itemOf(page, 'window_backoffice_complete')
  const { id } = await acceptAtWindow(page, await anEnterprise(page, 6), item)
  const before = await requestById(page, id)
  await act(page, 'suspend', (d) => d.getByTestId('req-dlg-reason').fill('等待企业提供检测报告'))
  await expect(page.getByTestId('req-detail-state')).toHaveText('已挂起')
  await expect(page.getByTestId('req-header')).toContainText('计时暂停')
  await act(page, 'resume')
  await expect(page.getByTestId('req-detail-state')).toHaveText(/已受理|办理中/)
  const resumed = await requestById(page, id)
  expect(resumed.deadline! >= before.deadline!).toBeTruthy()
  await expect(page.getByTestId('req-timeline')).toContainText('挂起')

  // An extension the requester asks for and another approves adds its working days.
  await as(page, WINDOW, `/requests/${id}`)
  await act(page, 'extend', async (d) => {
    await d.getByTestId('req-ext-days').locator('input').fill('3')
    await d.getByTestId('req-dlg-reason').fill('需组织专家论证')
  })
  await expect(page.getByTestId('req-ext-pending')).toBeVisible()
  await expect(page.getByTestId('req-ext-approve')).toBeHidden() // not by the requester
  const expected = await getJson<{ date: string }>(page, '/api/calendar/add-working-days', { from: resumed.deadline!, days: 3 })
  await as(page, MANAGER, `/requests/${id}`)
  await page.getByTestId('req-ext-approve').click()
  const dialog = page.getByTestId('req-action-dialog')
  await dialog.getByTestId('req-dlg-note').fill('同意')
  await dialog.getByTestId('req-dlg-submit').click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('req-ext-approved')).toBeVisible()
  await expect(page.getByTestId('req-detail-deadline')).toHaveText(zhDate(expected.date))
})

test('a stale version is refused with the server message and the page reloads', async ({ page }) => {
  await login(page, MANAGER)
  const item = await itemOf(page, 'window_backoffice_complete')
  const { id } = await acceptAtWindow(page, await anEnterprise(page, 7), item)
  // Someone else acts first, behind the page's back.
  const r = await requestById(page, id)
  const res = await page.request.post(`/api/requests/${id}/suspend`, { data: { reason: '他人先行操作', version: r.version } })
  expect(res.ok(), await res.text()).toBeTruthy()
  await act(page, 'suspend', (d) => d.getByTestId('req-dlg-reason').fill('重复操作'))
  await expect(page.locator('.el-message--warning')).toBeVisible()
  await expect(page.getByTestId('req-detail-state')).toHaveText('已挂起')
})

test('the working-day calendar shows Golden Week and flags a year it does not cover', async ({ page }) => {
  await login(page, MANAGER)
  await page.getByTestId('menu-/system/calendar').click()
  await expect(page).toHaveURL(/\/system\/calendar$/)
  const year = await page.getByTestId('cal-year').innerText()
  if (!year.includes('2026')) {
    await page.getByTestId('cal-year').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '2026' }).click()
  }
  await expect(page.getByTestId('cal-notice-title')).toContainText('2026年部分节假日安排')
  await expect(page.getByTestId('cal-notice-no')).toContainText('国办发明电')
  for (const d of ['01', '02', '03', '04', '05', '06', '07']) {
    await expect(page.getByTestId(`cal-day-2026-10-${d}`)).toHaveAttribute('data-kind', 'holiday')
  }
  await expect(page.getByTestId('cal-day-2026-10-08')).toHaveAttribute('data-kind', '')
  await expect(page.getByTestId('cal-day-2026-10-10')).toHaveAttribute('data-kind', 'workday')
  await expect(page.getByTestId('cal-day-2026-10-10')).toContainText('班')
  await expect(page.getByTestId('cal-periods')).toContainText('国庆节')

  // A year the calendar does not cover (none after the last notice shipped).
  const years = await getJson<{ year: number }[]>(page, '/api/calendar/years')
  const last = Math.max(...years.map((y) => y.year))
  if (last === 2026) {
    await page.getByTestId('cal-next').click()
    await expect(page.getByTestId('cal-missing')).toContainText('日历缺少 2027 年数据')
    await page.getByTestId('cal-prev').click()
  }

  // A station manager closes the station for a day, then takes it back.
  await page.getByTestId('cal-add-day').click()
  const dialog = page.getByTestId('cal-day-dialog')
  await expect(dialog).toBeVisible()
  // The picker reads and takes dates the Chinese way.
  const picker = dialog.getByTestId('cal-f-day').locator('input')
  await picker.fill('2026年12月30日')
  await picker.press('Enter')
  await dialog.getByTestId('cal-f-kind-closure').click()
  await dialog.getByTestId('cal-f-name').fill('E2E 站点闭站')
  await dialog.getByTestId('cal-save').click()
  await expect(dialog).toBeHidden()
  const day = page.getByTestId('cal-day-2026-12-30')
  await expect(day).toHaveAttribute('data-kind', 'closure')
  await day.click()
  await expect(dialog).toBeVisible()
  await dialog.getByTestId('cal-remove').click()
  await page.locator('.el-message-box').getByRole('button').last().click()
  await expect(day).toHaveAttribute('data-kind', '')
})

test('a station manager writes a catalog item, versions its slip and publishes it', async ({ page }) => {
  await login(page, MANAGER)
  await page.getByTestId('menu-/catalog').click()
  await expect(page).toHaveURL(/\/catalog$/)
  const table = page.getByTestId('cat-table')
  await expect(table.locator('.el-table__row').first()).toBeVisible()
  await page.getByTestId('cat-category-ip').click()
  await expect(table).toContainText('知识产权保护与运用')
  await expect(table).not.toContainText('产品质量认证')

  await page.getByTestId('cat-new-item').click()
  const dialog = page.getByTestId('cat-item-dialog')
  await expect(dialog).toBeVisible()
  // A new item comes with its first slip: a condition and a material to fill in.
  await dialog.getByTestId('slip-text').nth(0).fill('属于本辖区登记注册企业')
  await dialog.getByTestId('slip-text').nth(1).fill('质量提升咨询申请表')
  await dialog.getByTestId('slip-required').nth(1).click()
  // An empty name comes back from the server as a 422 at the field.
  await dialog.getByTestId('cat-item-submit').click()
  await expect(dialog.getByTestId('cat-item-f-name').locator('.el-form-item__error')).toBeVisible()
  // A fee that is not a sum is caught before sending.
  await dialog.getByTestId('cat-field-fee-kind').getByText('收费', { exact: true }).click()
  await dialog.getByTestId('cat-field-fee').fill('三百')
  await dialog.getByTestId('cat-item-submit').click()
  await expect(dialog.getByTestId('cat-item-f-fee').locator('.el-form-item__error')).toContainText('请输入金额')

  const name = `E2E 质量提升咨询 ${Date.now() % 100000}`
  await dialog.getByTestId('cat-field-name').fill(name)
  await dialog.getByTestId('cat-field-fee').fill('300')
  await pickOption(dialog.getByTestId('cat-field-category'), '质量提升')
  await pickOption(dialog.getByTestId('cat-field-department'), '质量发展科')
  await dialog.getByTestId('cat-field-conditions').fill('申请人为本辖区登记注册的企业')
  await dialog.getByTestId('cat-field-guide').fill('窗口受理后转质量发展科办理')
  await dialog.getByTestId('cat-item-submit').click()
  await expect(dialog).toBeHidden()

  // The new item is listed in its category as a draft with the first slip.
  const row = table.locator('.el-table__row', { hasText: name })
  await expect(row.getByTestId('cat-item-status')).toHaveText('草稿')
  await expect(row.getByTestId('cat-item-limit')).toHaveText('5 个工作日')
  await expect(row.getByTestId('cat-item-fee')).toHaveText('¥300.00')

  // 保存为新版本: each save of the slip is a new version; the older one stays readable.
  await row.getByTestId('cat-slip').click()
  const slip = page.getByTestId('slip-dialog')
  await expect(slip).toBeVisible()
  const versionTag = slip.getByTestId('slip-version')
  await expect(versionTag).toHaveText(/第 \d+ 版/)
  const first = Number((await versionTag.innerText()).replace(/\D/g, ''))
  await slip.getByTestId('slip-add-material').click()
  await slip.getByTestId('slip-text').nth(2).fill('企业质量管理体系说明')
  await slip.getByTestId('slip-save').click()
  await expect(versionTag).toHaveText(`第 ${first + 1} 版`)
  await slip.getByTestId('slip-history').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: `第 ${first} 版` }).click()
  await expect(slip.getByTestId('slip-history-view')).not.toContainText('企业质量管理体系说明')
  await expect(slip.getByTestId('slip-history-view')).toContainText('质量提升咨询申请表')
  await slip.getByTestId('slip-close').click()
  await expect(slip).toBeHidden()

  // Corrected before publishing: the limit becomes 7 working days.
  await row.getByTestId('cat-edit').click()
  await expect(dialog).toBeVisible()
  await expect(dialog.getByTestId('cat-field-name')).toHaveValue(name)
  await dialog.getByTestId('cat-field-limit').locator('input').fill('7')
  await dialog.getByTestId('cat-item-submit').click()
  await expect(dialog).toBeHidden()
  await expect(row.getByTestId('cat-item-limit')).toHaveText('7 个工作日')
  await expect(row.getByTestId('cat-item-fee')).toHaveText('¥300.00')

  await row.getByTestId('cat-publish').click()
  await page.locator('.el-message-box').getByRole('button').last().click()
  await expect(row.getByTestId('cat-item-status')).toHaveText('已发布')

  // The guide reads as the public sees it.
  await row.getByTestId('cat-item-name').click()
  await expect(page.getByTestId('cat-guide-name')).toHaveText(name)
  await expect(page.getByTestId('cat-guide-type')).toHaveText('窗口受理后台办结')
  await expect(page.getByTestId('cat-guide-limit')).toHaveText('7 个工作日')
  await expect(page.getByTestId('cat-guide-fee')).toHaveText('¥300.00')
  await expect(page.getByTestId('cat-guide-slip-list')).toContainText('企业质量管理体系说明')
  await expect(page.getByTestId('breadcrumb')).toContainText('服务清单')
})

test('the window queue (窗口排队): received per window and hour, the peak hour marked', async ({ page }) => {
  await login(page, WINDOW)
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })
  const me = await getJson<{ station_id: string }>(page, '/api/me')
  const rows = await getJson<{ window_no: string; hour: number; received: number }[]>(page, '/api/requests/queue', { day: today, station_id: me.station_id })
  await page.goto('/requests/figures')
  await page.locator('#tab-queue').click()
  await expect(page).toHaveURL(/tab=queue/)
  await expect(page.getByTestId('queue-day').locator('input')).toHaveValue(zhDate(today))
  const table = page.getByTestId('queue-table')
  await expect(table.locator('.el-table__body .el-table__row')).toHaveCount(rows.length)
  const received = rows.reduce((s, r) => s + r.received, 0)
  await expect(page.getByTestId('queue-facts')).toContainText(`当日窗口收件 ${received} 件`)
  if (received > 0) {
    await expect(page.getByTestId('queue-chart')).toBeVisible()
    const byHour = new Map<number, number>()
    for (const r of rows) byHour.set(r.hour, (byHour.get(r.hour) ?? 0) + r.received)
    const peak = [...byHour].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0]
    await expect(page.getByTestId('queue-peak')).toContainText(`${String(peak).padStart(2, '0')}:00`)
    await expect(table.locator('.row-peak').first()).toContainText('高峰')
  }
  // The day before: the table follows the day.
  await page.getByTestId('queue-prev').click()
  const yesterday = new Date(Date.parse(`${today}T12:00:00+08:00`) - 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })
  await expect(page.getByTestId('queue-day').locator('input')).toHaveValue(zhDate(yesterday))
})

test('the system administrator sets the request clock: office hours and the near-due warning', async ({ page }) => {
  await login(page, 'sysadmin', { totp: true })
  await page.getByTestId('menu-/system/calendar').click()
  await expect(page).toHaveURL(/\/system\/calendar$/)
  const before = await getJson<{ office_hours: string; near_due_days: number }>(page, '/api/calendar/settings')
  const periods = before.office_hours.split(',').filter(Boolean)
  await expect(page.getByTestId('cal-clock-summary')).toContainText(`临期提前 ${before.near_due_days} 个工作日`)

  await page.getByTestId('cal-clock-edit').click()
  const dialog = page.getByTestId('cal-settings-dialog')
  await expect(dialog).toBeVisible()
  const ranges = dialog.locator('[data-testid^=cal-set-range-]')
  await expect(ranges).toHaveCount(periods.length)
  const [from0, to0] = periods[0].split('-')
  await expect(dialog.getByTestId('cal-set-range-0').locator('input').nth(0)).toHaveValue(from0)
  await expect(dialog.getByTestId('cal-set-range-0').locator('input').nth(1)).toHaveValue(to0)

  /** Types a period into the range picker of row i. */
  async function typeRange(i: number, from: string, to: string) {
    const inputs = dialog.getByTestId(`cal-set-range-${i}`).locator('input')
    await inputs.nth(0).click()
    await inputs.nth(0).fill(from)
    await inputs.nth(1).click()
    await inputs.nth(1).fill(to)
    await page.keyboard.press('Enter')
    await expect(inputs.nth(0)).toHaveValue(from)
    await expect(inputs.nth(1)).toHaveValue(to)
  }

  // Keep the morning, replace the afternoon with 13:00–17:00.
  while ((await ranges.count()) > 1) await dialog.getByTestId(`cal-set-remove-${(await ranges.count()) - 1}`).click()
  await dialog.getByTestId('cal-set-add').click()
  await expect(ranges).toHaveCount(2)
  // Overlapping periods are caught at the field before sending.
  await typeRange(1, '11:00', '17:00')
  await dialog.getByTestId('cal-set-save').click()
  await expect(dialog.getByTestId('cal-set-f-hours').locator('.el-form-item__error')).toContainText('不能重叠')
  await typeRange(1, '13:00', '17:00')
  await dialog.getByTestId('cal-set-near').locator('input').fill('3')
  await dialog.getByTestId('cal-set-near').locator('input').press('Tab')
  await expect(dialog).toContainText('剩余不超过 3 个工作日')
  await dialog.getByTestId('cal-set-save').click()
  await expect(dialog).toBeHidden()
  await expect(page.locator('.el-message--success')).toContainText('已保存')

  const after = await getJson<{ office_hours: string; near_due_days: number }>(page, '/api/calendar/settings')
  expect(after).toEqual({ office_hours: `${from0}-${to0},13:00-17:00`, near_due_days: 3 })
  await expect(page.getByTestId('cal-clock-summary')).toContainText(`${from0}–${to0}、13:00–17:00`)
  await expect(page.getByTestId('cal-clock-summary')).toContainText('临期提前 3 个工作日')

  // The server's own check answers at the field (422 office_hours).
  const bad = await page.request.put('/api/calendar/settings', { data: { office_hours: '17:00-09:00', near_due_days: 2 } })
  expect(bad.status()).toBe(422)
  expect(((await bad.json()) as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain('office_hours')
  await page.route('**/api/calendar/settings', async (route) => {
    if (route.request().method() !== 'PUT') return route.fallback()
    await route.fulfill({
      status: 422,
      contentType: 'application/json',
      body: JSON.stringify({ code: 'validation', message: '输入有误', fields: [{ field: 'near_due_days', code: 'range', message: '应在 0 到 10 之间' }], params: {} }),
    })
  })
  await page.getByTestId('cal-clock-edit').click()
  await expect(dialog).toBeVisible()
  await dialog.getByTestId('cal-set-save').click()
  await expect(dialog.getByTestId('cal-set-f-near').locator('.el-form-item__error')).toContainText('应在 0 到 10 之间')
  await page.unroute('**/api/calendar/settings')
  await dialog.getByRole('button', { name: '取消' }).click()
  await expect(dialog).toBeHidden()

  // Back as it was, for the other suites.
  const restore = await page.request.put('/api/calendar/settings', { data: before })
  expect(restore.ok(), await restore.text()).toBeTruthy()
})
