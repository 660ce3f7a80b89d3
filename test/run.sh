#!/usr/bin/env bash
# Runs every check and test of the gateway on a fresh clone: installs what is missing, type-checks,
# lints, checks/tests/builds the Rego, starts a local ClickHouse, then runs the whole test suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash test/setup/install.sh

echo "== tsc --noEmit"
npx tsc --noEmit

echo "== biome check"
npx biome check --error-on-warnings .

echo "== build (tsc to dist/, what the container image runs)"
rm -rf dist
npm run -s build

echo "== policies: opa fmt / check / test / build"
bash policies/build.sh

echo "== clickhouse"
state_dir="$PWD/.gateway/test-clickhouse"
GATEWAY_TEST_CLICKHOUSE_URL="$(bash test/setup/clickhouse.sh start 18123 "$state_dir")"
export GATEWAY_TEST_CLICKHOUSE_URL
trap 'bash test/setup/clickhouse.sh stop "$state_dir" >/dev/null 2>&1 || true' EXIT

echo "== tests"
mapfile -t test_files < <(find test extproc bench -name '*.test.ts' -not -path '*/node_modules/*' | LC_ALL=C sort)
node --import tsx --test --test-reporter=spec "${test_files[@]}"
