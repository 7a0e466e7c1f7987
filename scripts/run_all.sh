#!/usr/bin/env bash
# Starts the whole assistant on its embedded defaults and stops it all on Ctrl-C.
# Called by `make run` (which sets the environment defaults); logs go to var/log/.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV_BIN=.venv/bin
mkdir -p var/log var/db
pids=()
stop_all() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop_all INT TERM EXIT

echo "==> Starting the web/backend process on port ${WEB_PORT} (saisines API, SQLite in var/db/)"
"$VENV_BIN/python" -m bot.backend >var/log/backend.log 2>&1 &
pids+=($!)

echo "==> Starting the outbox courier (delivers confirmed saisines to the backend, retries when it is down)"
"$VENV_BIN/python" -m bot.saisine >var/log/courier.log 2>&1 &
pids+=($!)

echo "==> Starting the retention job (every hour: personal data out of conversations older than ${TRACKER_RETENTION_DAYS:-1} day)"
"$VENV_BIN/python" -m bot.retention --every 3600 >var/log/retention.log 2>&1 &
pids+=($!)

echo "==> Starting the action server on port ${ACTION_PORT}"
"$VENV_BIN/rasa" run actions --actions actions --port "${ACTION_PORT}" >var/log/actions.log 2>&1 &
pids+=($!)

echo "==> Starting the Rasa server on port ${RASA_PORT} (loading the model takes about 20 s)"
"$VENV_BIN/rasa" run --model models/assistant.tar.gz --port "${RASA_PORT}" \
  --credentials credentials.yml --endpoints endpoints.yml \
  --cors "http://localhost:${WEB_PORT}" "http://127.0.0.1:${WEB_PORT}" \
  >var/log/rasa.log 2>&1 &
pids+=($!)

"$VENV_BIN/python" scripts/wait_ready.py \
  "http://localhost:${WEB_PORT}/health" "http://localhost:${ACTION_PORT}/health" "http://localhost:${RASA_PORT}/" || {
  echo "The assistant did not start; see var/log/" >&2; exit 1; }

cat <<MSG

The assistant is running.
  Talk to it (REST):  curl -s -X POST http://localhost:${RASA_PORT}/webhooks/rest/webhook \\
                        -H 'Content-Type: application/json' \\
                        -d '{"sender": "moi", "message": "bonjour"}'
  Chat page:       http://localhost:${WEB_PORT}/
  Kiosk (borne):   http://localhost:${WEB_PORT}/borne
  Staff reference: http://localhost:${WEB_PORT}/reference
  Backend API (saisines, OpenAPI): http://localhost:${WEB_PORT}/api/openapi.yml
  Logs: var/log/   Conversations: ${TRACKER_STORE_URL}
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}"
echo "A process stopped; see var/log/. Stopping the others." >&2
