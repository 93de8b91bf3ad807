#!/usr/bin/env bash
# Chat with the example bot in the terminal: starts its action server, then `rasa shell`.
# Ctrl-C (or /stop) ends the chat and stops everything this script started.
set -euo pipefail
BOT_DIR=${1:-example_bot}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/.venv/bin"
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2
cd "$ROOT/$BOT_DIR"
mkdir -p logs

# rasa_sdk 3.6 has no --host: SANIC_HOST keeps the unauthenticated action server on localhost.
SANIC_HOST=127.0.0.1 "$BIN/rasa" run actions --actions actions --port 5055 > logs/actions.log 2>&1 &
ACTIONS_PID=$!
cleanup() {
  kill "$ACTIONS_PID" 2>/dev/null || true
  wait "$ACTIONS_PID" 2>/dev/null || true
  echo "demo stopped (action server $ACTIONS_PID ended)"
}
trap cleanup EXIT INT TERM

printf 'starting the action server'
for _ in $(seq 1 120); do
  if "$BIN/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=1)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$ACTIONS_PID" 2>/dev/null; then
    echo; echo "the action server failed to start; see $BOT_DIR/logs/actions.log" >&2; exit 1
  fi
  printf '.'; sleep 1
done
echo " ready."
echo "Chat with the bot below. Try: 'where is my order?', 'are you a bot?', 'I want a human'. Ctrl-C to quit."
"$BIN/rasa" shell --endpoints endpoints.yml
