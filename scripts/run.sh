#!/usr/bin/env bash
# `make run`: set up, train if the data changed, then start Rasa, the action server and the
# gateway under honcho. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/train.sh
# Secrets added after a .env was first written (or still the .env.example placeholder) get a
# random value once, kept out of git: the gateway↔Rasa channel secret, the action server
# token, the web session HMAC key.
for name in GATEWAY_RASA_SECRET ACTION_SERVER_TOKEN SESSION_HMAC_KEY; do
  if ! grep -q "^$name=." .env || grep -q "^$name=change-me$" .env; then
    sed -i "/^$name=/d" .env
    echo "$name=$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(32))')" >> .env
  fi
done
set -a; . ./.env; set +a
export RASA_PORT="${RASA_PORT:-5005}" ACTIONS_PORT="${ACTIONS_PORT:-5055}" GATEWAY_PORT="${GATEWAY_PORT:-8000}"
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTIONS_PORT/webhook}"
export RASA_URL="${RASA_URL:-http://127.0.0.1:$RASA_PORT}"
export TRACKER_DB="${TRACKER_DB:-var/tracker.db}"
mkdir -p var
exec .venv/bin/honcho start -f Procfile
