#!/usr/bin/env node
// Starts the real backend for the browser tests on a fresh SQLite database in a temporary
// directory: `zhitong serve --demo`. Playwright's webServer runs this and waits for /healthz.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const bin = process.env.ZT_BIN ? resolve(process.env.ZT_BIN) : resolve(here, '../../target/debug/zhitong')
const port = process.env.ZT_E2E_PORT ?? '18080'
const dir = mkdtempSync(join(tmpdir(), 'zt-e2e-'))

// More sign-in attempts a minute than the default 10: the suites sign in a dozen times.
const args = [
  'serve',
  '--demo',
  '--database-url',
  `sqlite://${join(dir, 'e2e.db')}`,
  '--data-dir',
  dir,
  '--bind',
  `127.0.0.1:${port}`,
  '--login-attempts-per-minute',
  '100',
]
console.log(`[e2e] ${bin} ${args.join(' ')}`)
const child = spawn(bin, args, { stdio: 'inherit', env: { ...process.env } })

function cleanup() {
  try {
    rmSync(dir, { recursive: true, force: true })
  } catch {
    /* best effort */
  }
}
child.on('exit', (code, signal) => {
  cleanup()
  process.exit(code ?? (signal ? 1 : 0))
})
child.on('error', (e) => {
  console.error(`[e2e] cannot start ${bin}: ${e.message}`)
  cleanup()
  process.exit(1)
})
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => child.kill(sig))
}
