#!/usr/bin/env bash
# Where the streams probe's p99 comes from: the probe's load (bench/streams-probe.sh: CONNECTIONS keep-alive loops
# started at once, streams of 20 events DELAY ms apart, the shared mock upstream) after WARM s of the same load, with
# each stream's first event filed under when it started (bench/first-burst.js): the first burst, the second round, the
# rest. For Keyway (./keyway's JVM options and KEYWAY_OPTS, pinned to CPU 1 like nginx) it also prints what the JIT
# compiled during the measured run (jstat -compiler: compilations, seconds spent) and the collector's pauses in it
# (-Xlog:gc). With PERF=1, `perf record -g` (frame pointers) of Keyway over the first BURST_SECONDS of the measured run,
# split by bench/perf_categories.py per stream of the first burst.
# Usage: [TARGETS="nginx keyway"] [CONNECTIONS=2000 DELAY=200] [WARM=20] [DURATION=20] [PERF=1] [KEYWAY_OPTS=...]
#        [KEYWAY_JAR=...] bench/first-burst.sh
set -uo pipefail
cd "$(dirname "$0")/.."
. bench/keyway-setup.sh
CONNECTIONS=${CONNECTIONS:-2000} DELAY=${DELAY:-200} WARM=${WARM:-20} DURATION=${DURATION:-20}
ROUND=$((DELAY * 20))
UP=18081 NGINX=18082 KW=18083
ulimit -n 65536 2>/dev/null || true
probe_start $UP
load() { # URL MODEL HEADER SECONDS
  taskset -c 0 node bench/first-burst.js "$1" "$2" "$3" "$CONNECTIONS" "$4" "$ROUND" | sed -n 's/^FIRSTBURST //p'
}
table() { # TARGET JSON
  python3 - "$1" "$2" <<'PY'
import json, sys
r = json.loads(sys.argv[2])
print(f"{sys.argv[1]}: {r['streams']} streams, {r['errors']} errors, {r['without_done']} without [DONE]")
for part in ("all", "first_burst", "second_round", "after"):
    s = r[part]
    print(f"  {part:13s} n={s['n']:6d}  first event p50 {s['p50']} ms, p90 {s['p90']}, p99 {s['p99']}, max {s['max']}")
PY
}
for target in ${TARGETS:-nginx keyway}; do
  case $target in
    nginx)
      nginx_start "$work" $NGINX $UP 1 16384 4096 backlog=4096
      pids+=($NGINX_PID)
      url="http://127.0.0.1:$NGINX/v1/chat/completions" model="openai/gpt-4o-mini-delay-$DELAY" header=""
      load "$url" "$model" "$header" "$WARM" > /dev/null
      sleep 2
      table nginx "$(load "$url" "$model" "$header" "$DURATION")"
      ;;
    keyway)
      extra=(-Xlog:gc:file="$work/gc.log")
      [ "${PERF:-0}" = 1 ] && extra+=(-XX:+PreserveFramePointer)
      # shellcheck disable=SC2206
      extra+=(${KEYWAY_OPTS:-})
      keyway_start "$work" $KW "http://127.0.0.1:$UP/api/v1" 1 "${KEYWAY_JAR:-bootstrap/target/keyway.jar}" "${extra[@]}"
      started=$?
      pids+=($KEYWAY_PID)
      [ $started = 0 ] || { echo "Keyway did not start"; exit 1; }
      url="http://127.0.0.1:$KW/v1/chat/completions" model="openrouter-openai/gpt-4o-mini-delay-$DELAY"
      header="Authorization: Bearer $KEYWAY_KEY"
      load "$url" "$model" "$header" "$WARM" > /dev/null
      sleep 2
      read -r compiled0 compiling0 < <(jstat -compiler $KEYWAY_PID | awk 'NR == 2 { print $1, $4 }')
      pauses0=$(grep -c 'Pause' "$work/gc.log")
      cpu0=$(cpu_ticks $KEYWAY_PID)
      if [ "${PERF:-0}" = 1 ]; then
        jcmd $KEYWAY_PID Compiler.perfmap > /dev/null
        perf record -F 1999 -g -p $KEYWAY_PID -o "$work/perf.data" -- sleep "${BURST_SECONDS:-1.6}" > /dev/null 2>&1 &
        rec=$!
      fi
      result=$(load "$url" "$model" "$header" "$DURATION")
      cpu1=$(cpu_ticks $KEYWAY_PID)
      read -r compiled1 compiling1 < <(jstat -compiler $KEYWAY_PID | awk 'NR == 2 { print $1, $4 }')
      table keyway "$result"
      echo "  Keyway's CPU in the run: $(awk -v t=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }') s;" \
        "the JIT: $((compiled1 - compiled0)) compilations, $(awk -v a="$compiling0" -v b="$compiling1" 'BEGIN { printf "%.2f", b - a }') s compiling"
      tail -n +$((pauses0 + 1)) "$work/gc.log" | grep 'Pause' | awk '{ n++; s += $NF + 0; if ($0 ~ /Full/) { f++; fs += $NF + 0 } }
        END { printf "  the collector in the run: %d pauses, %.0f ms in all; %d full, %.0f ms\n", n, s, f, fs }'
      if [ "${PERF:-0}" = 1 ]; then
        wait $rec
        jcmd $KEYWAY_PID Compiler.perfmap > /dev/null
        perf script -i "$work/perf.data" 2> /dev/null > "$work/perf.txt"
        [ -n "${KEEP:-}" ] && cp "$work/perf.txt" "$KEEP"
        echo "  perf, the first ${BURST_SECONDS:-1.6} s of the run, per stream of the first burst:"
        python3 bench/perf_categories.py "$work/perf.txt" "$CONNECTIONS" 1999 | sed 's/^/    /'
      fi
      ;;
  esac
done
