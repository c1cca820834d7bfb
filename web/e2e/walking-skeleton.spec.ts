// The walking skeleton through the browser, against `zhitong serve --demo` on a fresh database.
// The tests run in order: the auditor looks for what the leader did.
import { expect, test } from '@playwright/test'
import { login, logout, pickOption, DEMO_PASSWORD } from './helpers'

test.describe.configure({ mode: 'serial' })

const STATION = 'E2E 测试服务直通站'

test('a wrong password shows the generic error, and the demo banner is shown', async ({ page }) => {
  await page.goto('/login')
  await expect(page.getByTestId('demo-banner')).toContainText('演示环境：数据为虚构演示数据，请勿录入真实信息')
  await expect(page.getByTestId('demo-banner')).toContainText(DEMO_PASSWORD)
  await page.getByTestId('login-username').fill('zhangwei')
  await page.getByTestId('login-password').fill('wrong-password-1')
  await page.getByTestId('login-submit').click()
  const err = page.getByTestId('login-error')
  await expect(err).toBeVisible()
  const generic = (await err.innerText()).trim()
  // The same message for an unknown user (no hint which part was wrong).
  await page.getByTestId('login-username').fill('no-such-user')
  await page.getByTestId('login-submit').click()
  await expect(err).toHaveText(generic)
  await expect(page).toHaveURL(/\/login/)
})

test('leader creates a station in the org tree, switches to English, signs out', async ({ page }) => {
  await login(page, 'leader')
  await expect(page.getByTestId('last-login')).toBeVisible()
  await page.getByTestId('menu-/system/org').click()
  await expect(page).toHaveURL(/\/system\/org$/)

  await page.getByTestId('org-tree').getByText('浦东新区市场监督管理局', { exact: true }).click()
  await expect(page.getByTestId('org-detail-title')).toHaveText('浦东新区市场监督管理局')
  await page.getByTestId('org-new-station').click()
  const dialog = page.getByTestId('org-create-dialog')
  await expect(dialog).toBeVisible()

  // An empty name goes to the server, which answers 422; the message shows at the name field.
  await dialog.getByTestId('org-create-submit').click()
  const nameItem = dialog.locator('.el-form-item', { has: page.getByTestId('org-field-name') })
  await expect(nameItem.locator('.el-form-item__error')).toBeVisible()
  await expect(nameItem).toHaveClass(/is-error/)

  await dialog.getByTestId('org-field-name').fill(STATION)
  await dialog.getByTestId('org-field-kind').getByText('园区').click()
  await dialog.getByTestId('org-field-contact-name').fill('测试联系人')
  await dialog.getByTestId('org-create-submit').click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('org-tree').getByText(STATION, { exact: true })).toBeVisible()
  await expect(page.getByTestId('org-detail-title')).toHaveText(STATION)

  // English
  await page.getByTestId('lang-switch').first().click()
  await page.getByTestId('lang-en').click()
  await expect(page.getByTestId('menu-/system/org')).toContainText('Organisation')
  await expect(page.getByTestId('breadcrumb')).toContainText('System')
  await expect(page.getByTestId('org-new-department')).toContainText('New department')
  await expect(page.getByTestId('org-detail-title')).toHaveText(STATION)
  expect(await page.evaluate(() => localStorage.getItem('zt.locale'))).toBe('en')

  await logout(page)
  await expect(page.getByTestId('login-submit')).toContainText('Sign in')
})

test('auditor signs in with TOTP, sees the leader in the audit log, and the chain is intact', async ({ page }) => {
  await login(page, 'auditor', { totp: true })
  await page.getByTestId('menu-/system/audit').click()
  await expect(page).toHaveURL(/\/system\/audit$/)
  const table = page.getByTestId('audit-table')
  await expect(table.locator('.el-table__row').first()).toBeVisible()

  await page.getByTestId('audit-actor').fill('leader')
  await page.getByTestId('audit-search').click()
  await expect(table).toContainText(/login/)
  await expect(table).toContainText(/station/)

  await page.getByTestId('audit-verify').click()
  await expect(page.getByTestId('audit-verify-result')).toContainText('审计日志完整')
})

test('a station manager puts a specialist on window duty and takes them off again', async ({ page }) => {
  await login(page, 'zhangjiang')
  await page.getByTestId('menu-/system/duty').click()
  await expect(page).toHaveURL(/\/system\/duty$/)
  await expect(page.getByTestId('duty-station')).toContainText('张江科学城服务直通站')
  // Four weeks ahead: past the demo roster.
  const range = page.getByTestId('duty-range')
  for (let i = 0; i < 4; i++) {
    const before = await range.innerText()
    await page.getByTestId('duty-next').click()
    await expect(range).not.toHaveText(before)
  }
  const cell = page.getByTestId('duty-grid').locator('[data-testid^="duty-cell-"][data-testid$="-1"]').first()
  await expect(cell).toContainText('排班')
  await cell.getByRole('button', { name: '排班' }).click()
  const dialog = page.getByTestId('duty-dialog')
  await expect(dialog).toBeVisible()
  await pickOption(dialog.locator('.el-select'), 'zhangwei')
  await dialog.getByTestId('duty-submit').click()
  await expect(dialog).toBeHidden()
  await expect(cell).toContainText('张伟')

  await cell.locator('.el-tag__close').click()
  await page.locator('.el-message-box').getByRole('button').last().click()
  await expect(cell).toContainText('排班')
  await expect(cell).not.toContainText('张伟')
})

test('the system admin creates an account whose first sign-in forces a password change', async ({ page }) => {
  await login(page, 'sysadmin', { totp: true })
  await page.getByTestId('menu-/system/accounts').click()
  await page.getByTestId('accounts-new').click()
  const dialog = page.getByTestId('account-dialog')
  await dialog.getByTestId('account-username').fill('e2e.newcomer')
  await dialog.getByTestId('account-display-name').fill('新同事')
  await dialog.getByTestId('account-password').fill('Initial#Pass2026')
  await dialog.getByTestId('account-submit').click()
  await expect(dialog).toBeHidden()
  await page.getByTestId('accounts-q').fill('e2e.newcomer')
  await page.getByTestId('accounts-q').press('Enter')
  await expect(page.getByTestId('accounts-table')).toContainText('新同事')
  await logout(page)

  await page.getByTestId('login-username').fill('e2e.newcomer')
  await page.getByTestId('login-password').fill('Initial#Pass2026')
  await page.getByTestId('login-submit').click()
  await expect(page).toHaveURL(/\/setup$/)
  await page.getByTestId('pw-current').fill('Initial#Pass2026')
  await page.getByTestId('pw-new').fill('Changed#Pass2026')
  await page.getByTestId('pw-confirm').fill('Changed#Pass2026')
  await page.getByTestId('pw-submit').click()
  await page.getByTestId('setup-continue').click()
  await expect(page).toHaveURL(/\/dashboard$/)
})
