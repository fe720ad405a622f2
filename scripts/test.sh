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
echo "[test] e2e tests"
npm run --silent test:e2e -- --ci
