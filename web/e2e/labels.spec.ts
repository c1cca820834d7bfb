// Administrator-defined enterprise labels (标签管理) through the browser, against `zhitong serve --demo`.
import { expect, test } from '@playwright/test'
import { login, pickOption } from './helpers'

test('a bureau leader adds a label; a specialist gives it to an enterprise at once; the list filter finds it', async ({ page, browser }) => {
  const suffix = String(Date.now() % 100_000)
  const code = `zj_key_${suffix}`
  const name = `张江重点培育${suffix}`

  // A specialist has an enterprise's labels open before the label exists.
  const use = test.info().project.use
  const ctx = await browser.newContext({ baseURL: use.baseURL, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 } })
  const spec = await ctx.newPage()
  await login(spec, 'zhangwei')
  await spec.goto('/enterprises')
  const first = spec.getByTestId('ent-table').getByTestId('ent-name').first()
  await expect(first).toBeVisible()
  await first.click()
  const enterprise = (await spec.getByTestId('ent-header-name').innerText()).trim()
  await spec.locator('#tab-labels').click()
  await expect(spec.getByTestId('label-periods')).toBeVisible()

  // The bureau leader sees the built-in labels and adds one.
  await login(page, 'leader')
  await page.getByTestId('menu-/system/labels').click()
  await expect(page).toHaveURL(/\/system\/labels$/)
  await expect(page.getByTestId('breadcrumb')).toContainText('标签管理')
  const table = page.getByTestId('labels-table')
  await expect(table.locator('.el-table__row').filter({ hasText: '高新技术企业' })).toContainText('内置')

  await page.getByTestId('labels-new').click()
  const dialog = page.getByTestId('label-def-dialog')
  await expect(dialog).toBeVisible()
  // The server's field errors show at the fields.
  await dialog.getByTestId('label-def-code').fill('Zhang Jiang')
  await dialog.getByTestId('label-def-submit').click()
  await expect(dialog.getByTestId('label-def-item-code').locator('.el-form-item__error')).toHaveText('代码只能使用小写字母、数字和下划线，最长 32 位')
  await expect(dialog.getByTestId('label-def-item-name_zh').locator('.el-form-item__error')).toHaveText('必填')
  await dialog.getByTestId('label-def-code').fill('high_tech')
  await dialog.getByTestId('label-def-name-zh').fill(name)
  await dialog.getByTestId('label-def-submit').click()
  await expect(dialog.getByTestId('label-def-item-code').locator('.el-form-item__error')).toHaveText('代码“high_tech”已被使用，请换一个')
  await expect(dialog.getByTestId('label-def-item-name_zh')).not.toHaveClass(/is-error/)

  await dialog.getByTestId('label-def-code').fill(code)
  await dialog.getByTestId('label-def-submit').click()
  await expect(dialog).toBeHidden()
  const added = table.locator('.el-table__row').filter({ hasText: name })
  await expect(added).toContainText(code)
  await expect(added).toContainText('自定义')
  // No English name given: the server uses the Chinese one.
  await expect(added.locator('td').nth(2)).toHaveText(name)

  // The specialist's label dialog offers it without reloading the page.
  await spec.getByTestId('label-add').click()
  const labelDialog = spec.getByTestId('label-dialog')
  await expect(labelDialog).toBeVisible()
  await pickOption(labelDialog.getByTestId('label-select'), name)
  await labelDialog.getByTestId('label-submit').click()
  await expect(labelDialog).toBeHidden()
  await expect(spec.getByTestId('label-periods')).toContainText(name)
  await expect(spec.locator('#tab-timeline')).toBeVisible()

  // The list filter by the new label finds the enterprise, and only it.
  await spec.getByTestId('menu-/enterprises').click()
  await expect(spec.getByTestId('ent-table').locator('.el-table__row').first()).toBeVisible()
  await spec.getByTestId('ent-more-filters').click()
  await pickOption(spec.getByTestId('ent-f-label'), name)
  await expect(spec).toHaveURL(new RegExp(`label=${code}`))
  await expect(spec.getByTestId('ent-table').getByTestId('ent-name')).toHaveText([enterprise])
  await expect(spec.getByTestId('ent-table').locator('.el-table__row').first()).toContainText(name)
  await ctx.close()
})

test('a station manager has no label management', async ({ page }) => {
  await login(page, 'zhangjiang')
  await expect(page.getByTestId('menu-/system/org')).toBeVisible()
  await expect(page.getByTestId('menu-/system/labels')).toHaveCount(0)
  await page.goto('/system/labels')
  await expect(page).toHaveURL(/\/403$/)
})
