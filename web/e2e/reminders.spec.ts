// Alarm-clock reminders (闹钟式提醒) through the browser, against `zhitong serve --demo`: the
// station manager zhangjiang (陈静) reads the demo rules, builds a new rule (offsets as tags, a
// placeholder inserted at the cursor, the live preview), saves and switches it off; reads the
// reminder calendar's counts and one day's list; marks a reminder 已处理 on an enterprise's 提醒
// tab; opens 我的消息; sends a failed message again from 发送记录. The specialist zhangwei
// handles a reminder from his inbox and may read the rules but not change them. The enterprise
// user qiye (李明) marks the reminder it got in its portal inbox 已处理.
import { expect, test, type Page } from '@playwright/test'
import { login } from './helpers'

test.describe.configure({ mode: 'serial' })

const MANAGER = 'zhangjiang'
const SPECIALIST = 'zhangwei'
const PORTAL_USER = 'qiye'
const PORTAL = /\/portal$/

async function getJson<T>(page: Page, url: string, params?: Record<string, string | number>): Promise<T> {
  const res = await page.request.get(url, { params })
  expect(res.ok(), `${url}: ${res.status()} ${await res.text()}`).toBeTruthy()
  return (await res.json()) as T
}

// First, before the staff tests could handle the same reminder from their side.
test('the enterprise marks the reminder in its portal inbox 已处理, and it stays handled', async ({ page }) => {
  await login(page, PORTAL_USER, { home: PORTAL })
  await page.getByTestId('menu-/portal/inbox').click()
  await expect(page).toHaveURL(/\/portal\/inbox$/)

  // The demo reminded the enterprise of its 排污许可证 (expiring in 25 days).
  const msg = page.getByTestId('inbox-item').filter({ hasText: '排污许可证' }).first()
  await expect(msg).toBeVisible()
  await expect(msg.getByTestId('inbox-acked')).toHaveCount(0)
  await msg.locator('.el-collapse-item__header').click()
  await expect(msg.getByTestId('inbox-body')).toContainText('排污许可证')
  await expect(msg.getByTestId('inbox-body')).toContainText('25 天')
  const ack = msg.getByTestId('inbox-ack')
  await expect(ack).toHaveText('已处理')
  await ack.click()
  await expect(page.locator('.el-message--success').first()).toBeVisible()
  await expect(msg.getByTestId('inbox-acked')).toHaveText('已处理')
  await expect(msg.getByTestId('inbox-ack')).toHaveCount(0)

  // Still handled after a reload (the server knows).
  await page.reload()
  const again = page.getByTestId('inbox-item').filter({ hasText: '排污许可证' }).first()
  await expect(again.getByTestId('inbox-acked')).toHaveText('已处理')
  await again.locator('.el-collapse-item__header').click()
  await expect(again.getByTestId('inbox-body')).toBeVisible()
  await expect(again.getByTestId('inbox-ack')).toHaveCount(0)
})

test('a station manager builds a reminder rule and finds it in the table', async ({ page }) => {
  const name = `食品经营许可证到期提醒（测试 ${Date.now() % 100000}）`
  await login(page, MANAGER)
  await page.getByTestId('side-menu').getByTestId('menu-/reminders/rules').click()
  await expect(page).toHaveURL(/\/reminders\/rules$/)

  // The demo rules, their offsets in words.
  const table = page.getByTestId('rules-table')
  const demo = table.locator('.el-table__row').filter({ hasText: '证照到期提醒' }).first()
  await expect(demo.getByTestId('rule-row-offsets')).toHaveText('提前 90/30/7 天')
  await expect(table).toContainText('高新技术企业复审提醒')
  await expect(table).toContainText('企业年报提醒')
  await expect(table.locator('.el-table__row').filter({ hasText: '办件到期提醒' }).getByTestId('rule-row-offsets')).toContainText('个工作日')

  // 新建规则: a new rule starts complete (the first watch, its offsets and wording) with a preview.
  await page.getByTestId('rule-new').click()
  const dialog = page.getByTestId('rule-dialog')
  await expect(dialog.getByTestId('rule-watch')).toContainText('证照到期')
  await expect(dialog.getByTestId('rule-offset-words')).toHaveText('提前 90/30/7 天')
  await expect(dialog.getByTestId('rule-preview-title-zh')).not.toBeEmpty()

  // Only food business licences.
  const kind = dialog.getByTestId('rule-subject-cert')
  await kind.click()
  await page.keyboard.type('食品经营许可证')
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: /^食品经营许可证$/ }).first().click()
  await dialog.getByTestId('rule-name').fill(name)

  // Offsets as tags: drop 7, add 60; a number out of range is refused at once.
  await dialog.getByTestId('rule-offset-tag').filter({ hasText: /^7$/ }).locator('.el-tag__close').click()
  const offset = dialog.getByTestId('rule-offset-input')
  await offset.fill('400')
  await offset.press('Enter')
  await expect(dialog.getByTestId('rule-offset-problem')).toContainText('0 到 366')
  await offset.fill('60')
  await offset.press('Enter')
  await expect(dialog.getByTestId('rule-offset-tag')).toHaveText(['90', '60', '30'])
  await expect(dialog.getByTestId('rule-offset-words')).toHaveText('提前 90/60/30 天')
  await expect(dialog.getByTestId('rule-offset-problem')).toHaveCount(0)

  // The station manager hears of it too; escalation after 2 working days.
  await dialog.getByTestId('rule-recipient-station_manager').click()
  const after = dialog.getByTestId('rule-escalate-after').locator('input')
  await after.fill('2')
  await after.press('Tab')

  // A placeholder chip inserts at the cursor, not at the end.
  const title = dialog.getByTestId('rule-title-zh')
  await title.fill('的食品经营许可证快到期了')
  await title.press('Home')
  await dialog.getByTestId('rule-ph-enterprise').click()
  await expect(title).toHaveValue('{enterprise}的食品经营许可证快到期了')
  await expect(title).toBeFocused()
  // The preview writes it with sample data.
  const previewTitle = dialog.getByTestId('rule-preview-title-zh')
  await expect(previewTitle).toContainText('的食品经营许可证快到期了')
  await expect(previewTitle).not.toContainText('{enterprise}')

  // An unknown placeholder is flagged while typing.
  const bodyEn = dialog.getByTestId('rule-body-en')
  const bodyEnText = await bodyEn.inputValue()
  await bodyEn.fill(`${bodyEnText} {company}`)
  await expect(dialog.locator('.el-form-item').filter({ has: page.getByTestId('rule-body-en') }).locator('.el-form-item__error')).toContainText('{company}')
  await bodyEn.fill(bodyEnText)
  await expect(dialog.locator('.el-form-item').filter({ has: page.getByTestId('rule-body-en') }).locator('.el-form-item__error')).toHaveCount(0)

  await dialog.getByTestId('rule-save').click()
  await expect(dialog).toBeHidden()
  const row = table.locator('.el-table__row').filter({ hasText: name })
  await expect(row).toHaveCount(1)
  await expect(row.getByTestId('rule-row-offsets')).toHaveText('提前 90/60/30 天')
  await expect(row).toContainText('食品经营许可证')
  await expect(row).toContainText('企业联系人、服务专员、站长')
  await expect(row).toContainText('2 个工作日未处理即上报')

  // Switched off (a save with the version check), then edited: the form shows what was saved.
  await row.getByTestId('rule-row-enabled').click()
  await expect(page.locator('.el-message--success').filter({ hasText: '规则已停用' })).toBeVisible()
  await expect(row.getByTestId('rule-row-enabled')).not.toHaveClass(/is-checked/)
  await row.getByTestId('rule-row-edit').click()
  await expect(dialog.getByTestId('rule-name')).toHaveValue(name)
  await expect(dialog.getByTestId('rule-offset-tag')).toHaveText(['90', '60', '30'])
  await expect(dialog.getByTestId('rule-title-zh')).toHaveValue('{enterprise}的食品经营许可证快到期了')
  await expect(dialog.getByTestId('rule-enabled')).not.toHaveClass(/is-checked/)
})

test('the station manager reads the reminder calendar, handles a reminder on an enterprise and opens the inbox', async ({ page }) => {
  await login(page, MANAGER)
  await page.getByTestId('side-menu').getByTestId('menu-/reminders/calendar').click()
  await expect(page).toHaveURL(/\/reminders\/calendar$/)
  await expect(page.getByTestId('rcal-month')).toHaveText(/^\d{4}年\d{1,2}月$/)

  // A month with reminders (this one or one of the next two): each day shows its count.
  const days = page.locator('[data-testid^="rcal-day-"]').filter({ has: page.getByTestId('rcal-count') })
  for (let i = 0; i < 3 && (await days.count()) === 0; i++) {
    await page.getByTestId('rcal-next').click()
    await page.waitForLoadState('networkidle')
  }
  await expect(days.first()).toBeVisible()
  await expect(page.getByTestId('rcal-summary')).toContainText(/本月 \d+ 条提醒/)
  // The busiest day's list has as many reminders as its count, each with its enterprise.
  let busiest = days.first()
  let most = 0
  for (let i = 0; i < (await days.count()); i++) {
    const n = Number(await days.nth(i).getByTestId('rcal-count').innerText())
    if (n > most) [busiest, most] = [days.nth(i), n]
  }
  await busiest.click()
  await expect(page.getByTestId('rcal-item')).toHaveCount(most)
  await expect(page.getByTestId('rcal-item').first().getByTestId('rcal-enterprise')).not.toBeEmpty()
  await expect(page.getByTestId('rcal-item').first().getByTestId('rcal-status')).toHaveText(/计划|已提醒|已处理/)

  // An enterprise with a reminder waiting for 已处理: its 提醒 tab.
  const waiting = await getJson<{ items: { enterprise_id: string; enterprise_name: string; subject: string }[] }>(page, '/api/reminders', {
    status: 'notified',
    page_size: 1,
  })
  expect(waiting.items.length, 'the demo has notified reminders').toBeGreaterThan(0)
  const r = waiting.items[0]
  await page.goto(`/archive/${r.enterprise_id}`)
  await expect(page.getByTestId('ent-header-name')).toHaveText(r.enterprise_name)
  await page.getByRole('tab', { name: '提醒' }).click()
  await expect(page).toHaveURL(/tab=reminders/)
  const remRow = page.getByTestId('ent-reminders-table').locator('.el-table__row').filter({ hasText: r.subject }).filter({ has: page.getByTestId('ent-rem-ack') }).first()
  await expect(remRow.getByTestId('ent-rem-status')).toHaveText('已提醒')
  await remRow.getByTestId('ent-rem-ack').click()
  await expect(page.locator('.el-message--success').filter({ hasText: '已标记为已处理' }).first()).toBeVisible()
  const handled = page.getByTestId('ent-reminders-table').locator('.el-table__row').filter({ hasText: '陈静 于' })
  await expect(handled.first().getByTestId('ent-rem-status')).toHaveText('已处理')

  // 我的消息: from the header to the full page.
  await page.getByTestId('staff-inbox-bell').click()
  const drawer = page.getByTestId('staff-inbox-drawer')
  await expect(drawer).toBeVisible()
  await drawer.getByTestId('staff-inbox-all').click()
  await expect(page).toHaveURL(/\/inbox$/)
  await expect(page.getByTestId('inbox-view')).toBeVisible()
  await expect(page.getByTestId('staff-inbox-unread')).toHaveText(/未读 \d+|全部已读/)
  await expect(page.getByTestId('breadcrumb')).toContainText('我的消息')
})

test('the station manager sends a failed message again and looks at the messages of one reminder', async ({ page }) => {
  await login(page, MANAGER)
  // A failed one (the demo has no SMTP / webhook set up, so e-mail and webhook messages fail).
  const failed = await getJson<{ items: { source_id: string; title: string }[] }>(page, '/api/reminders/deliveries', {
    status: 'failed',
    page_size: 1,
  })
  expect(failed.items.length, 'the demo has failed messages').toBeGreaterThan(0)
  const d = failed.items[0]

  // 发送记录 of that reminder only: the chip says so.
  await page.goto(`/reminders/deliveries?status=failed&source_id=${d.source_id}`)
  const chip = page.getByTestId('deliv-source-chip')
  await expect(chip).toHaveText('仅显示某次推送/提醒的消息')
  const rows = page.getByTestId('deliveries-table').locator('.el-table__row')
  const ofSource = await getJson<{ total: number }>(page, '/api/reminders/deliveries', { status: 'failed', source_id: d.source_id })
  await expect(rows).toHaveCount(Math.min(ofSource.total, 20))
  await expect(rows.first()).toContainText(d.title)

  // 重发: the message is queued again (its attempts go up) and the list reloads.
  const attempts = async () => {
    const list = await getJson<{ items: { attempts: number }[] }>(page, '/api/reminders/deliveries', { source_id: d.source_id, page_size: 100 })
    return list.items.reduce((n, x) => n + x.attempts, 0)
  }
  const before = await attempts()
  const row = rows.first()
  await expect(row.getByTestId('deliv-row-status')).toHaveText('发送失败')
  const reload = page.waitForResponse((r) => r.url().includes('/api/reminders/deliveries?') && r.request().method() === 'GET')
  await row.getByTestId('deliv-retry').click()
  await expect(page.locator('.el-message--success').filter({ hasText: '已重新排队发送' })).toBeVisible()
  await reload
  await expect.poll(attempts).toBeGreaterThan(before)

  // The chip clears the filter, in the address too.
  await chip.locator('.el-tag__close').click()
  await expect(chip).toHaveCount(0)
  await expect(page).not.toHaveURL(/source_id=/)
  await expect(page).toHaveURL(/status=failed/)
})

test('a specialist handles a reminder from his inbox and may read the rules but not change them', async ({ page }) => {
  await login(page, SPECIALIST)
  // The header shows the unread count; the inbox lists the reminders sent to him.
  await expect(page.getByTestId('staff-inbox-badge').locator('.el-badge__content')).toBeVisible()
  await page.goto('/inbox')
  const pendingTag = page.getByTestId('staff-inbox-pending')
  await expect(pendingTag).toContainText(/待处理 \d+/)
  const before = Number((await pendingTag.innerText()).replace(/\D/g, ''))

  // Opening a message marks it read; 已处理 handles its reminder.
  await page.getByTestId('staff-inbox-only-pending').click()
  const msg = page.getByTestId('staff-msg').first()
  const title = (await msg.getByTestId('staff-msg-title').innerText()).trim()
  await msg.locator('.el-collapse-item__header').click()
  await expect(msg.getByTestId('staff-msg-body')).toBeVisible()
  await msg.getByTestId('staff-msg-ack').click()
  await expect(page.locator('.el-message--success').filter({ hasText: '已标记为已处理' }).first()).toBeVisible()
  await expect.poll(async () => Number((await pendingTag.innerText()).replace(/\D/g, ''))).toBeLessThan(before)
  await page.getByTestId('staff-inbox-only-pending').click()
  const done = page.getByTestId('staff-msg').filter({ hasText: title }).filter({ has: page.getByTestId('staff-msg-acked') })
  await expect(done.first()).toBeVisible()

  // 发送记录: read, but no 重发 without reminder.manage.
  await page.goto('/reminders/deliveries?status=failed')
  await expect(page.getByTestId('deliveries-table').locator('.el-table__row').first()).toBeVisible()
  await expect(page.getByTestId('deliv-retry')).toHaveCount(0)

  // Rules: read, not written.
  await page.goto('/reminders/rules')
  await expect(page.getByTestId('rules-table').locator('.el-table__row').first()).toBeVisible()
  await expect(page.getByTestId('rule-new')).toHaveCount(0)
  await expect(page.getByTestId('rule-row-edit')).toHaveCount(0)
  await expect(page.getByTestId('rule-row-enabled').first()).toHaveClass(/is-disabled/)
})
