#!/usr/bin/env bash
# Installs node dependencies (only when package-lock.json changed) and builds to dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.package-lock.sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[install] npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
else
  echo "[install] node_modules is up to date"
fi
echo "[install] building (tsc)"
npm run --silent build
