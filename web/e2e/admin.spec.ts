// The admin console and messaging through the browser, against `zhitong serve --demo`: the
// security admin signs a user out; the system admin changes a parameter and meets the 等保 floor;
// the bureau leader publishes a notice that a specialist finds under the bell; the enterprise
// user sees its policies and, once the leader pushes one (also by e-mail, which fails without
// SMTP and is found in 发送记录), the message in its inbox.
import { expect, test, type Page } from '@playwright/test'
import { login, logout } from './helpers'

test.describe.configure({ mode: 'serial' })

const PORTAL = /\/portal$/

async function confirmBox(page: Page) {
  await page.locator('.el-message-box').getByRole('button').last().click()
}

test('the security admin signs a user out; their next page load goes to the login page', async ({ browser }) => {
  const victimCtx = await browser.newContext()
  const victim = await victimCtx.newPage()
  await login(victim, 'zhangwei')

  const adminCtx = await browser.newContext()
  const admin = await adminCtx.newPage()
  await login(admin, 'secadmin', { totp: true })
  await admin.getByTestId('menu-/system/sessions').click()
  await expect(admin.getByTestId('sess-table')).toBeVisible()
  await expect(admin.getByTestId('sess-table')).toContainText('zhangwei')
  await admin.getByTestId('sess-end-user-zhangwei').first().click()
  await confirmBox(admin)
  await expect(admin.locator('.el-message--success')).toContainText('已下线')
  await expect(admin.getByTestId('sess-table')).not.toContainText('zhangwei')

  await victim.goto('/enterprises')
  await expect(victim).toHaveURL(/\/login/)
  await adminCtx.close()
  await victimCtx.close()
})

test('the system admin sees the service status and jobs, changes a parameter and meets the floor', async ({ page }) => {
  await login(page, 'sysadmin', { totp: true })
  await page.getByTestId('menu-/system/monitor').click()
  await expect(page.getByTestId('mon-version')).not.toBeEmpty()
  await expect(page.getByTestId('mon-db')).toContainText(/B$/)
  // 请求与延迟 of this instance: the sign-in and these pages are requests already.
  const traffic = page.getByTestId('mon-traffic')
  await expect(traffic).toContainText('请求与延迟')
  await expect(traffic).toContainText('本实例近 15 分钟')
  await expect(page.getByTestId('mon-per-minute')).toHaveText(/^\d+(\.\d)?$/)
  await expect(page.getByTestId('mon-error-rate')).toHaveText(/^(\d+(\.\d)?|<0\.1)%$/)
  await expect(page.getByTestId('mon-p50')).toHaveText(/^(≤ \d+(\.\d)? m?s|—)$/)

  await page.getByTestId('menu-/system/jobs').click()
  await expect(page.getByTestId('jobs-table')).toContainText('政策全量匹配')

  await page.getByTestId('menu-/system/parameters').click()
  const nearDue = page.getByTestId('par-input-request.near_due_days').locator('input')
  await nearDue.fill('3')
  await nearDue.blur()
  await page.getByTestId('par-save-request.near_due_days').click()
  await expect(page.locator('.el-message--success')).toBeVisible()
  await expect(page.getByTestId('par-request.near_due_days')).toContainText('已修改')

  const idle = page.getByTestId('par-input-session.idle_minutes').locator('input')
  await idle.fill('60')
  await idle.blur()
  await page.getByTestId('par-save-session.idle_minutes').click()
  await expect(page.getByTestId('par-session.idle_minutes').locator('.el-form-item__error')).toContainText('等保')
  // Secrets are never shown.
  await expect(page.getByTestId('params-view')).toContainText('未设置')
})

test('the leader publishes a notice to staff; a specialist finds it under the bell', async ({ page }) => {
  const title = `窗口服务调整通知 ${Date.now() % 100000}`
  await login(page, 'leader')
  await page.getByTestId('menu-/system/notices').click()
  await page.getByTestId('notice-new').click()
  await page.getByTestId('notice-title').fill(title)
  await page.getByTestId('notice-body-input').fill('本周六窗口照常开放。\n请各站做好安排。')
  await page.getByTestId('notice-save').click()
  const row = page.getByTestId('notices-table').locator('tr', { hasText: title })
  await expect(row).toContainText('草稿')
  await row.getByTestId('notice-publish').click()
  await confirmBox(page)
  await expect(row).toContainText('已发布')
  await logout(page)

  await login(page, 'zhangwei')
  await expect(page.getByTestId('notice-badge').locator('.el-badge__content')).toBeVisible()
  await page.getByTestId('notice-bell').click()
  const item = page.getByTestId('notice-item').filter({ hasText: title })
  await expect(item).toBeVisible()
  await item.click()
  await expect(item.getByTestId('notice-body')).toContainText('本周六窗口照常开放')
})

test('the enterprise sees its policies and, after a push, the message in its inbox', async ({ page }) => {
  await login(page, 'qiye', { home: PORTAL })
  await page.getByTestId('menu-/portal/policies').click()
  await expect(page.getByTestId('portal-policies').getByTestId('ent-pol-row').first()).toBeVisible()
  const near = page.getByTestId('portal-policies').getByTestId('ent-pol-row').filter({ hasText: '差一点' }).first()
  const policyTitle = (await near.getByTestId('ent-pol-title').textContent())!.trim()
  await logout(page)

  // The leader pushes that policy to eligible and near-miss enterprises.
  await login(page, 'leader')
  const list = await page.request.get('/api/policies', { params: { q: policyTitle, page_size: 50 } })
  const found = ((await list.json()) as { items: { id: string; title: string }[] }).items.find((p) => p.title === policyTitle)
  expect(found, policyTitle).toBeTruthy()
  await page.goto(`/policies/${found!.id}`)
  await page.getByTestId('pol-push').click()
  await page.getByTestId('push-target').getByText('符合条件及差一点的企业').click()
  await page.getByTestId('push-message').fill('请于本月底前联系服务专员申报。')
  // The portal inbox is always used; e-mail goes to the enterprises' contacts too.
  const dialog = page.getByTestId('push-dialog')
  await expect(dialog.getByTestId('push-channel-inbox')).toHaveClass(/is-checked/)
  await expect(dialog.getByTestId('push-channel-inbox')).toHaveClass(/is-disabled/)
  await expect(dialog.getByTestId('push-channels-hint')).toContainText('参数设置')
  await dialog.getByTestId('push-channel-email').click()
  await expect(dialog.getByTestId('push-channel-email')).toHaveClass(/is-checked/)
  await page.getByTestId('push-submit').click()
  await expect(page.getByTestId('pushes-table')).toBeVisible()
  // Without SMTP in the demo the e-mails fail: 邮件 … 失败 n, which links to 发送记录.
  const row = page.getByTestId('pushes-table').locator('.el-table__row').filter({ hasText: '请于本月底前联系服务专员申报' })
  await expect(async () => {
    await page.getByTestId('pushes-tab').getByRole('button').first().click()
    await expect(row).toContainText('已完成', { timeout: 1000 })
    await expect(row.getByTestId('push-outbox-email')).toContainText(/^邮件.*失败 \d+/, { timeout: 1000 })
  }).toPass({ timeout: 30_000 })
  await expect(row.getByTestId('push-outbox-webhook')).toHaveCount(0)
  await row.getByTestId('push-outbox-failed').click()
  await expect(page).toHaveURL(/\/reminders\/deliveries\?.*source_id=/)
  await expect(page.getByTestId('deliv-source-chip')).toContainText('仅显示某次推送/提醒的消息')
  const deliveries = page.getByTestId('deliveries-table').locator('.el-table__row')
  await expect(deliveries.first()).toContainText(policyTitle)
  await expect(deliveries.first().getByTestId('deliv-row-status')).toHaveText('发送失败')
  await expect(deliveries.first()).toContainText('SMTP')
  await logout(page)

  await login(page, 'qiye', { home: PORTAL })
  await expect(page.getByTestId('inbox-badge')).toBeVisible()
  await page.getByTestId('menu-/portal/inbox').click()
  const msg = page.getByTestId('inbox-item').filter({ hasText: policyTitle }).first()
  await expect(msg).toBeVisible()
  const unread = page.getByTestId('inbox-unread')
  await expect(unread).toContainText(/未读 \d+/)
  const before = Number((await unread.innerText()).replace(/\D/g, ''))
  await msg.click()
  await expect(msg.getByTestId('inbox-body')).toContainText('请于本月底前联系服务专员申报')
  // Read now (the demo may have left the enterprise other messages, e.g. a reminder).
  await expect(msg.locator('.dot')).toHaveCount(0)
  await expect.poll(async () => Number((await unread.innerText()).replace(/\D/g, '') || 0)).toBe(before - 1)
})
