#!/usr/bin/env bash
# Installs what the gateway and its tests need, when missing; safe to run again and again.
#   npm packages (npm ci, re-run whenever package-lock.json changes)
#   the pinned OPA CLI (go install, see install-opa.sh)
#   clickhouse-server from Debian's packages, when running as root (otherwise audit rows are
#   spooled to disk until a ClickHouse is reachable)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

lock_stamp="node_modules/.gateway-lock.sha256"
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -f "$lock_stamp" || "$(cat "$lock_stamp")" != "$lock_sum" ]]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  printf '%s\n' "$lock_sum" >"$lock_stamp"
fi

bash test/setup/install-opa.sh >/dev/null

if ! command -v clickhouse-server >/dev/null 2>&1; then
  if [[ "$(id -u)" == "0" ]]; then
    echo "setup: apt-get install clickhouse-server" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server >&2
  else
    echo "setup: clickhouse-server is not installed and this is not root; audit rows will be spooled" >&2
  fi
fi
