// The enterprise growth archive (一企一档) through the browser, against `zhitong serve --demo`.
import { expect, test, type Page } from '@playwright/test'
import { login, logout } from './helpers'
import { randomUscc, withWrongCheck } from './uscc'

test.describe.configure({ mode: 'serial' })

async function rows(page: Page) {
  const table = page.getByTestId('ent-table')
  await expect(table.locator('.el-table__row').first()).toBeVisible()
  return table
}

test('a specialist finds enterprises by a two-character word', async ({ page }) => {
  await login(page, 'zhangwei')
  await page.getByTestId('menu-/enterprises').click()
  await expect(page).toHaveURL(/\/enterprises/)
  await rows(page)
  const all = Number((await page.getByTestId('ent-total').innerText()).replace(/\D/g, ''))
  expect(all).toBeGreaterThan(100)

  await page.getByTestId('ent-q').fill('软件')
  await page.getByTestId('ent-search').click()
  await expect(page).toHaveURL(/q=%E8%BD%AF%E4%BB%B6/)
  const table = await rows(page)
  await expect.poll(async () => Number((await page.getByTestId('ent-total').innerText()).replace(/\D/g, ''))).toBeLessThan(all)
  const names = await table.getByTestId('ent-name').allInnerTexts()
  expect(names.length).toBeGreaterThan(0)
  for (const n of names) expect(n).toContain('软件')

  // The profile opens from the list and shows the archive's tabs.
  await table.getByTestId('ent-name').first().click()
  await expect(page).toHaveURL(/\/archive\//)
  await expect(page.getByTestId('ent-header-name')).toContainText('软件')
  await expect(page.getByTestId('breadcrumb')).toContainText('企业档案')
  await page.locator('#tab-figures').click()
  await expect(page.getByTestId('figures-table')).toContainText('万元')
  await expect(page.getByTestId('figures-chart').locator('canvas')).toBeVisible()
  await page.locator('#tab-timeline').click()
  await expect(page.getByTestId('timeline')).toContainText('建立企业档案')
})

test('creating an enterprise with a wrong check character shows the server message at the field', async ({ page }) => {
  await login(page, 'zhangwei')
  await page.goto('/enterprises')
  await page.getByTestId('ent-new').click()
  const dialog = page.getByTestId('ent-form-dialog')
  await expect(dialog).toBeVisible()

  // The quick check in the browser: too short.
  await dialog.getByTestId('ent-field-uscc').fill('9131011')
  await dialog.getByTestId('ent-form-submit').click()
  const usccItem = dialog.getByTestId('ent-item-uscc')
  await expect(usccItem.locator('.el-form-item__error')).toHaveText('统一社会信用代码应为 18 位（当前 7 位）')

  // The server's GB 32100 check: the expected character is named.
  const valid = randomUscc()
  const bad = withWrongCheck(valid)
  await dialog.getByTestId('ent-field-uscc').fill(bad.code.toLowerCase())
  await dialog.getByTestId('ent-field-name').fill('上海直通测试科技有限公司')
  await dialog.getByTestId('ent-field-station').click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '张江科学城服务直通站' }).click()
  await dialog.getByTestId('ent-form-submit').click()
  await expect(usccItem.locator('.el-form-item__error')).toHaveText(`校验位错误：第 18 位应为“${bad.expected}”，不是“${bad.got}”`)
  await expect(usccItem).toHaveClass(/is-error/)
  await expect(dialog).toBeVisible()

  // Corrected, it is created and its file opens.
  await dialog.getByTestId('ent-field-uscc').fill(valid)
  await dialog.getByTestId('ent-form-submit').click()
  await expect(dialog).toBeHidden()
  await expect(page).toHaveURL(/\/archive\//)
  await expect(page.getByTestId('ent-header-uscc')).toHaveText(valid)
  await expect(page.getByTestId('ent-header-name')).toHaveText('上海直通测试科技有限公司')
})

test('with pi.unmask a station manager sees the full phone, and the auditor sees the enterprise.unmask row', async ({ page }) => {
  // The security admin lets station managers view personal data in full.
  await login(page, 'secadmin', { totp: true })
  const roles = (await (await page.request.get('/api/roles')).json()) as { code: string; permissions: string[] }[]
  const sm = roles.find((r) => r.code === 'station_manager')!
  if (!sm.permissions.includes('pi.unmask')) {
    const res = await page.request.put('/api/roles/station_manager/permissions', { data: { permissions: [...sm.permissions, 'pi.unmask'] } })
    expect(res.ok(), await res.text()).toBeTruthy()
  }
  await logout(page)

  await login(page, 'zhangjiang')
  await page.goto('/enterprises')
  const table = await rows(page)
  await table.getByTestId('ent-name').first().click()
  const name = (await page.getByTestId('ent-header-name').innerText()).trim()
  const phone = page.getByTestId('ent-legal-phone')
  await expect(phone).toHaveText(/^\d{3}\*{4}\d{4}$/)
  await page.getByTestId('ent-unmask').click()
  const box = page.locator('.el-message-box')
  await expect(box).toContainText('审计日志')
  await box.getByRole('button', { name: '确定' }).click()
  await expect(phone).toHaveText(/^1\d{10}$/)
  await expect(page.getByTestId('ent-legal-id')).not.toContainText('*')
  await expect(page.getByTestId('ent-unmask')).toContainText('已记入审计日志')
  await page.locator('#tab-contacts').click()
  const contactPhones = page.getByTestId('contacts-table').getByTestId('contact-phone')
  if ((await contactPhones.count()) > 0) await expect(contactPhones.first()).not.toContainText('*')
  await logout(page)

  await login(page, 'auditor', { totp: true })
  await page.goto('/system/audit')
  await page.getByTestId('audit-action').fill('enterprise.unmask')
  await page.getByTestId('audit-search').click()
  const audit = page.getByTestId('audit-table')
  await expect(audit.locator('.el-table__row').first()).toContainText('enterprise.unmask')
  await expect(audit.locator('.el-table__row').first()).toContainText(name)
})
