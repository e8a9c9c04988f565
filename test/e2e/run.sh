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
# Bounded: the suite itself takes well under a minute; a hang must not eat CI's time.
timeout --kill-after=10s 300s npx vitest run --config test/e2e/vitest.config.ts "$@"
