import { defineConfig } from '@playwright/test'

// The browser tests run against the real backend (`zhitong serve --demo`, fresh database each run).
// By default the UI under test is the current source served by Vite with /api proxied to the
// backend; ZT_E2E_UI=embedded tests the copy of the UI embedded in the binary instead.
const apiPort = Number(process.env.ZT_E2E_PORT ?? 18080)
const uiPort = Number(process.env.ZT_E2E_UI_PORT ?? 18173)
const embedded = process.env.ZT_E2E_UI === 'embedded'
const api = `http://127.0.0.1:${apiPort}`
const baseURL = embedded ? api : `http://127.0.0.1:${uiPort}`

export default defineConfig({
  testDir: './e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['./tools/playwright-summary.ts']],
  forbidOnly: Boolean(process.env.CI),
  use: {
    baseURL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: [
    {
      command: 'node e2e/start-server.mjs',
      url: `${api}/healthz`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    ...(embedded
      ? []
      : [
          {
            command: `npx vite --host 127.0.0.1 --port ${uiPort} --strictPort`,
            url: baseURL,
            timeout: 120_000,
            reuseExistingServer: false,
            env: { ZT_API: api },
          },
        ]),
  ],
})
