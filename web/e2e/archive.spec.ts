// The enterprise growth archive (一企一档) through the browser, against `zhitong serve --demo`.
import { expect, test, type Page } from '@playwright/test'
import { login, logout, pickOption } from './helpers'
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

test('the industry filter takes a GB/T 4754 division from the tree and keeps the enterprises under it', async ({ page }) => {
  await login(page, 'zhangwei')
  await page.goto('/enterprises')
  await rows(page)
  const total = async () => Number((await page.getByTestId('ent-total').innerText()).replace(/\D/g, ''))
  const all = await total()

  await page.getByTestId('ent-more-filters').click()
  const filter = page.getByTestId('ent-f-industry')
  await filter.click()
  const tree = page.locator('.industry-popper:visible')
  await tree.locator('.el-cascader-node').filter({ hasText: 'C 制造业' }).first().hover()
  await tree.locator('.el-cascader-node').filter({ hasText: 'C27 医药制造业' }).first().click()
  await expect(page).toHaveURL(/industry=C27/)
  await expect(tree).toHaveCount(0)
  await expect(filter.locator('input')).toHaveValue(/C27/)
  await expect.poll(total).toBeLessThan(all)
  const filtered = await total()
  const codes = await (await rows(page)).getByTestId('ent-industry').allInnerTexts()
  expect(codes.length).toBeGreaterThan(0)
  for (const c of codes) expect(c.trim()).toMatch(/^C27/)

  // The filter survives a reload: the link holds it.
  await page.reload()
  await expect(page.getByTestId('ent-f-industry').locator('input')).toHaveValue(/C27/)
  await expect.poll(total).toBe(filtered)
  await page.getByTestId('ent-reset').click()
  await expect.poll(total).toBe(all)
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
  await pickOption(dialog.getByTestId('ent-field-station'), '张江科学城服务直通站')
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

test('importing a roster with errors lists every bad row, offers the report, then imports the good rows', async ({ page }) => {
  await login(page, 'zhangwei')
  await page.goto('/enterprises')
  await rows(page)
  await page.getByTestId('ent-import').click()
  const dialog = page.getByTestId('import-dialog')
  await expect(dialog).toBeVisible()

  const good1 = randomUscc()
  const good2 = randomUscc()
  const bad = withWrongCheck(randomUscc())
  const csv = [
    '统一社会信用代码,企业名称,所属站点,规模（规上/规下）,发展阶段（初创/成长/成熟）',
    `${good1},上海导入测试一号科技有限公司,张江科学城服务直通站,规下,初创`,
    `${bad.code},上海导入测试校验位有限公司,张江科学城服务直通站,规下,成长`,
    `${randomUscc()},,张江科学城服务直通站,规上,成熟`,
    `${randomUscc()},上海导入测试规模有限公司,张江科学城服务直通站,中型,成长`,
    `${randomUscc()},上海导入测试站点有限公司,不存在的服务直通站,规下,成长`,
    `${good2},上海导入测试二号科技有限公司,张江科学城服务直通站,规上,成熟`,
  ].join('\r\n')
  await dialog.locator('input[type=file]').setInputFiles({ name: '名录.csv', mimeType: 'text/csv', buffer: Buffer.from('\ufeff' + csv, 'utf8') })
  await expect(dialog.getByTestId('import-mode-dry_run')).toHaveClass(/is-checked/)
  await dialog.getByTestId('import-start').click()

  const result = dialog.getByTestId('import-result')
  await expect(result).toBeVisible({ timeout: 30_000 })
  await expect(dialog.getByTestId('import-summary')).toContainText('未写入任何数据')
  const errors = dialog.getByTestId('import-errors')
  const rowNumbers = (await errors.locator('.el-table__body tr td:first-child').allInnerTexts()).map((s) => Number(s.trim()))
  expect(new Set(rowNumbers)).toEqual(new Set([3, 4, 5, 6]))
  await expect(errors).toContainText(`校验位错误：第 18 位应为“${bad.expected}”，不是“${bad.got}”`)
  await expect(errors).toContainText('企业名称')
  await expect(errors).toContainText('所属站点')

  // The error report is an .xlsx download.
  const href = await dialog.getByTestId('import-error-report').getAttribute('href')
  expect(href).toMatch(/^\/api\/jobs\/[^/]+\/errors\.xlsx$/)
  const report = await page.request.get(href!)
  expect(report.status()).toBe(200)
  expect(report.headers()['content-type']).toContain('spreadsheetml')
  expect((await report.body()).subarray(0, 2).toString()).toBe('PK')

  // Now the good rows only.
  await dialog.getByTestId('import-now').click()
  await expect(dialog.getByTestId('import-summary')).toContainText('已写入 2 家企业', { timeout: 30_000 })
  await dialog.getByTestId('import-close').click()
  await page.getByTestId('ent-q').fill(good2)
  await page.getByTestId('ent-search').click()
  await expect(page.getByTestId('ent-table').getByTestId('ent-name')).toHaveText(['上海导入测试二号科技有限公司'])
})
