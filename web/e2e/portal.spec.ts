// The enterprise portal (线上办事) through the browser, against `zhitong serve --demo`: the
// enterprise account qiye (李明, 上海中从智能装备有限公司) signs in to the portal, reads the
// guide, applies online with a material; the window officer zhangwei finds the online request
// with its attachment and accepts it; the enterprise then sees it in progress with its receipt.
// Also: the demo request waiting for materials (补正) asks for the missing one, and staff open a
// portal account for an enterprise from its profile.
import { expect, test, type Page } from '@playwright/test'
import { login, logout } from './helpers'

test.describe.configure({ mode: 'serial' })

const ENTERPRISE = 'qiye'
const WINDOW = 'zhangwei'
const PORTAL = /\/portal$/
const ENTERPRISE_NAME = '上海中从智能装备有限公司'

interface SlipEntry {
  key: string
  kind: 'condition' | 'material'
  text: string
  required: boolean
}
interface Item {
  id: string
  name: string
  slip?: { version: number; entries: SlipEntry[] } | null
}

/** A tiny but real PDF. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
)
const FILE_NAME = '生产许可证申请书.pdf'

/** What the test made, for the tests after it. */
const made = { number: '', id: '', item: null as Item | null, material: null as SlipEntry | null }

async function getJson<T>(page: Page, url: string, params?: Record<string, string | number>): Promise<T> {
  const res = await page.request.get(url, { params })
  expect(res.ok(), `${url}: ${res.status()} ${await res.text()}`).toBeTruthy()
  return (await res.json()) as T
}

/** An item of the guide with at least two materials on its slip (one gets a file, one not). */
async function itemWithMaterials(page: Page): Promise<Item> {
  const list = await getJson<{ items: Item[] }>(page, '/api/portal/items', { page_size: 200 })
  for (const i of list.items) {
    const full = await getJson<Item>(page, `/api/portal/items/${i.id}`)
    if ((full.slip?.entries ?? []).filter((e) => e.kind === 'material').length >= 2) return full
  }
  throw new Error('no demo item with two materials')
}

test('an enterprise account signs in to the portal, not to the staff dashboard', async ({ page }) => {
  await login(page, ENTERPRISE, { home: PORTAL })
  await expect(page.getByTestId('portal-enterprise-name')).toHaveText(ENTERPRISE_NAME)
  await expect(page.getByTestId('portal-enterprise-uscc')).toHaveText(/^[0-9A-Z]{18}$/)
  await expect(page.getByTestId('portal-station')).toContainText('张江科学城服务直通站')
  await expect(page.getByTestId('portal-station')).toContainText('021-')

  // The portal menu only: no staff dashboard, no "coming soon" business modules.
  const menu = page.getByTestId('side-menu')
  await expect(menu.getByTestId('menu-/portal')).toBeVisible()
  await expect(menu.getByTestId('menu-/portal/items')).toBeVisible()
  await expect(menu.getByTestId('menu-/portal/requests')).toBeVisible()
  for (const staff of ['/dashboard', '/enterprises', '/requests', '/visits', '/policies', '/projects']) {
    await expect(menu.getByTestId(`menu-${staff}`)).toHaveCount(0)
  }

  // The counts by state, with 待补正 called out (the demo has one such request).
  await expect(page.getByTestId('portal-count-awaiting_materials')).toContainText('1')
  await expect(page.getByTestId('portal-count-awaiting_materials')).toHaveClass(/hot/)
  await expect(page.getByTestId('portal-supply-alert')).toContainText('补正')

  // The staff dashboard sends an enterprise back to the portal; staff pages are refused.
  await page.goto('/dashboard')
  await expect(page).toHaveURL(PORTAL)
  await page.goto('/requests')
  await expect(page).toHaveURL(/\/403$/)
})

test('the enterprise reads the guide and applies online with a material', async ({ page }) => {
  await login(page, ENTERPRISE, { home: PORTAL })
  const item = await itemWithMaterials(page)
  const materials = item.slip!.entries.filter((e) => e.kind === 'material')
  made.item = item
  made.material = materials[0]

  // 办事指南: search, open the item, see its materials and time limit.
  await page.getByTestId('menu-/portal/items').click()
  await expect(page).toHaveURL(/\/portal\/items/)
  await page.getByTestId('portal-items-q').fill(item.name)
  await page.getByTestId('portal-items-search').click()
  await expect(page.getByTestId('portal-item')).toHaveCount(1)
  await page.getByTestId('portal-item-name').click()
  await expect(page.getByTestId('portal-guide-name')).toHaveText(item.name)
  await expect(page.getByTestId('portal-guide-limit')).toContainText(/\d+ 个(工作|自然)日/)
  const listed = page.getByTestId('portal-guide-material')
  await expect(listed).toHaveCount(materials.length)
  await expect(listed.first()).toHaveText(materials[0].text)

  // 网上申报: the applicant is prefilled; one material gets a file.
  await page.getByTestId('portal-guide-apply').click()
  await expect(page).toHaveURL(new RegExp(`/portal/apply/${item.id}$`))
  await expect(page.getByTestId('portal-apply-item')).toHaveText(item.name)
  await expect(page.getByTestId('portal-apply-enterprise')).toHaveText(ENTERPRISE_NAME)
  await expect(page.getByTestId('portal-apply-name')).toHaveValue('李明')
  await page.getByTestId('portal-apply-phone').fill('13812345678')
  await page.getByTestId(`portal-apply-file-${materials[0].key}`).setInputFiles({ name: FILE_NAME, mimeType: 'application/pdf', buffer: PDF })
  await expect(page.getByTestId(`portal-apply-material-${materials[0].key}`)).toContainText(FILE_NAME)
  // A file the server would refuse is turned away at once.
  await page.getByTestId(`portal-apply-file-${materials[1].key}`).setInputFiles({ name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') })
  await expect(page.locator('.el-message--error')).toContainText('格式不支持')
  await expect(page.getByTestId(`portal-apply-material-${materials[1].key}`)).not.toContainText('setup.exe')
  await page.getByTestId('portal-apply-note').fill('其余材料将于受理时补交')

  // The declaration must be ticked.
  await page.getByTestId('portal-apply-submit').click()
  await expect(page.getByText('请阅读并勾选承诺')).toBeVisible()
  await page.getByTestId('portal-apply-promise').click()
  await page.getByTestId('portal-apply-submit').click()
  // Required materials without a file: asked to confirm.
  const box = page.locator('.el-message-box')
  await expect(box).toContainText(materials[1].text)
  await box.getByRole('button', { name: '仍要提交' }).click()

  const done = page.getByTestId('portal-apply-done')
  await expect(done).toBeVisible()
  made.number = (await page.getByTestId('portal-apply-number').innerText()).trim()
  expect(made.number).toMatch(/^[A-Z]{2}\d{8,}/)
  await expect(done).toContainText('已上传 1 个文件')
  await expect(page.getByTestId('portal-apply-failed')).toHaveCount(0)

  // Its detail: 待受理, online, the file under its material, more may still be added.
  await page.getByTestId('portal-apply-view').click()
  await expect(page).toHaveURL(/\/portal\/requests\/[^/]+$/)
  made.id = page.url().split('/').pop()!
  await expect(page.getByTestId('portal-detail-number')).toHaveText(made.number)
  await expect(page.getByTestId('portal-detail-state')).toHaveText('待受理')
  await expect(page.getByTestId('portal-detail-channel')).toHaveText('网上申报')
  await expect(page.getByTestId(`portal-material-${materials[0].key}`).getByTestId('attachment-link')).toHaveText(FILE_NAME)
  await expect(page.getByTestId(`portal-material-file-${materials[1].key}`)).toBeAttached()
  await expect(page.getByTestId('portal-req-receipt')).toHaveCount(0)
  await expect(page.getByTestId('portal-req-timeline')).toContainText('提交网上申报')

  // 我的办件 lists it as 待受理.
  await page.getByTestId('menu-/portal/requests').click()
  const row = page.getByTestId('portal-req-table').locator('.el-table__row').filter({ hasText: made.number })
  await expect(row).toHaveCount(1)
  await expect(row.getByTestId('portal-req-state')).toHaveText('待受理')
  await expect(row).toContainText('网上申报')
})

test('the window officer finds the online request with its attachment and accepts it', async ({ page }) => {
  expect(made.number, 'the request of the test before').not.toBe('')
  await login(page, WINDOW)
  await page.goto('/requests')
  await page.getByTestId('req-q').fill(made.number)
  await page.getByTestId('req-search').click()
  const row = page.getByTestId('req-table').locator('.el-table__row').filter({ hasText: made.number })
  await expect(row).toHaveCount(1)
  await expect(row.getByTestId('req-online')).toHaveText('网上申报')
  await expect(row.getByTestId('req-enterprise')).toHaveText(ENTERPRISE_NAME)
  await row.getByTestId('req-number').click()

  await expect(page.getByTestId('req-detail-number')).toHaveText(made.number)
  await expect(page.getByTestId('req-detail-state')).toHaveText('待受理')
  await expect(page.getByTestId('req-detail-online')).toContainText('网上申报')
  await expect(page.getByTestId('req-detail-channel')).toHaveText('网上申报')
  const table = page.getByTestId('req-detail-attachments')
  await expect(table).toContainText(FILE_NAME)
  await expect(table).toContainText(made.material!.text)
  await expect(table).toContainText('李明')

  // The file downloads under its own name.
  const [download] = await Promise.all([page.waitForEvent('download'), table.getByTestId('attachment-link').first().click()])
  expect(download.suggestedFilename()).toBe(FILE_NAME)

  // Accepting: the files stand next to the slip entries they answer.
  await page.getByTestId('req-action-accept').click()
  const dialog = page.getByTestId('req-action-dialog')
  await expect(dialog.getByTestId('req-dlg-online')).toBeVisible()
  await expect(dialog.getByTestId(`slip-files-${made.material!.key}`)).toContainText(FILE_NAME)
  // (Ticked by their boxes: a click on a file link downloads it and ticks nothing.)
  for (const e of made.item!.slip!.entries) await dialog.getByTestId(`slip-entry-${e.key}`).locator('.el-checkbox').click()
  await dialog.getByTestId('req-dlg-submit').click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('req-detail-state')).toHaveText('办理中')
  await expect(page.getByTestId('req-detail-deadline')).not.toHaveText('—')
})

test('the enterprise sees its request in progress and prints the receipt', async ({ page }) => {
  await login(page, ENTERPRISE, { home: PORTAL })
  await page.goto('/portal/requests')
  const row = page.getByTestId('portal-req-table').locator('.el-table__row').filter({ hasText: made.number })
  await expect(row.getByTestId('portal-req-state')).toHaveText('办理中')
  await row.getByTestId('portal-req-number').click()
  await expect(page.getByTestId('portal-detail-state')).toHaveText('办理中')
  await expect(page.getByTestId('portal-req-deadline')).toContainText('年')
  await expect(page.getByTestId('portal-req-timeline')).toContainText('受理')
  // No more uploads once accepted; the files stay listed.
  await expect(page.getByTestId('portal-req-materials')).toHaveCount(0)
  await expect(page.getByTestId('portal-req-attachments')).toContainText(FILE_NAME)

  const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByTestId('portal-req-receipt').click()])
  await popup.waitForLoadState()
  await expect(popup.locator('body')).toContainText('回执')
  await expect(popup.locator('body')).toContainText(made.number)
  await popup.close()
})

test('a request waiting for materials asks for the missing ones and takes their upload', async ({ page }) => {
  await login(page, ENTERPRISE, { home: PORTAL })
  const waiting = (await getJson<{ items: { id: string; number: string; missing_entries: string[] }[] }>(page, '/api/requests', { state: 'awaiting_materials' })).items
  expect(waiting.length, 'the demo has one request of qiye waiting for materials').toBe(1)
  const detail = await getJson<{ missing_entries: string[]; slip: { entries: SlipEntry[] } }>(page, `/api/requests/${waiting[0].id}`)
  const missing = detail.slip.entries.filter((e) => detail.missing_entries.includes(e.key))
  expect(missing.length).toBeGreaterThan(0)

  await page.getByTestId('portal-supply-go').click()
  await expect(page).toHaveURL(new RegExp(`/portal/requests/${waiting[0].id}$`))
  await expect(page.getByTestId('portal-detail-state')).toHaveText('待补正')
  const supply = page.getByTestId('portal-req-supply')
  await expect(supply.getByTestId('portal-supply-text')).toHaveText(missing.map((e) => e.text))

  const key = missing[0].key
  await page.getByTestId(`portal-supply-file-${key}`).setInputFiles({ name: '营业执照复印件.png', mimeType: 'image/png', buffer: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex') })
  await expect(page.locator('.el-message--success')).toContainText('已上传')
  await expect(page.getByTestId(`portal-supply-${key}`).getByTestId('attachment-link')).toHaveText('营业执照复印件.png')
  await expect(page.getByTestId('portal-req-attachments')).toContainText('营业执照复印件.png')
})

test('staff open a portal account for an enterprise from its profile', async ({ page }) => {
  await login(page, WINDOW)
  const ents = (await getJson<{ items: { id: string; name: string }[] }>(page, '/api/enterprises', { page_size: 20 })).items
  const ent = ents.find((e) => e.name !== ENTERPRISE_NAME)!
  await page.goto(`/archive/${ent.id}`)
  await page.locator('#tab-portal').click()
  await expect(page).toHaveURL(/tab=portal/)
  const table = page.getByTestId('portal-accounts-table')
  await expect(table).toBeVisible()

  // The server's field errors show at their fields.
  await page.getByTestId('portal-account-open').click()
  const dialog = page.getByTestId('portal-account-dialog')
  await expect(dialog).toContainText(ent.name)
  await dialog.getByTestId('portal-account-username-input').fill(ENTERPRISE)
  await dialog.getByTestId('portal-account-name-input').fill('王芳')
  await dialog.getByTestId('portal-account-phone-input').fill('12345')
  await dialog.getByTestId('portal-account-password-input').fill('short')
  await dialog.getByTestId('portal-account-submit').click()
  const errorOf = (testid: string) => dialog.locator('.el-form-item').filter({ has: page.getByTestId(testid) }).locator('.el-form-item__error')
  await expect(errorOf('portal-account-username-input')).toContainText('已被使用')
  await expect(errorOf('portal-account-phone-input')).not.toBeEmpty()
  await expect(errorOf('portal-account-password-input')).toContainText('8')

  const username = 'e2e_wangfang'
  const password = 'Portal#2026ok'
  await dialog.getByTestId('portal-account-username-input').fill(username)
  await dialog.getByTestId('portal-account-phone-input').fill('13912345678')
  await dialog.getByTestId('portal-account-password-input').fill(password)
  await dialog.getByTestId('portal-account-submit').click()
  await expect(dialog).toBeHidden()
  const row = table.locator('.el-table__row').filter({ hasText: username })
  await expect(row).toContainText('王芳')
  await expect(row).toContainText('139****5678')
  await expect(row.getByTestId('portal-account-status')).toHaveText('正常')
  await expect(row).toContainText('待修改初始密码')

  // Disable, then enable again (each confirmed).
  await row.getByTestId('portal-account-disable').click()
  await page.locator('.el-message-box').getByRole('button', { name: '停用' }).click()
  await expect(row.getByTestId('portal-account-status')).toHaveText('已停用')
  await row.getByTestId('portal-account-enable').click()
  await page.locator('.el-message-box').getByRole('button', { name: '启用' }).click()
  await expect(row.getByTestId('portal-account-status')).toHaveText('正常')

  // The new account changes its initial password, then works in the portal of its enterprise.
  await logout(page)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
  await expect(page).toHaveURL(/\/setup$/)
  await page.getByTestId('pw-current').fill(password)
  await page.getByTestId('pw-new').fill('Portal#2026new')
  await page.getByTestId('pw-confirm').fill('Portal#2026new')
  await page.getByTestId('pw-submit').click()
  await page.getByTestId('setup-continue').click()
  await expect(page).toHaveURL(PORTAL)
  await expect(page.getByTestId('portal-enterprise-name')).toHaveText(ent.name)
})
