#!/usr/bin/env bash
# The whole test suite (`make test`), laid out for a 2-core machine.  Three lanes run at once:
#
#   training : the models the end-to-end tests use (tests/harness, cached by content hash):
#              the example bot first, then the adopted support bot, the plain variant and the
#              `rasa init` bot, in the order the tests need them;
#   lane 1   : the unit tests, then the end-to-end modules that start servers of their own;
#   lane 2   : once the example bot is trained, the end-to-end modules that share the session's
#              servers (tests/e2e/conftest.py sorts modules into the two lanes).
#
# Much of an end-to-end test is waiting on a server, so the lanes fill each other's gaps.  A test
# that needs a model still being trained waits for it (a file lock), nothing trains twice.
# Each lane's output is printed at the end, then one table of phase times and one total line.
# RASA_ETHICS_PHASES=FILE: append the "phase start end" lines (epoch seconds) to FILE, which may
# hold earlier phases (.ci/run's environment); RASA_ETHICS_BEGAN: when the total starts.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONPATH=$PWD
logs=$(mktemp -d)
phases=${RASA_ETHICS_PHASES:-$logs/phases}
trap 'rm -rf "$logs"' EXIT

# run NAME COMMAND...: run it with its output in $logs/NAME.log; note its start and end
run() {
  local name=$1 start rc
  shift
  start=$(date +%s)
  echo ">> [+$((start - began)) s] $name: started"
  "$@" >"$logs/$name.log" 2>&1
  rc=$?
  echo "$name $start $(date +%s)" >>"$phases"
  echo "$rc" >"$logs/$name.rc"
  echo ">> [+$(($(date +%s) - began)) s] $name: exit $rc"
  return "$rc"
}

show() {  # print a lane's output under a heading
  echo; echo "======== $1 ========"; cat "$logs/$1.log"
}

began=$(date +%s)
# Priorities: tests that time something (unit tests, the shared lane's latency checks) first;
# training, and the end-to-end modules that time nothing, take what is left.
(
  run training-example nice -n 10 "$BIN/python" -m tests.harness example && {
    RASA_ETHICS_E2E_LANE=shared run e2e-shared "$BIN/pytest" -m slow -p no:cacheprovider &
    run training-more nice -n 10 "$BIN/python" -m tests.harness support-bot plain rasa-init
    wait
  }
) &
lane2=$!
(
  run unit "$BIN/pytest" -m "not slow" -p no:cacheprovider
  RASA_ETHICS_E2E_LANE=own run e2e-own nice -n 5 "$BIN/pytest" -m slow -p no:cacheprovider
) &
lane1=$!
wait "$lane1" "$lane2"

# A unit test that failed beside the other lanes runs once more on its own: some time things
# (linear-time checks, latency bounds), and a busy machine can push them over.  Both runs are
# shown; one that fails alone fails the suite.
if [ "$(cat "$logs/unit.rc")" != 0 ]; then
  mapfile -t again < <(sed -n 's/^\(FAILED\|ERROR\) \([^ ]*\).*/\2/p' "$logs/unit.log" | sort -u)
  if [ "${#again[@]}" -gt 0 ] && [ "${#again[@]}" -le 10 ]; then
    run unit-alone "$BIN/pytest" -p no:cacheprovider "${again[@]}" && echo 0 >"$logs/unit.rc"
  fi
fi

failed=0
for name in training-example training-more unit unit-alone e2e-own e2e-shared; do
  if [ -f "$logs/$name.log" ]; then show "$name"; fi
  [ "$name" = unit-alone ] && continue  # its result is the unit lane's
  if [ "$(cat "$logs/$name.rc" 2>/dev/null || echo missing)" != 0 ]; then
    echo ">> $name: FAILED (exit $(cat "$logs/$name.rc" 2>/dev/null || echo 'not run'))"
    failed=1
  fi
done
"$BIN/python" scripts/phases.py "$phases" "${RASA_ETHICS_BEGAN:-$began}" \
  "$logs"/unit.log "$logs"/unit-alone.log "$logs"/e2e-*.log
exit "$failed"
