#!/usr/bin/env bash
# Both sides of the example bot in the browser: the customers' web chat and the agents' console.
# Starts the action server and `rasa run`, creates a demo agent account with a fresh password,
# and prints the two addresses. Ctrl-C stops everything this script started.
set -euo pipefail
BOT_DIR=${1:-example_bot}
PORT=${RASA_ETHICS_DEMO_PORT:-5005}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/.venv/bin"
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONWARNINGS=ignore
cd "$ROOT/$BOT_DIR"
mkdir -p logs

# The agent channel needs a token for machine clients (`rasa-ethics handoff`); people use accounts.
export RASA_ETHICS_AGENT_TOKEN=${RASA_ETHICS_AGENT_TOKEN:-$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(24))')}
AGENT=demo
PASSWORD=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(12))')

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo; echo "demo stopped"
}
trap cleanup EXIT INT TERM

wait_for() {  # URL PID LOG WHAT
  for _ in $(seq 1 240); do
    if "$BIN/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$1" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$2" 2>/dev/null; then
      echo; echo "$4 failed to start; see $BOT_DIR/$3" >&2; exit 1
    fi
    printf '.'; sleep 1
  done
  echo; echo "$4 did not start in 4 minutes; see $BOT_DIR/$3" >&2; exit 1
}

# rasa_sdk 3.6 has no --host: SANIC_HOST keeps the unauthenticated action server on localhost.
SANIC_HOST=127.0.0.1 "$BIN/rasa" run actions --actions actions --port 5055 > logs/actions.log 2>&1 &
pids+=($!)
printf 'starting the action server'
wait_for http://127.0.0.1:5055/health "${pids[-1]}" logs/actions.log "the action server"
echo " ready."

# The demo agent, with a password made for this run (the account lives in the bot's database).
"$BIN/rasa-ethics" agents remove "$AGENT" --endpoints endpoints.yml >/dev/null 2>&1 || true
if ! printf '%s\n' "$PASSWORD" | "$BIN/rasa-ethics" agents add "$AGENT" --display-name "Demo Agent" \
  --password-stdin --endpoints endpoints.yml > logs/agents.log 2>&1; then
  grep 'rasa-ethics' logs/agents.log >&2 || cat logs/agents.log >&2
  exit 1
fi

"$BIN/rasa" run --interface 127.0.0.1 --port "$PORT" --endpoints endpoints.yml \
  --credentials credentials.yml > logs/rasa.log 2>&1 &
pids+=($!)
printf 'starting the bot (about a minute)'
wait_for "http://127.0.0.1:$PORT/webhooks/ethics_chat/" "${pids[-1]}" logs/rasa.log "the bot"
echo " ready."
cat <<INFO

  Customer side, the web chat:  http://localhost:$PORT/webhooks/ethics_chat/
  Agent side, the console:      http://localhost:$PORT/webhooks/ethics_agent/console
      agent: $AGENT    password: $PASSWORD

Open both in two browser tabs. In the chat, try "where is my order?", "are you a bot?", or press
"Talk to a human"; then claim the request in the console, reply, and resolve it.
The bot's log is $BOT_DIR/logs/rasa.log. Ctrl-C stops everything.
INFO
wait "${pids[-1]}"
