#!/usr/bin/env bash
# Runs the Entra provisioning conformance replay (../shared/conformance/entra-replay) against a
# server built from the current sources (only rebuilt when they changed) on a temporary
# database. Exit status is the replay's.
set -euo pipefail
cd "$(dirname "$0")/.."
replay="${SCIMGATE_REPLAY:-../shared/conformance/entra-replay/replay.mjs}"
if [ ! -f "$replay" ]; then
  cat >&2 <<EOF
conformance replay not found at $replay
The replay is not part of this repository: it lives in the shared/ checkout next to it
(../shared/conformance/entra-replay/replay.mjs, relative to $(pwd)).
Put shared/ beside this checkout, or point SCIMGATE_REPLAY at replay.mjs:
  SCIMGATE_REPLAY=/path/to/shared/conformance/entra-replay/replay.mjs npm run conformance
EOF
  exit 1
fi
node scripts/build-if-changed.mjs
tmp=$(mktemp -d)
port=${CONFORMANCE_PORT:-18181}
token="conformance-$(node -e 'console.log(require("node:crypto").randomBytes(16).toString("hex"))')"
SCIMGATE_DATABASE="$tmp/scimgate.db" SCIMGATE_SCIM_TOKEN="$token" PORT="$port" HOST=127.0.0.1 SCIMGATE_LOG_LEVEL=warn \
  node dist/cli/index.js serve >"$tmp/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 50); do
  node -e "fetch('http://127.0.0.1:$port/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" && break
  sleep 0.2
done
node "$replay" --base "http://127.0.0.1:$port/scim/v2" --token "$token"
