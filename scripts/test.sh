#!/usr/bin/env bash
# The whole test suite: services, install and build, type check, unit tests, then the e2e tests
# against the real PostgreSQL, Redis and Docker engine (each run in its own database, Redis prefix
# and Docker label instance, all removed at the end). Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
bash scripts/install.sh
echo "[test] type check"
npx tsc -p tsconfig.json --noEmit
npx tsc -p web/tsconfig.json --noEmit
echo "[test] images"
npm run --silent images
echo "[test] unit tests"
npm run --silent test:unit -- --ci
# Two lanes side by side, each with its own database, Redis prefix and label instance: the suites with
# ranges on the engine (mostly waiting on containers and scenario clocks) and the API-only suites of
# test/e2e-lanes.js (CPU on the API and PostgreSQL). The API lane's output follows the engine lane's.
echo "[test] e2e tests (lanes: engine, and api beside it)"
api_log="$(mktemp)"
E2E_LANE=api RANGE_SUBNET_POOL=10.230.0.0/16 npm run --silent test:e2e -- --ci >"$api_log" 2>&1 &
api_pid=$!
engine_status=0
E2E_LANE=engine npm run --silent test:e2e -- --ci || engine_status=$?
api_status=0
wait "$api_pid" || api_status=$?
echo "[test] e2e lane api:"
cat "$api_log"
rm -f "$api_log"
echo "[test] e2e lanes: engine exit $engine_status, api exit $api_status"
[ "$engine_status" -eq 0 ] && [ "$api_status" -eq 0 ]
