#!/usr/bin/env bash
# Issue #22's measurement: many live streams through Keyway, beside nginx and direct, in one run. The shared probes
# (../shared/probes: mock-upstream.js, ttfb-probe.js) on CPU 0; nginx (one worker, proxy_buffering off, keep-alive
# upstream) and Keyway (./keyway's JVM options) each alone on CPU 1. Two loads, each after WARM seconds of the same load:
#   1,000 connections, streams of 20 events 100 ms apart (10,000 events a second), for SECONDS;
#   2,000 connections, 20 events 200 ms apart (the same rate, twice the connections).
# Prints, per load and target: streams finished, errors, streams without [DONE], first event p50/p99, peak RSS, and the
# CPU time the target used per relayed event (its utime+stime over the measured run / events; 23 events a stream:
# role, 20 contents, the last with usage, [DONE]). The bare Micronaut relay of ../shared/anchors/mn-relay, when present,
# is measured too, pinned like Keyway: the framework's own floor. Environment: WARM (20), DURATION (20), LOADS
# ("1000:100 2000:200"), TARGETS ("direct nginx relay keyway"), PROFILE_OPTS (more JVM options for Keyway, e.g. a
# flight recording), KEYWAY_JAR (another build's jar, for a paired comparison), PROMPT_BYTES (the user message's length;
# default 5, "hello": a long prompt shows what a live stream keeps of its request).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/keyway-setup.sh
WARM=${WARM:-20}
SECONDS_RUN=${DURATION:-20}
LOADS=${LOADS:-"1000:100 2000:200"}
PROBES=../shared/probes
UP=18031 NGINX=18032 KW=18033 RELAY=18034
ulimit -n 65536 2>/dev/null || true
[ -f bootstrap/target/keyway.jar ] || ./mvnw -B -q -ntp -DskipTests install
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }
probe_start $UP
nginx_start "$work" $NGINX $UP 1 16384 4096 backlog=4096
pids+=($NGINX_PID)
admin="bench-admin-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
MALLOC_ARENA_MAX=2 KEYWAY_DATA_DIR="$work/data" KEYWAY_ADMIN_TOKEN="$admin" MICRONAUT_SERVER_PORT=$KW \
  KEYWAY_OPENROUTER_BASE_URL="http://127.0.0.1:$UP/api/v1" \
  taskset -c 1 java $KEYWAY_JVM ${PROFILE_OPTS:-} -jar ${KEYWAY_JAR:-bootstrap/target/keyway.jar} > "$work/keyway.log" 2>&1 &
kw_pid=$!
pids+=($kw_pid)
keyway_wait $KW
keyway_pin_database 0 "$work/data"
key=$(keyway_gateway_key $KW "$admin" probe)
# The bare Micronaut relay (../shared/anchors/mn-relay), when present: the framework's own floor, pinned like Keyway.
relay_pid=""
if [[ " ${TARGETS:-relay} " == *" relay "* ]]; then
  if relay_pid=$(relay_start "$work" $RELAY "http://127.0.0.1:$UP" 1); then
    pids+=($relay_pid)
  else
    if [ -n "$relay_pid" ]; then pids+=($relay_pid); relay_pid=""; fi
    echo "(the Micronaut relay is not measured: ../shared/anchors/mn-relay absent, not built or not answering)" >&2
  fi
fi
# This run's worker: a child of this run's master (bench/bench.sh has its own nginx running when it calls this script).
nginx_pid=$(pgrep -P "$(cat "$work/nginx.pid")" | head -1)

peak_sampler() { local pid=$1 out=$2; local peak=0; while kill -0 "$pid" 2>/dev/null && [ ! -f "$out.stop" ]; do
  local rss; rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0); [ "${rss:-0}" -gt "$peak" ] && peak=$rss; echo "$peak" > "$out"; sleep 0.5; done; }
probe() { # URL MODEL HEADER CONNECTIONS SECONDS
  taskset -c 0 node $PROBES/ttfb-probe.js "$1" "$(probe_body "$2")" "$3" "$4" "$5" | sed -n 's/^TTFBJSON //p'
}
echo "| load | through | finished | errors | no [DONE] | first event p50 | p99 | peak RSS | CPU per event |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for load in $LOADS; do
  conns=${load%%:*}; delay=${load##*:}
  for target in ${TARGETS:-direct nginx ${relay_pid:+relay} keyway}; do
    [ "$target" = relay ] && [ -z "$relay_pid" ] && continue
    case $target in
      direct) url="http://127.0.0.1:$UP/v1/chat/completions"; model="openai/gpt-4o-mini-delay-$delay"; header=""; pid="" ;;
      nginx) url="http://127.0.0.1:$NGINX/v1/chat/completions"; model="openai/gpt-4o-mini-delay-$delay"; header=""; pid=$nginx_pid ;;
      relay) url="http://127.0.0.1:$RELAY/v1/chat/completions"; model="openai/gpt-4o-mini-delay-$delay"; header=""; pid=$relay_pid ;;
      keyway) url="http://127.0.0.1:$KW/v1/chat/completions"; model="openrouter-openai/gpt-4o-mini-delay-$delay"; header="Authorization: Bearer $key"; pid=$kw_pid ;;
    esac
    probe "$url" "$model" "$header" "$conns" "$WARM" > /dev/null
    sleep 2
    rm -f "$work/peak.stop"; echo 0 > "$work/peak"
    if [ -n "$pid" ]; then peak_sampler "$pid" "$work/peak" & sampler=$!; before=$(cpu_ticks "$pid"); fi
    result=$(probe "$url" "$model" "$header" "$conns" "$SECONDS_RUN")
    rss="—"; cpu="—"
    if [ -n "$pid" ]; then
      after=$(cpu_ticks "$pid"); touch "$work/peak.stop"; wait $sampler 2>/dev/null || true
      rss="$(( $(cat "$work/peak") / 1024 )) MB"
      n=$(printf '%s' "$result" | python3 -c "import json,sys; print(json.load(sys.stdin)['n'])")
      cpu=$(us_per_event $((after - before)) "$n")
    fi
    field() { printf '%s' "$result" | python3 -c "import json,sys; print(json.load(sys.stdin).get('$1'))"; }
    echo "| $conns x ${delay} ms | $target | $(field n) | $(field errors) | $(field missing_done) | $(field ttfb_p50_ms) ms | $(field ttfb_p99_ms) ms | $rss | $cpu |"
  done
done
