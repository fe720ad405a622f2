#!/usr/bin/env bash
# Quick start: readies the services, installs, builds, migrates, seeds, builds the range images,
# then runs the API and the worker until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
bash scripts/install.sh
npm run --silent db:migrate
npm run --silent db:seed
npm run --silent images

node dist/apps/worker/src/main.js &
WORKER=$!
node dist/apps/api/src/main.js &
API=$!
trap 'kill -TERM $API $WORKER 2>/dev/null; wait $API $WORKER 2>/dev/null' INT TERM EXIT
PORT="${API_PORT:-3000}"; HOST="${API_HOST:-127.0.0.1}"
for _ in $(seq 1 60); do
  if curl -s -o /dev/null "http://$HOST:$PORT/api/v1/health"; then break; fi
  sleep 0.5
done
echo
echo "  CYDER range API:  http://$HOST:$PORT/api/v1"
echo "  OpenAPI docs:     http://$HOST:$PORT/api/docs"
echo "  Health:           http://$HOST:$PORT/api/v1/health"
echo "  (api pid $API, worker pid $WORKER; Ctrl-C stops both)"
echo
wait -n $API $WORKER
