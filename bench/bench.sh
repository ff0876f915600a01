#!/usr/bin/env bash
# Keyway against the bare upstream and nginx, in one run, on one machine:
#   - a fast fake OpenAI-compatible upstream (bench/fake-upstream.js), the load generator (wrk, bench/streams.js) and
#     the embedded PostgreSQL on CPU 0; nginx (one worker), the bare Micronaut relay of ../shared/anchors/mn-relay when
#     it is there, and Keyway, each measured alone, on CPU 1;
#   - JSON and SSE at 1, 16 and 64 connections (req/s, p50, p99; ratios against direct), time to the first streamed
#     event on a paced stream, a soak of paced concurrent streams with Keyway's peak RSS, and optionally a sustained
#     run in one-minute windows to show whether throughput decays.
# Every Keyway request is authenticated (gateway key verified), unseals the OpenRouter key and splices the model.
# Environment: WARMUP (s, default 90), DURATION (s per case, default 10), SOAK_STREAMS (default 1000), SOAK_SECONDS (20),
# SUSTAIN (s of sustained JSON load, default 0 = skip), JAVA_OPTS (default: ./keyway's), PROBE (0 skips the many-live-
# streams probe of bench/streams-probe.sh, both loads), PROBE_WARM (its warm-up per load and target, default 60 s).
# Writes bench/last-run.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/keyway-setup.sh
WARMUP=${WARMUP:-90}
DURATION=${DURATION:-10}
SOAK_STREAMS=${SOAK_STREAMS:-1000}
SOAK_SECONDS=${SOAK_SECONDS:-20}
SUSTAIN=${SUSTAIN:-0}
PROBE_WARM=${PROBE_WARM:-60}
UP=18001 NGINX=18002 KW=18003
LOAD_CPU=0 GATEWAY_CPU=1

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v node >/dev/null || need+=(nodejs)
command -v bc >/dev/null || need+=(bc)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# Always rebuild: a jar older than the sources would measure code that is no longer there.
./mvnw -B -q -ntp -DskipTests install

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -f "$work/nginx.pid" ]; then kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; fi
  sleep 2
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() { for _ in $(seq 1 120); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 1; done; echo "no answer from $1" >&2; return 1; }

taskset -c $LOAD_CPU node bench/fake-upstream.js $UP > "$work/upstream.log" 2>&1 &
pids+=($!)

nginx_start "$work" $NGINX $UP $GATEWAY_CPU 4096 128
pids+=($NGINX_PID)

# The framework's own ceiling, when shared/anchors/mn-relay is beside the project: a 60-line Micronaut relay (no
# auth, no database), pinned like Keyway.
RELAY=18004
have_relay=""
if relay_pid=$(relay_start "$work" $RELAY "http://127.0.0.1:$UP" $GATEWAY_CPU); then
  pids+=($relay_pid)
  have_relay=yes
elif [ -n "$relay_pid" ]; then
  pids+=($relay_pid)
fi

export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}   # as ./keyway
admin="bench-admin-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
KEYWAY_DATA_DIR="$work/data" KEYWAY_ADMIN_TOKEN="$admin" MICRONAUT_SERVER_PORT=$KW \
  KEYWAY_OPENROUTER_BASE_URL="http://127.0.0.1:$UP/v1" \
  taskset -c $GATEWAY_CPU java $KEYWAY_JVM \
  -XX:StartFlightRecording=filename="$work/keyway.jfr",settings=profile,delay=$((WARMUP > 21 ? WARMUP - 20 : 1))s,duration=20s \
  -jar bootstrap/target/keyway.jar > "$work/keyway.log" 2>&1 &
kw_pid=$!
pids+=($kw_pid)
wait_for "http://127.0.0.1:$UP/v1/models"
wait_for "http://127.0.0.1:$NGINX/v1/models"
keyway_wait $KW || { echo "Keyway did not start" >&2; exit 1; }
# The embedded PostgreSQL was started by the JVM and inherited its CPU: move it to the load's CPU.
keyway_pin_database $LOAD_CPU "$work/data"
key=$(keyway_gateway_key $KW "$admin" bench sk-or-v1-bench-0000000000000000)

# run TARGET MODE CONNECTIONS SECONDS -> "rps p50 p99 errors"
run() {
  local url model bearer
  case "$1" in
    direct) url="http://127.0.0.1:$UP/v1/chat/completions"; model=bench/model; bearer="" ;;
    nginx) url="http://127.0.0.1:$NGINX/v1/chat/completions"; model=bench/model; bearer="" ;;
    relay) url="http://127.0.0.1:$RELAY/v1/chat/completions"; model=bench/model; bearer="" ;;
    keyway) url="http://127.0.0.1:$KW/v1/chat/completions"; model=openrouter-bench/model; bearer="$key" ;;
  esac
  BENCH_KEY="$bearer" BENCH_MODEL="$model" BENCH_STREAM=$([ "$2" = sse ] && echo true || echo false) \
    taskset -c $LOAD_CPU wrk -t1 -c"$3" -d"$4"s -s bench/post.lua "$url" 2>&1 \
    | sed -nE 's/^BENCH .*rps=([0-9.]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+) errors=([0-9]+) non2xx=([0-9]+)/\1 \2 \3 \4+\5/p'
}

echo "warming up for ${WARMUP}s (JSON and SSE through Keyway, 16 connections)" >&2
run keyway json 16 $((WARMUP / 2)) >/dev/null
run keyway sse 16 $((WARMUP - WARMUP / 2)) >/dev/null
run direct json 16 5 >/dev/null
run nginx json 16 5 >/dev/null
if [ -n "$have_relay" ]; then
  echo "warming up the Micronaut relay for ${WARMUP}s" >&2
  run relay json 16 $((WARMUP / 2)) >/dev/null
  run relay sse 16 $((WARMUP - WARMUP / 2)) >/dev/null
fi

out=bench/last-run.md
{
  echo "## $(date -u +%Y-%m-%d): \`WARMUP=$WARMUP DURATION=$DURATION SOAK_STREAMS=$SOAK_STREAMS SUSTAIN=$SUSTAIN bench/bench.sh\`"
  echo
  echo "$(nproc) cores; upstream, wrk and PostgreSQL on CPU $LOAD_CPU; nginx, the Micronaut relay and Keyway, each measured alone, on CPU $GATEWAY_CPU. JVM: \`$KEYWAY_JVM\`."
  echo
  echo "| body | connections | direct req/s | nginx req/s | Micronaut relay req/s | Keyway req/s | nginx/direct | relay/direct | Keyway/direct | p50 direct / nginx / relay / Keyway (ms) | p99 direct / nginx / relay / Keyway (ms) | errors (d/n/r/k) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|"
} > "$out"
for mode in json sse; do
  for c in 1 16 64; do
    read -r d_rps d_p50 d_p99 d_err <<<"$(run direct $mode $c "$DURATION")"
    read -r n_rps n_p50 n_p99 n_err <<<"$(run nginx $mode $c "$DURATION")"
    if [ -n "$have_relay" ]; then
      read -r r_rps r_p50 r_p99 r_err <<<"$(run relay $mode $c "$DURATION")"
    else
      r_rps=0 r_p50=- r_p99=- r_err=-
    fi
    read -r k_rps k_p50 k_p99 k_err <<<"$(run keyway $mode $c "$DURATION")"
    printf '| %s | %d | %.0f | %.0f | %.0f | %.0f | %.2f× | %.2f× | %.2f× | %s / %s / %s / %s | %s / %s / %s / %s | %s / %s / %s / %s |\n' \
      "$mode" "$c" "$d_rps" "$n_rps" "$r_rps" "$k_rps" "$(echo "$n_rps / $d_rps" | bc -l)" "$(echo "$r_rps / $d_rps" | bc -l)" \
      "$(echo "$k_rps / $d_rps" | bc -l)" "$d_p50" "$n_p50" "$r_p50" "$k_p50" "$d_p99" "$n_p99" "$r_p99" "$k_p99" \
      "$d_err" "$n_err" "$r_err" "$k_err" >> "$out"
  done
done

ttfe() {
  local url model bearer
  case "$1" in
    direct) url="http://127.0.0.1:$UP/v1/chat/completions"; model=bench/model; bearer=none ;;
    nginx) url="http://127.0.0.1:$NGINX/v1/chat/completions"; model=bench/model; bearer=none ;;
    keyway) url="http://127.0.0.1:$KW/v1/chat/completions"; model=openrouter-bench/model; bearer="$key" ;;
  esac
  taskset -c $LOAD_CPU node bench/streams.js "$url" "$bearer" "$model" "$2" "$3" "$4" ${5:-}
}
field() { printf '%s\n' "$1" | sed -E "s/.*\"$2\":([^,}]+).*/\1/"; }
{
  echo
  echo "Time to the first event of a paced stream at one kept-alive connection (bench/first_event.py: 3 events 30 ms apart,"
  echo "direct, nginx, the Micronaut relay when present and Keyway taken in turn request by request, 200 streams each after 10,"
  echo "20 ms between streams):"
  echo
  echo "| through | first event p50 (ms) | p90 (ms) | p50 over direct (ms) |"
  echo "|---|---:|---:|---:|"
  taskset -c $LOAD_CPU python3 bench/first_event.py $UP $KW "$key" $NGINX ${have_relay:+$RELAY} | while read -r name p50 p90 over; do
    printf '| %s | %s | %s | %s |\n' "$name" "$p50" "$p90" "$over"
  done
} >> "$out"

echo "soak: $SOAK_STREAMS concurrent streams of 20 events 100 ms apart for ${SOAK_SECONDS}s, direct and through Keyway" >&2
soak_direct=$(ttfe direct "$SOAK_STREAMS" 20 100 "$SOAK_SECONDS")
run_peak_kb=$(sed -nE 's/^VmHWM:\s+([0-9]+) kB/\1/p' /proc/$kw_pid/status)
# Reset the peak resident size to the current one (Linux >= 4.0), so the soak's own peak is read after it.
echo 5 > /proc/$kw_pid/clear_refs 2>/dev/null || true
soak=$(ttfe keyway "$SOAK_STREAMS" 20 100 "$SOAK_SECONDS")
soak_peak_kb=$(sed -nE 's/^VmHWM:\s+([0-9]+) kB/\1/p' /proc/$kw_pid/status)
burst_direct=$(ttfe direct "$SOAK_STREAMS" 20 100)
burst=$(ttfe keyway "$SOAK_STREAMS" 20 100)
rss_kb=$(sed -nE 's/^VmHWM:\s+([0-9]+) kB/\1/p' /proc/$kw_pid/status)
[ "$run_peak_kb" -gt "$rss_kb" ] && rss_kb=$run_peak_kb
{
  echo
  echo "Soak: $SOAK_STREAMS concurrent streams (20 events 100 ms apart) held for ${SOAK_SECONDS} s (starts spread over one"
  echo "stream's 2 s, each ended stream replaced at once), one Node client on CPU $LOAD_CPU:"
  echo "direct \`$soak_direct\`; through Keyway \`$soak\`."
  echo "The same $SOAK_STREAMS opened in one burst: direct \`$burst_direct\`; through Keyway \`$burst\`."
  echo "Keyway's peak RSS during the soak $((soak_peak_kb / 1024)) MB; before it (the wrk cases, up to 64 connections) $((run_peak_kb / 1024)) MB; over the whole run $((rss_kb / 1024)) MB."
} >> "$out"

if [ "$SUSTAIN" -gt 0 ]; then
  {
    echo
    echo "Sustained JSON load through Keyway, 16 connections, one-minute windows (req/s): "
  } >> "$out"
  windows=""
  for _ in $(seq 1 $((SUSTAIN / 60))); do
    read -r rps _ <<<"$(run keyway json 16 60)"
    windows="$windows $(printf '%.0f' "$rps")"
  done
  echo "$windows" >> "$out"
fi

if [ "${PROBE:-1}" != 0 ]; then
  # Issue #22's load: the shared probes' 1,000 and 2,000 live streams through direct, nginx and Keyway, each after a
  # warm-up of the same load (bench/streams-probe.sh, its own processes and ports; PROBE=0 skips it).
  echo "many live streams: bench/streams-probe.sh (WARM=$PROBE_WARM)" >&2
  probe=$(WARM=$PROBE_WARM DURATION=20 bash bench/streams-probe.sh)
  {
    echo
    echo "Many live streams (\`WARM=$PROBE_WARM DURATION=20 bench/streams-probe.sh\`: ../shared/probes, clients and mock on CPU 0, each target alone on CPU 1):"
    echo
    printf '%s\n' "$probe" | grep '^|'
  } >> "$out"
fi

cp "$work/keyway.jfr" bootstrap/target/bench-keyway.jfr 2>/dev/null || true
{
  echo
  echo "Profile of Keyway (JFR, 20 s at the end of the warm-up, JSON and SSE at 16 connections; bench/profile.py):"
  echo
  python3 bench/profile.py "$work/keyway.jfr" 2>/dev/null || echo "(no profile)"
} >> "$out"
cat "$out"
