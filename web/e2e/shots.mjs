#!/usr/bin/env node
// Takes screenshots of every screen in zh-CN and en, for looking at the UI as a user would.
// Usage: ZT_SHOTS_BASE=http://127.0.0.1:18173 node e2e/shots.mjs [outdir]
// (a running UI with a backend behind it in demo mode). Not part of the test suite.
import { chromium } from '@playwright/test'
import { createHmac } from 'node:crypto'
import { mkdirSync } from 'node:fs'

const base = process.env.ZT_SHOTS_BASE ?? 'http://127.0.0.1:18173'
const out = process.argv[2] ?? '/tmp/zt-shots'
const only = process.env.ZT_SHOTS_ONLY ? process.env.ZT_SHOTS_ONLY.split(',') : null
mkdirSync(out, { recursive: true })

function totp(secret = 'ZHITONGDEMOTOTPSECRET234') {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0, v = 0
  const key = []
  for (const c of secret) { v = (v << 5) | a.indexOf(c); bits += 5; if (bits >= 8) { key.push((v >>> (bits - 8)) & 255); bits -= 8 } }
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)))
  const h = createHmac('sha1', Buffer.from(key)).update(msg).digest()
  const o = h[19] & 15
  return String((((h[o] & 127) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) % 1e6).padStart(6, '0')
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})

// The server allows 10 sign-in attempts a minute from one address: pace them.
const attempts = []
async function paced() {
  const now = Date.now()
  while (attempts.length && now - attempts[0] > 60_000) attempts.shift()
  if (attempts.length >= 8) await new Promise((r) => setTimeout(r, 61_000 - (now - attempts[0])))
  attempts.push(Date.now())
}
// A TOTP code is accepted once: wait for a fresh window after each use.
let lastWindow = 0
async function freshCode() {
  while (Math.floor(Date.now() / 30000) === lastWindow) await new Promise((r) => setTimeout(r, 1000))
  lastWindow = Math.floor(Date.now() / 30000)
  return totp()
}

async function session(locale, user, needsTotp) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  await ctx.addInitScript((l) => localStorage.setItem('zt.locale', l), locale)
  const page = await ctx.newPage()
  if (user) {
    await page.goto(base + '/login')
    await page.getByTestId('login-username').fill(user)
    await page.getByTestId('login-password').fill('Zhitong@Demo2026')
    await paced()
    await page.getByTestId('login-submit').click()
    if (needsTotp) {
      await page.getByTestId('login-totp').fill(await freshCode())
      await paced()
      await page.getByTestId('login-submit').click()
    }
    await page.waitForURL(/dashboard|setup|portal/)
  }
  return { ctx, page }
}

const shot = async (page, name) => {
  await page.waitForLoadState('networkidle')
  await page.waitForTimeout(800)
  await page.screenshot({ path: `${out}/${name}.png` })
  console.log(`${out}/${name}.png`)
}
const want = (n) => !only || only.some((o) => n.includes(o))

for (const locale of ['zh-CN', 'en']) {
  const L = locale === 'en' ? 'en' : 'zh'
  if (want('login')) {
    const { ctx, page } = await session(locale, null)
    await page.goto(base + '/login')
    await shot(page, `${L}-login`)
    await page.getByTestId('login-username').fill('zhangwei')
    await page.getByTestId('login-password').fill('wrong')
    await paced()
    await page.getByTestId('login-submit').click()
    await shot(page, `${L}-login-error`)
    await ctx.close()
  }
  if (want('leader')) {
    const { ctx, page } = await session(locale, process.env.ZT_SHOTS_LEADER ?? 'leader')
    await shot(page, `${L}-leader-dashboard`)
    await page.goto(base + '/system/org')
    await page.getByTestId('org-tree').getByText(/市场监督管理局$/).first().click()
    await shot(page, `${L}-leader-org`)
    await page.getByTestId('org-new-station').click()
    await page.getByTestId('org-create-submit').click()
    await shot(page, `${L}-leader-org-create-error`)
    await page.keyboard.press('Escape')
    await page.goto(base + '/system/labels')
    await page.getByTestId('labels-table').locator('.el-table__row').first().waitFor()
    await shot(page, `${L}-leader-labels`)
    await page.getByTestId('labels-new').click()
    await page.getByTestId('label-def-code').fill('Pudong Key')
    await page.getByTestId('label-def-submit').click()
    await page.getByTestId('label-def-item-code').locator('.el-form-item__error').waitFor()
    await shot(page, `${L}-leader-label-create-error`)
    await page.keyboard.press('Escape')
    await page.goto(base + '/system/duty')
    await shot(page, `${L}-leader-duty`)
    await page.goto(base + '/system/accounts')
    await shot(page, `${L}-leader-accounts`)
    await page.goto(base + '/visits')
    await shot(page, `${L}-leader-coming-soon`)
    await page.goto(base + '/security')
    await shot(page, `${L}-leader-security`)
    await ctx.close()
  }
  if (want('secadmin')) {
    const { ctx, page } = await session(locale, 'secadmin', true)
    await page.goto(base + '/system/accounts')
    await shot(page, `${L}-secadmin-accounts`)
    await page.locator('#tab-roles').click()
    await shot(page, `${L}-secadmin-roles`)
    await ctx.close()
  }
  if (want('sysadmin')) {
    const { ctx, page } = await session(locale, 'sysadmin', true)
    await page.goto(base + '/system/accounts')
    await page.getByTestId('accounts-new').click()
    await page.getByTestId('account-submit').click()
    await shot(page, `${L}-sysadmin-account-create-error`)
    await page.keyboard.press('Escape')
    // 字典管理 (the system admin's /system/labels leads there too).
    await page.goto(base + '/system/dicts')
    await page.getByTestId('dict-table').locator('.el-table__row').first().waitFor()
    await shot(page, `${L}-sysadmin-dicts`)
    await page.getByTestId('dict-item-industry').click()
    await page.getByTestId('dict-filter').fill('C2')
    await shot(page, `${L}-sysadmin-dicts-industry`)
    await page.getByTestId('dict-item-grade').click()
    await page.getByTestId('dict-add').click()
    await page.getByTestId('dict-f-code').fill('bad code')
    await page.getByTestId('dict-submit').click()
    await page.getByTestId('dict-item-code').locator('.el-form-item__error').waitFor()
    await page.getByTestId('dict-f-color').click()
    await shot(page, `${L}-sysadmin-dict-entry-error`)
    await page.keyboard.press('Escape')
    await page.goto(base + '/system/monitor')
    await page.getByTestId('mon-version').waitFor()
    await shot(page, `${L}-sysadmin-monitor`)
    await ctx.close()
  }
  if (want('auditor')) {
    const { ctx, page } = await session(locale, 'auditor', true)
    await page.goto(base + '/system/audit')
    await page.getByTestId('audit-verify').click()
    await page.locator('.el-table__expand-icon').first().click()
    await shot(page, `${L}-auditor-audit`)
    await ctx.close()
  }
  if (want('archive')) {
    const { ctx, page } = await session(locale, process.env.ZT_SHOTS_ARCHIVE_USER ?? 'zhangjiang')
    await page.goto(base + '/enterprises')
    await page.getByTestId('ent-table').locator('.el-table__row').first().waitFor()
    await shot(page, `${L}-archive-list`)
    await page.getByTestId('ent-q').fill('华元')
    await page.getByTestId('ent-search').click()
    await shot(page, `${L}-archive-search`)
    await page.goto(base + '/enterprises?expiring=1')
    await page.getByTestId('ent-table').locator('.el-table__row').first().waitFor()
    await page.getByTestId('ent-name').first().click()
    await page.getByTestId('ent-header-name').waitFor()
    await shot(page, `${L}-archive-basics`)
    for (const tab of ['contacts', 'labels', 'certificates', 'ip', 'figures', 'timeline']) {
      await page.locator(`#tab-${tab}`).click()
      await page.waitForTimeout(tab === 'figures' ? 1200 : 300)
      await shot(page, `${L}-archive-${tab}`)
    }
    await page.goto(base + '/enterprises')
    await page.getByTestId('ent-new').click()
    await page.getByTestId('ent-field-uscc').fill('91350100M000100Y44')
    await page.getByTestId('ent-field-name').fill('示例企业')
    await page.getByTestId('ent-form-submit').click()
    await page.waitForTimeout(500)
    await shot(page, `${L}-archive-create-error`)
    await page.keyboard.press('Escape')
    await page.getByTestId('ent-import').click()
    await shot(page, `${L}-archive-import`)
    const roster = ['统一社会信用代码,企业名称,所属站点,规模（规上/规下）,发展阶段（初创/成长/成熟）', '91310115MA1FL8XB1X,甲公司,张江科学城服务直通站,规下,初创', '9.13101E+17,乙公司,张江科学城服务直通站,规下,初创', '91310115MA1FL8XB,丙公司,火星服务站,巨型,成长'].join('\n')
    await page.getByTestId('import-dialog').locator('input[type=file]').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(roster) })
    await page.getByTestId('import-start').click()
    await page.getByTestId('import-result').waitFor()
    await shot(page, `${L}-archive-import-result`)
    await ctx.close()
  }
  if (want('requests')) {
    // One-door requests: the window officer's screens, then the station manager's.
    const { ctx, page } = await session(locale, 'zhangwei')
    await page.getByTestId('dash-req-mine-overdue').waitFor()
    await page.waitForFunction(() => !document.querySelector('[data-testid=dash-requests]')?.textContent?.includes('…'))
    await shot(page, `${L}-requests-dashboard`)
    await page.goto(base + '/requests/intake')
    await page.getByTestId('intake-uscc').waitFor()
    await shot(page, `${L}-requests-intake`)
    const ent = await (await page.request.get(base + '/api/enterprises', { params: { page_size: 1 } })).json()
    await page.getByTestId('intake-uscc').pressSequentially(ent.items[0].uscc.toLowerCase())
    await page.getByTestId('intake-enterprise').waitFor()
    await page.getByTestId('intake-item').click()
    await page.locator('.el-select-dropdown__item:visible').nth(2).click()
    await page.getByTestId('intake-applicant-name').fill('李明')
    await page.getByTestId('intake-applicant-phone').fill('13812345678')
    await page.locator('[data-testid^=slip-entry-]').first().click()
    await shot(page, `${L}-requests-intake-filled`)
    await page.getByTestId('intake-tick-all').click()
    await page.getByTestId('intake-accept').click()
    await page.getByTestId('intake-result').waitFor()
    await shot(page, `${L}-requests-intake-accepted`)
    await page.goto(base + '/requests')
    await page.getByTestId('req-table').locator('.el-table__row').first().waitFor()
    await shot(page, `${L}-requests-queue`)
    await page.getByTestId('req-number').first().click()
    await page.getByTestId('req-detail-number').waitFor()
    await shot(page, `${L}-requests-detail`)
    await page.goto(base + '/requests/figures')
    await page.getByTestId('fig-table').waitFor()
    await page.waitForTimeout(1000)
    await shot(page, `${L}-requests-figures`)
    await page.locator('#tab-queue').click()
    await page.getByTestId('queue-table').waitFor()
    await page.waitForTimeout(1000)
    await shot(page, `${L}-requests-queue-tab`)
    await ctx.close()
    const m = await session(locale, 'zhangjiang')
    await m.page.getByTestId('dash-req-scope-overdue').waitFor()
    await m.page.waitForFunction(() => !document.querySelector('[data-testid=dash-requests]')?.textContent?.includes('…'))
    await shot(m.page, `${L}-requests-dashboard-manager`)
    await m.page.goto(base + '/catalog')
    await m.page.getByTestId('cat-table').locator('.el-table__row').first().waitFor()
    await shot(m.page, `${L}-catalog`)
    await m.page.getByTestId('cat-new-item').click()
    await shot(m.page, `${L}-catalog-new-item`)
    await m.page.keyboard.press('Escape')
    await m.page.getByTestId('cat-item-name').first().click()
    await m.page.getByTestId('cat-guide-name').waitFor()
    await shot(m.page, `${L}-catalog-guide`)
    await m.page.goto(base + '/system/calendar')
    await m.page.getByTestId('cal-day-2026-10-01').waitFor()
    await shot(m.page, `${L}-calendar`)
    await m.page.getByTestId('cal-next').click()
    await shot(m.page, `${L}-calendar-next-year`)
    await m.ctx.close()
    // The request clock (office hours, near-due warning): the system administrator's.
    const a = await session(locale, 'sysadmin', true)
    await a.page.goto(base + '/system/calendar')
    await a.page.getByTestId('cal-clock-edit').click()
    await a.page.getByTestId('cal-settings-dialog').getByTestId('cal-set-range-0').waitFor()
    await shot(a.page, `${L}-calendar-clock-settings`)
    await a.ctx.close()
  }
  if (want('portal')) {
    // The enterprise portal (线上办事): the enterprise user's screens, then the staff's.
    const { ctx, page } = await session(locale, 'qiye')
    await page.getByTestId('portal-count-received').waitFor()
    await page.waitForFunction(() => !document.querySelector('[data-testid=portal-counts]')?.textContent?.includes('–'))
    await shot(page, `${L}-portal-home`)
    await page.goto(base + '/portal/items')
    await page.getByTestId('portal-item').first().waitFor()
    await shot(page, `${L}-portal-items`)
    await page.getByTestId('portal-item-name').first().click()
    await page.getByTestId('portal-guide-name').waitFor()
    await shot(page, `${L}-portal-item`)
    await page.getByTestId('portal-guide-apply').click()
    await page.getByTestId('portal-apply-materials').waitFor()
    const first = page.locator('[data-testid^=portal-apply-file-]').first()
    await first.setInputFiles({ name: '营业执照复印件.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') })
    await shot(page, `${L}-portal-apply`)
    await page.getByTestId('portal-apply-promise').click()
    await page.getByTestId('portal-apply-submit').click()
    await page.locator('.el-message-box').getByRole('button').last().click()
    await page.getByTestId('portal-apply-done').waitFor()
    await shot(page, `${L}-portal-apply-done`)
    await page.goto(base + '/portal/requests')
    await page.getByTestId('portal-req-table').locator('.el-table__row').first().waitFor()
    await shot(page, `${L}-portal-requests`)
    const supply = (await (await page.request.get(base + '/api/requests', { params: { state: 'awaiting_materials' } })).json()).items[0]
    if (supply) {
      await page.goto(base + `/portal/requests/${supply.id}`)
      await page.getByTestId('portal-req-supply').waitFor()
      await shot(page, `${L}-portal-request-supply`)
    }
    // The received request with the most materials attached (an online application).
    const withFiles = async (rq, items) => {
      const full = await Promise.all(items.map(async (r) => (await rq.get(base + `/api/requests/${r.id}`)).json()))
      return full.sort((x, y) => (y.attachments?.length ?? 0) - (x.attachments?.length ?? 0))[0]
    }
    const online = await withFiles(page.request, (await (await page.request.get(base + '/api/requests', { params: { state: 'received' } })).json()).items)
    if (online) {
      await page.goto(base + `/portal/requests/${online.id}`)
      await page.getByTestId('portal-detail-number').waitFor()
      await shot(page, `${L}-portal-request-received`)
    }
    await ctx.close()
    const s = await session(locale, 'zhangwei')
    const mine = await (await s.page.request.get(base + '/api/requests', { params: { q: '上海中从', page_size: 50 } })).json()
    const ent = mine.items[0]
    if (ent) {
      await s.page.goto(base + `/archive/${ent.enterprise_id}?tab=portal`)
      await s.page.getByTestId('portal-accounts-table').locator('.el-table__row').first().waitFor()
      await shot(s.page, `${L}-portal-accounts-tab`)
      await s.page.getByTestId('portal-account-open').click()
      await s.page.getByTestId('portal-account-username-input').fill('qiye')
      await s.page.getByTestId('portal-account-name-input').fill('王芳')
      await s.page.getByTestId('portal-account-phone-input').fill('13912345678')
      await s.page.getByTestId('portal-account-password-input').fill('short')
      await s.page.getByTestId('portal-account-submit').click()
      await s.page.getByTestId('portal-account-dialog').locator('.el-form-item__error').first().waitFor()
      await shot(s.page, `${L}-portal-account-open-error`)
      await s.page.keyboard.press('Escape')
    }
    const onl = await withFiles(s.page.request, mine.items.filter((r) => r.channel === 'online' && r.state === 'received'))
    if (onl) {
      await s.page.goto(base + `/requests/${onl.id}`)
      await s.page.getByTestId('req-detail-number').waitFor()
      await shot(s.page, `${L}-portal-staff-detail`)
      await s.page.getByTestId('req-action-accept').click()
      await s.page.getByTestId('req-action-dialog').getByTestId('slip-checklist').waitFor()
      await shot(s.page, `${L}-portal-staff-accept`)
    }
    await s.ctx.close()
  }
  if (want('policies')) {
    // The policy library (政策服务): list, criteria in words, matches, the rule builder with its
    // live preview and an enterprise test, and an enterprise's 可享政策.
    const { ctx, page } = await session(locale, 'zhangjiang')
    await page.goto(base + '/policies')
    await page.getByTestId('pol-title').first().waitFor()
    await shot(page, `${L}-policies-list`)
    const list = (await (await page.request.get(base + '/api/policies')).json()).items
    const withParam = list.find((p) => p.document_no === '浦科经委〔2025〕12号') ?? list[0]
    const withAny = list.find((p) => p.level === 'city') ?? list[0]
    await page.goto(base + `/policies/${withParam.id}?tab=criteria`)
    await page.getByTestId('crit-text').first().waitFor()
    await shot(page, `${L}-policies-criteria`)
    await page.goto(base + `/policies/${withAny.id}?tab=matches`)
    await page.getByTestId('pol-match-name').first().waitFor()
    await shot(page, `${L}-policies-matches`)
    await page.getByTestId('pol-tab-near_miss').click()
    await page.waitForTimeout(600)
    await page.getByTestId('pol-match-table').scrollIntoViewIfNeeded()
    await shot(page, `${L}-policies-matches-near`)
    await page.goto(base + `/policies/${withParam.id}/rule`)
    await page.getByTestId('rb-preview-summary').waitFor()
    await page.getByTestId('rb-test-enterprise').click()
    await page.locator('.el-select-dropdown__item:visible').first().click()
    await page.getByTestId('rb-test-result').waitFor()
    await shot(page, `${L}-policies-builder`)
    const ent = (await (await page.request.get(base + '/api/enterprises', { params: { page_size: 1 } })).json()).items[0]
    await page.goto(base + `/archive/${ent.id}?tab=policies`)
    await page.getByTestId('ent-pol-row').first().waitFor()
    await page.getByTestId('ent-pol-row').first().click()
    await shot(page, `${L}-policies-enterprise-tab`)
    // 推送 with e-mail and webhook (they fail without SMTP / a webhook: the failed count links
    // to 发送记录), then the pushes of that policy.
    const live = list.find((p) => p.status === 'published')
    if (live) {
      await page.goto(base + `/policies/${live.id}`)
      await page.getByTestId('pol-push').click()
      await page.getByTestId('push-channel-email').click()
      await page.getByTestId('push-channel-webhook').click()
      await shot(page, `${L}-policies-push-dialog`)
      await page.getByTestId('push-submit').click()
      await page.getByTestId('pushes-table').waitFor()
      await page.waitForTimeout(3000)
      await page.getByTestId('pushes-tab').getByRole('button').first().click()
      await page.getByTestId('push-outbox').first().waitFor()
      await shot(page, `${L}-policies-pushes`)
      const failed = page.getByTestId('push-outbox-failed').first()
      if (await failed.count()) {
        await failed.click()
        await page.getByTestId('deliv-source-chip').waitFor()
        await shot(page, `${L}-reminders-deliveries-of-push`)
      }
    }
    await ctx.close()
  }
  if (want('reminders')) {
    // Alarm-clock reminders: the rules and the rule editor, the calendar, the delivery log and an
    // enterprise's 提醒 tab (station manager), then the inbox of the specialist.
    const { ctx, page } = await session(locale, 'zhangjiang')
    await page.goto(base + '/reminders/rules')
    await page.getByTestId('rules-table').locator('.el-table__row').first().waitFor()
    await shot(page, `${L}-reminders-rules`)
    await page.getByTestId('rule-new').click()
    await page.getByTestId('rule-preview-title-zh').waitFor()
    await shot(page, `${L}-reminders-rule-editor`)
    await page.keyboard.press('Escape')
    await page.goto(base + '/reminders/calendar')
    await page.getByTestId('rcal-count').first().waitFor()
    await shot(page, `${L}-reminders-calendar`)
    await page.goto(base + '/reminders/deliveries?status=failed')
    await page.getByTestId('deliveries-table').locator('.el-table__row').first().waitFor()
    await shot(page, `${L}-reminders-deliveries`)
    const rem = (await (await page.request.get(base + '/api/reminders', { params: { page_size: 1 } })).json()).items[0]
    if (rem) {
      await page.goto(base + `/archive/${rem.enterprise_id}?tab=reminders`)
      await page.getByTestId('ent-reminders-table').locator('.el-table__row').first().waitFor()
      await shot(page, `${L}-reminders-enterprise-tab`)
    }
    await ctx.close()
    const s = await session(locale, 'zhangwei')
    await s.page.getByTestId('staff-inbox-bell').click()
    await s.page.getByTestId('staff-inbox-drawer').getByTestId('staff-msg').first().waitFor()
    await shot(s.page, `${L}-reminders-inbox-drawer`)
    await s.page.goto(base + '/inbox')
    await s.page.getByTestId('staff-msg').first().locator('.el-collapse-item__header').click()
    await shot(s.page, `${L}-reminders-inbox`)
    await s.ctx.close()
  }
  if (want('setup') && process.env.ZT_SHOTS_SETUP_USER) {
    const { ctx, page } = await session(locale, process.env.ZT_SHOTS_SETUP_USER)
    await shot(page, `${L}-setup`)
    await ctx.close()
  }
}
await browser.close()
