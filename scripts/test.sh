#!/usr/bin/env bash
# Runs every test of Zhitong: Rust unit and integration tests on SQLite and PostgreSQL, the web
# unit tests, and the browser tests in Debian's Chromium against the real binary.
# Installs what is missing (Chromium from apt, npm packages) and starts the local PostgreSQL if
# it is down. With CI=true a PostgreSQL test that cannot connect fails instead of skipping.
set -uo pipefail
cd "$(dirname "$0")/.."
log() { printf '\n=== %s\n' "$*"; }
SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"

# --- prerequisites -------------------------------------------------------------------------
if ! command -v chromium >/dev/null 2>&1; then
  log "installing Debian chromium for the browser tests"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null || { echo "cannot install chromium"; exit 1; }
fi
if [ -z "${TEST_PG_URL:-}" ] && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  log "starting the local PostgreSQL"
  if [ -d /etc/postgresql ]; then
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  log "npm ci (web)"
  (cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund) || exit 1
fi

passed=0; failed=0; status=0
LOG=$(mktemp)

# --- Rust: unit, integration (SQLite + PostgreSQL), CLI ------------------------------------
log "cargo test (builds the web UI into the binary first)"
cargo test --workspace --locked 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}; [ "$rc" -ne 0 ] && status=1
p=$(grep -E '^test result:' "$LOG" | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\1/' | awk '{s+=$1} END {print s+0}')
f=$(grep -E '^test result:' "$LOG" | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\2/' | awk '{s+=$1} END {print s+0}')
[ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ] && f=1
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))

# --- web unit tests ------------------------------------------------------------------------
log "web unit tests (vitest)"
(cd web && npx vitest run) 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}; [ "$rc" -ne 0 ] && status=1
p=$(grep -E '^vitest: [0-9]+ passed' "$LOG" | sed -E 's/^vitest: ([0-9]+) passed.*/\1/' | tail -1)
f=$(grep -E '^vitest: [0-9]+ passed' "$LOG" | sed -E 's/.* ([0-9]+) failed.*/\1/' | tail -1)
[ "$rc" -ne 0 ] && [ -z "$f" ] && f=1
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))

# --- browser tests against the binary with its embedded UI ---------------------------------
log "browser tests (Playwright + /usr/bin/chromium)"
(cd web && ZT_BIN=../target/debug/zhitong ZT_E2E_UI=embedded npx playwright test) 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}; [ "$rc" -ne 0 ] && status=1
p=$(grep -E '^playwright: [0-9]+ passed' "$LOG" | sed -E 's/^playwright: ([0-9]+) passed.*/\1/' | tail -1)
f=$(grep -E '^playwright: [0-9]+ passed' "$LOG" | sed -E 's/.* ([0-9]+) failed.*/\1/' | tail -1)
[ "$rc" -ne 0 ] && [ -z "$f" ] && f=1
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))

rm -f "$LOG"
echo
echo "zhitong: ${passed} passed, ${failed} failed"
exit $status
