#!/usr/bin/env bash
# Issue #21's forged X-Forwarded-For flood against Keyway as ./keyway runs it (its JVM options, an embedded
# PostgreSQL), with loopback as its trusted proxy: wrong keys, each request carrying 4 KB of client-written header (8 KB passes the 8 KB header limit, which Netty refuses before Keyway sees it)
# and then an address as the proxy appends it. First always the same address (it must be refused 429 after 20
# failures a minute), then a new address on every request for DURATION seconds (the failure table must stay bounded:
# the live heap after a full collection is printed before and after). Environment: DURATION (default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/keyway-setup.sh
PORT=18023
DURATION=${DURATION:-60}
[ -f bootstrap/target/keyway.jar ] || ./mvnw -B -q -ntp -DskipTests install
work=$(mktemp -d)
kw_pid=""
cleanup() { [ -n "$kw_pid" ] && kill "$kw_pid" 2>/dev/null; sleep 2; rm -rf "$work"; }
trap cleanup EXIT
MALLOC_ARENA_MAX=2 KEYWAY_DATA_DIR="$work/data" KEYWAY_ADMIN_TOKEN="bench-admin-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  MICRONAUT_SERVER_PORT=$PORT KEYWAY_AUTH_FAILURES_CLIENT_ADDRESS_HEADER=X-Forwarded-For KEYWAY_AUTH_FAILURES_TRUSTED_PROXIES=127.0.0.1 \
  taskset -c 1 java $KEYWAY_JVM \
  -jar bootstrap/target/keyway.jar > "$work/keyway.log" 2>&1 &
kw_pid=$!
keyway_wait $PORT
keyway_pin_database 0 "$work/data"
live_heap() { jcmd $kw_pid GC.run >/dev/null; jcmd $kw_pid GC.heap_info | awk '/def new generation|tenured generation/ {for (i=1;i<=NF;i++) if ($i=="used") {gsub("K,","",$(i+1)); s+=$(i+1)}} END {printf "%.1f MB", s/1024}'; }
echo "live heap at start: $(live_heap)"
count() { grep -c " -> $1 " "$work/keyway.log" || true; }
ROTATE=0 taskset -c 0 wrk -t1 -c4 -d5s -s bench/forwarded-for.lua "http://127.0.0.1:$PORT/v1/chat/completions" | grep requests=
echo "one forged-then-appended address for 5 s: 401 $(count 401), 429 $(count 429)"
before401=$(count 401); before429=$(count 429)
ROTATE=1 taskset -c 0 wrk -t2 -c16 -d${DURATION}s -s bench/forwarded-for.lua "http://127.0.0.1:$PORT/v1/chat/completions" | grep requests=
echo "a new address on every request for ${DURATION} s: 401 $(( $(count 401) - before401 )), 429 $(( $(count 429) - before429 ))"
echo "live heap after: $(live_heap); peak RSS $(awk '/VmHWM/ {printf "%.0f MB", $2/1024}' /proc/$kw_pid/status); OutOfMemoryError: $(grep -c OutOfMemoryError "$work/keyway.log" || true)"
