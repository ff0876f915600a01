#!/usr/bin/env bash
# Issue #21's slow-body flood against Keyway as ./keyway runs it (its JVM options, an embedded PostgreSQL): 30
# connections each declaring a 9 MB completion body, sending all but its last byte and holding, first without a key,
# then with a valid one; /health is asked every 100 ms meanwhile. Keyway is started afresh for each, on CPU 1, the
# flood on CPU 0. Prints bench/slow-bodies.py's lines for both. Environment: JAVA_OPTS (default ./keyway's), SECONDS (20).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/keyway-setup.sh
PORT=18013
[ -f bootstrap/target/keyway.jar ] || ./mvnw -B -q -ntp -DskipTests install
work=$(mktemp -d)
kw_pid=""
cleanup() { [ -n "$kw_pid" ] && kill "$kw_pid" 2>/dev/null; sleep 2; rm -rf "$work"; }
trap cleanup EXIT
admin="bench-admin-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
for with_key in no yes; do
  MALLOC_ARENA_MAX=2 KEYWAY_DATA_DIR="$work/data" KEYWAY_ADMIN_TOKEN="$admin" MICRONAUT_SERVER_PORT=$PORT \
    taskset -c 1 java $KEYWAY_JVM \
    -jar bootstrap/target/keyway.jar > "$work/keyway-$with_key.log" 2>&1 &
  kw_pid=$!
  keyway_wait $PORT
  keyway_pin_database 0 "$work/data"
  bearer=-
  if [ $with_key = yes ]; then
    bearer=$(keyway_gateway_key $PORT "$admin" flood sk-or-v1-flood-0000000000000000)
  fi
  taskset -c 0 python3 bench/slow-bodies.py $PORT $kw_pid "$bearer" 30 9000000 "${SECONDS_OF_FLOOD:-20}"
  echo "500s in Keyway's log: $(grep -c ' -> 500 ' "$work/keyway-$with_key.log" || true); OutOfMemoryError: $(grep -c OutOfMemoryError "$work/keyway-$with_key.log" || true)"
  kill $kw_pid; wait $kw_pid 2>/dev/null || true; kw_pid=""
done
