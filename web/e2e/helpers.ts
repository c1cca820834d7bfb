import { expect, type Locator, type Page } from '@playwright/test'
import { freshTotp } from './totp'

export const DEMO_PASSWORD = 'Zhitong@Demo2026'

// A TOTP code is accepted once per account: remember each account's last window (the spec
// files share this module in the single worker).
const usedWindow = new Map<string, number>()
async function unusedTotp(username: string): Promise<string> {
  while (Math.floor(Date.now() / 30_000) === usedWindow.get(username)) await new Promise((r) => setTimeout(r, 1000))
  const code = await freshTotp()
  usedWindow.set(username, Math.floor(Date.now() / 30_000))
  return code
}

/** Signs in through the login page; answers the TOTP question when the server asks it. Staff
 * land on the dashboard, enterprise (portal) accounts on the portal (`home`). */
export async function login(page: Page, username: string, opts: { totp?: boolean; home?: RegExp } = {}): Promise<void> {
  await page.goto('/login')
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(DEMO_PASSWORD)
  await page.getByTestId('login-submit').click()
  if (opts.totp) {
    const totpInput = page.getByTestId('login-totp')
    await expect(totpInput).toBeVisible()
    await totpInput.fill(await unusedTotp(username))
    await page.getByTestId('login-submit').click()
  }
  await expect(page).toHaveURL(opts.home ?? /\/dashboard$/)
}

export async function logout(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click()
  await page.getByTestId('menu-logout').click()
  await page.locator('.el-message-box').getByRole('button').last().click()
  await expect(page).toHaveURL(/\/login/)
}

/** The options of an Element Plus select's own dropdown: the list its combobox controls. A
 * dropdown of another select that is still fading out (after a pick a moment earlier) shows the
 * same kind of options, so `.el-select-dropdown__item:visible` alone can take one that vanishes. */
export async function optionsOf(select: Locator): Promise<Locator> {
  const list = await select.getByRole('combobox').first().getAttribute('aria-controls')
  expect(list, 'the select names the list it controls').toBeTruthy()
  return select.page().locator(`[id="${list}"] .el-select-dropdown__item:visible`)
}

/** Opens an Element Plus select and picks the first of its own options that shows `text`. */
export async function pickOption(select: Locator, text: string | RegExp): Promise<void> {
  await select.click()
  await (await optionsOf(select)).filter({ hasText: text }).first().click()
}
