#!/usr/bin/env bash
# The whole test suite (`make test`), laid out for a 2-core machine.  Five lanes run at once:
#
#   training   : the models the end-to-end tests use (tests/harness, cached by content hash):
#                the example bot first, then the adopted support bot and the plain variant;
#                beside it, from the start, the `rasa init` bot and the context bot;
#   unit       : the unit tests, then the end-to-end modules that start servers of their own;
#   statistics : once the example bot is trained, the modules that send hundreds of messages
#                to the session's served bot (the truth contract, the held-out sets);
#   shared     : beside it, the other modules that use the session's servers, in a second
#                pytest process with servers of its own;
#   models     : the modules that need one of the other models (adoption of third-party bots,
#                the context bot), in the order they are trained.
#
# tests/e2e/conftest.py sorts the modules into lanes ($RASA_ETHICS_E2E_LANE).  Much of an
# end-to-end test is waiting on a server, so the lanes fill each other's gaps.  A test that needs
# a model still being trained waits for it (a file lock): nothing trains twice.
# Scratch files (workspaces, SQLite databases, PostgreSQL's data) go to a RAM file system when
# there is one: every SQLite commit of a served bot is an fsync, and on a disk those add up to
# most of a turn's time.  Each lane's output is printed at the end, then one table of phase
# times and one total line.
# RASA_ETHICS_PHASES=FILE: append the "phase start end" lines (epoch seconds) to FILE, which may
# hold earlier phases (.ci/run's environment); RASA_ETHICS_BEGAN: when the total starts.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONPATH=$PWD
# One thread per TensorFlow and BLAS pool: five lanes share two cores, and a pool that waits for
# its other threads spends CPU the other lanes need (training the plain bot: 96 CPU-s and 112 s
# with the default pools, 82 CPU-s and 86 s with one thread each).
export TF_INTER_OP_PARALLELISM_THREADS=1 TF_INTRA_OP_PARALLELISM_THREADS=1
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
logs=$(mktemp -d)
phases=${RASA_ETHICS_PHASES:-$logs/phases}
scratch=""
if [ -z "${RASA_ETHICS_KEEP_TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
  scratch=$(mktemp -d /dev/shm/rasa-ethics-tests.XXXXXX)
  chmod 755 "$scratch"  # PostgreSQL's server runs as user postgres, inside a folder in here
  export TMPDIR=$scratch
fi
trap 'rm -rf "$logs" ${scratch:+"$scratch"}' EXIT
# Each server a test starts: CPU and lifetime (RASA_ETHICS_CPU_LOG=FILE keeps the list after the run)
export RASA_ETHICS_CPU_LOG=${RASA_ETHICS_CPU_LOG:-$logs/processes}

# run NAME COMMAND...: run it with its output in $logs/NAME.log; note its start, end and CPU
# seconds (bash's `times` in a subshell: the command and every process it waited for)
run() {
  local name=$1 start rc cpu
  shift
  start=$(date +%s)
  echo ">> [+$((start - began)) s] $name: started"
  cpu=$(
    "$@" >"$logs/$name.log" 2>&1
    echo $? >"$logs/$name.rc"
    times >"$logs/$name.times"  # not in a pipeline: that would be another subshell's times
    awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s += t[1] * 60 + t[2] } }
      END { printf "%.1f", s }' "$logs/$name.times"
  )
  rc=$(cat "$logs/$name.rc")
  echo "$name $start $(date +%s) $cpu" >>"$phases"
  echo ">> [+$(($(date +%s) - began)) s] $name: exit $rc"
  return "$rc"
}

show() {  # print a lane's output under a heading
  echo; echo "======== $1 ========"; cat "$logs/$1.log"
}

began=$(date +%s)
e2e() {  # e2e LANE [nice level]: the lane's end-to-end modules (tests/e2e/conftest.py)
  RASA_ETHICS_E2E_LANE=$1 run "e2e-$1" nice -n "${2:-0}" "$BIN/pytest" -m slow -p no:cacheprovider
}
# Priorities: tests that time something (unit tests, the shared lanes' latency checks) first;
# training, and the end-to-end modules that time nothing, take what is left.
(
  run training-example "$BIN/python" -m tests.harness example &&
    run training-more nice -n 5 "$BIN/python" -m tests.harness support-bot plain
) &
training=$!
# The `rasa init` bot's stock config trains longest (four neural networks): from the start, on
# what the other lanes leave, so its tests, the last of the models lane, need not wait for it.
run training-rasa-init nice -n 5 "$BIN/python" -m tests.harness rasa-init context &
training2=$!
(
  run unit "$BIN/pytest" -m "not slow" -p no:cacheprovider
  e2e own 5
) &
lane1=$!
# The other lanes start once the example model is trained, rather than start servers beside
# its training (they do not run if it failed: the training lane's output says why).
(
  while [ ! -f "$logs/training-example.rc" ]; do sleep 2; done
  if [ "$(cat "$logs/training-example.rc")" = 0 ]; then
    e2e statistics &
    e2e shared &
    e2e models 5 &
    wait
  fi
) &
lanes=$!
wait "$training" "$training2" "$lane1" "$lanes"

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
for name in training-example training-more training-rasa-init unit unit-alone e2e-own e2e-statistics e2e-shared e2e-models; do
  if [ -f "$logs/$name.log" ]; then show "$name"; fi
  [ "$name" = unit-alone ] && continue  # its result is the unit lane's
  if [ "$(cat "$logs/$name.rc" 2>/dev/null || echo missing)" != 0 ]; then
    echo ">> $name: FAILED (exit $(cat "$logs/$name.rc" 2>/dev/null || echo 'not run'))"
    failed=1
  fi
done
if [ -s "$RASA_ETHICS_CPU_LOG" ]; then
  echo; echo "servers the tests started: $(wc -l <"$RASA_ETHICS_CPU_LOG"), the costliest:"
  echo "    cpu  lifetime  command  test (seconds)"
  sort -rn "$RASA_ETHICS_CPU_LOG" | head -12
fi
"$BIN/python" scripts/phases.py "$phases" "${RASA_ETHICS_BEGAN:-$began}" \
  "$logs"/unit.log "$logs"/unit-alone.log "$logs"/e2e-*.log
exit "$failed"
