// 字典管理 through the browser, against `zhitong serve --demo`: the system admin adds a
// certificate type that a station manager is then offered on an enterprise's 证照 tab; a label
// the admin disables stays on the enterprise that holds it but is offered no more.
import { expect, test, type Browser, type Page } from '@playwright/test'
import { login, pickOption } from './helpers'

test.describe.configure({ mode: 'serial' })

/** A second signed-in user beside the test's own page. */
async function other(browser: Browser, username: string): Promise<{ page: Page; close: () => Promise<void> }> {
  const use = test.info().project.use
  const ctx = await browser.newContext({ baseURL: use.baseURL, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 } })
  const page = await ctx.newPage()
  await login(page, username)
  return { page, close: () => ctx.close() }
}

/** Opens the first enterprise of the station manager's list; returns its name. */
async function openFirstEnterprise(page: Page): Promise<string> {
  await page.goto('/enterprises')
  const first = page.getByTestId('ent-table').getByTestId('ent-name').first()
  await expect(first).toBeVisible()
  await first.click()
  await expect(page.getByTestId('ent-header-name')).not.toBeEmpty()
  return (await page.getByTestId('ent-header-name').innerText()).trim()
}

async function openDict(page: Page, code: string) {
  await page.getByTestId(`dict-item-${code}`).click()
  await expect(page).toHaveURL(new RegExp(`dict=${code}`))
  await expect(page.getByTestId('dict-table').locator('.el-table__row').first()).toBeVisible()
}

test('the system admin adds a certificate type; a station manager is offered it at once', async ({ page, browser }) => {
  test.setTimeout(120_000)
  await login(page, 'sysadmin', { totp: true })
  await page.getByTestId('menu-/system/dicts').click()
  await expect(page).toHaveURL(/\/system\/dicts/)
  await expect(page.getByTestId('breadcrumb')).toContainText('字典管理')
  await expect(page.getByTestId('dict-intro')).toContainText('停用的字典项不再可选，但已有记录仍显示其名称。')
  // The nine dictionaries, with where each is used and how many entries are enabled.
  await expect(page.getByTestId('dict-list').locator('li')).toHaveCount(9)
  await expect(page.getByTestId('dict-item-industry')).toContainText('117 / 117')
  await expect(page.getByTestId('dict-item-certificate_type')).toContainText('企业档案（证照）')

  // The long industry list filters by code or name.
  await openDict(page, 'industry')
  await page.getByTestId('dict-filter').fill('C27')
  await expect(page.getByTestId('dict-table').getByTestId('dict-code')).toHaveText(['C27'])
  await expect(page.getByTestId('dict-table')).toContainText('医药制造业')

  await openDict(page, 'certificate_type')
  await expect(page.getByTestId('dict-filter')).toHaveValue('')
  const table = page.getByTestId('dict-table')
  await expect(table.locator('.el-table__row').filter({ hasText: '营业执照' })).toContainText('内置')

  // A code that breaks the rule, then one that is taken: the messages show at the field.
  await page.getByTestId('dict-add').click()
  const dialog = page.getByTestId('dict-dialog')
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText('代码创建后不可修改')
  await dialog.getByTestId('dict-f-code').fill('water permit')
  await dialog.getByTestId('dict-f-name-zh').fill('取水许可证')
  await dialog.getByTestId('dict-submit').click()
  await expect(dialog.getByTestId('dict-item-code').locator('.el-form-item__error')).toHaveText('代码只能使用字母、数字和下划线，最长 32 位')
  await dialog.getByTestId('dict-f-code').fill('business_license')
  await dialog.getByTestId('dict-submit').click()
  await expect(dialog.getByTestId('dict-item-code').locator('.el-form-item__error')).toHaveText('代码“business_license”已被使用，请换一个')

  await dialog.getByTestId('dict-f-code').fill('water_permit')
  await dialog.getByTestId('dict-f-name-en').fill('Water abstraction permit')
  await dialog.getByTestId('dict-submit').click()
  await expect(dialog).toBeHidden()
  await expect(page.locator('.el-message--success')).toContainText('取水许可证')
  const added = table.locator('.el-table__row').filter({ hasText: '取水许可证' })
  await expect(added).toContainText('water_permit')
  await expect(added).toContainText('Water abstraction permit')
  await expect(added).not.toContainText('内置')
  await expect(page.getByTestId('dict-item-certificate_type')).toContainText('15 / 15')

  // Editing keeps the code fixed.
  await page.getByTestId('dict-edit-water_permit').click()
  await expect(dialog.getByTestId('dict-f-code')).toBeDisabled()
  await dialog.getByRole('button', { name: '取消' }).click()
  await expect(dialog).toBeHidden()

  // The station manager's certificate dialog offers the new type; it saves as the kind.
  const zj = await other(browser, 'zhangjiang')
  await openFirstEnterprise(zj.page)
  await zj.page.locator('#tab-certificates').click()
  await expect(zj.page.getByTestId('cert-table')).toBeVisible()
  await zj.page.getByTestId('cert-add').click()
  const certDialog = zj.page.getByTestId('cert-dialog')
  await expect(certDialog).toBeVisible()
  await certDialog.getByTestId('cert-kind').click()
  const option = zj.page.locator('.el-select-dropdown__item:visible').filter({ hasText: '取水许可证' })
  await expect(option).toHaveCount(1)
  await expect(zj.page.locator('.el-select-dropdown__item:visible').filter({ hasText: '营业执照' })).toHaveCount(1)
  await option.click()
  await certDialog.getByTestId('cert-name').fill('取水许可证（浦东）')
  await certDialog.getByTestId('cert-submit').click()
  await expect(certDialog).toBeHidden()
  await expect(zj.page.getByTestId('cert-table').locator('.el-table__row').filter({ hasText: '取水许可证（浦东）' })).toContainText('取水许可证')
  await zj.close()
})

test('a label the admin disables stays on the enterprise that holds it and is offered no more', async ({ page, browser }) => {
  test.setTimeout(120_000)
  const suffix = String(Date.now() % 100_000)
  const code = `pilot_${suffix}`
  const name = `张江试点企业${suffix}`

  // The admin adds a label in 字典管理.
  await login(page, 'sysadmin', { totp: true })
  await page.goto('/system/dicts?dict=enterprise_label')
  await expect(page.getByTestId('dict-title')).toHaveText('企业标签')
  await expect(page.getByTestId('dict-table').locator('.el-table__row').first()).toBeVisible()
  await page.getByTestId('dict-add').click()
  const dialog = page.getByTestId('dict-dialog')
  await dialog.getByTestId('dict-f-code').fill(code)
  await dialog.getByTestId('dict-f-name-zh').fill(name)
  await dialog.getByTestId('dict-submit').click()
  await expect(dialog).toBeHidden()
  const row = page.getByTestId('dict-table').locator('.el-table__row').filter({ hasText: code })
  await expect(row).toContainText(name)
  // 标签管理 is folded into 字典管理 for whoever maintains the dictionaries.
  await expect(page.getByTestId('menu-/system/labels')).toHaveCount(0)

  // The station manager gives it to an enterprise.
  const zj = await other(browser, 'zhangjiang')
  const enterprise = await openFirstEnterprise(zj.page)
  await zj.page.locator('#tab-labels').click()
  await expect(zj.page.getByTestId('label-periods')).toBeVisible()
  await zj.page.getByTestId('label-add').click()
  const labelDialog = zj.page.getByTestId('label-dialog')
  await expect(labelDialog).toBeVisible()
  await pickOption(labelDialog.getByTestId('label-select'), name)
  await labelDialog.getByTestId('label-submit').click()
  await expect(labelDialog).toBeHidden()
  await expect(zj.page.getByTestId('label-periods')).toContainText(name)
  await expect(zj.page.getByTestId('ent-header-labels')).toContainText(name)

  // The admin disables it: the switch asks first and saves with the version.
  await page.getByTestId(`dict-switch-${code}`).click()
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
  await expect(page.locator('.el-message--success').filter({ hasText: '已停用' })).toBeVisible()
  await expect(row.locator('.el-switch')).not.toHaveClass(/is-checked/)
  await expect(page.getByTestId('dict-item-enterprise_label')).toContainText('8 / 9')

  // The enterprise still shows the label's name, marked as disabled …
  await zj.page.reload()
  await expect(zj.page.getByTestId('ent-header-name')).toHaveText(enterprise)
  await expect(zj.page.getByTestId(`ent-header-label-${code}`)).toContainText(name)
  await expect(zj.page.getByTestId(`ent-header-label-${code}`)).toContainText('已停用')
  await zj.page.locator('#tab-labels').click()
  const period = zj.page.getByTestId('label-periods').locator('.el-table__row').filter({ hasText: name })
  await expect(period).toContainText('已停用')
  // … and the label picker no longer offers it.
  await zj.page.getByTestId('label-add').click()
  await expect(labelDialog).toBeVisible()
  await labelDialog.getByTestId('label-select').click()
  await expect(zj.page.locator('.el-select-dropdown__item:visible').filter({ hasText: '高新技术企业' })).toHaveCount(1)
  await expect(zj.page.locator('.el-select-dropdown__item:visible').filter({ hasText: name })).toHaveCount(0)
  await zj.close()
})
