#!/usr/bin/env bash
# End-to-end suite (issue 4): builds scimgate, checks the real parts are installed (nginx,
# Chromium: .ci/run installs both from Debian), then runs test/e2e with its own vitest config.
# Exits non-zero on any failure. Screenshots land in test-results/e2e/.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=0
for binary in "${NGINX_BINARY:-/usr/sbin/nginx}" "${CHROMIUM_BINARY:-/usr/bin/chromium}"; do
  if [ ! -x "$binary" ]; then
    echo "e2e: $binary is missing (apt-get install -y nginx chromium)" >&2
    missing=1
  fi
done
[ "$missing" -eq 0 ] || exit 1

npm run build

# The suite runs in its own process group so that nothing it started (nginx, scimgate, Chromium)
# outlives it, even if a worker crashes; a watchdog bounds the run (it takes well under a minute).
setsid npx vitest run --config test/e2e/vitest.config.ts "$@" &
group=$!
( sleep "${E2E_TIMEOUT_SECONDS:-300}"; kill -TERM -- "-$group"; sleep 10; kill -KILL -- "-$group" ) >/dev/null 2>&1 &
watchdog=$!
status=0
wait "$group" || status=$?
kill "$watchdog" 2>/dev/null || true
kill -KILL -- "-$group" 2>/dev/null || true
if [ "$status" -ge 128 ]; then echo "e2e: the suite was killed (signal $((status - 128)); timeout ${E2E_TIMEOUT_SECONDS:-300}s)" >&2; fi
exit "$status"
