#!/usr/bin/env bash
# Interleaved A/B of two or more jars under wrk (streams of the fake upstream, 16 connections): every jar runs at once
# on CPU 1 (fake upstream and wrk on CPU 0); after WARM s of load each, ROUNDS rounds load each jar for SLICE s in turn
# (in reverse order every other round), so the machine's drift between minutes falls on every jar alike. Prints each
# jar's requests per second over all its slices, the CPU time its JVM spent per request (user + system, from
# /proc/<pid>/stat), and both as ratios to the first jar.
# Usage: WARM=40 ROUNDS=8 SLICE=5 bench/wrk-interleaved.sh before.jar after.jar [more.jar ...]
cd "$(dirname "$0")/.."
. bench/keyway-setup.sh
UP=18061
WARM=${WARM:-40} ROUNDS=${ROUNDS:-8} SLICE=${SLICE:-5}
taskset -c 0 node bench/fake-upstream.js $UP > /dev/null 2>&1 & up=$!
pids=() ports=() keys=() works=() jars=("$@")
trap 'kill $up "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null; sleep 2; rm -rf "${works[@]}"' EXIT
keyway_start_each "http://127.0.0.1:$UP/api/v1" 18063 "$@" || exit 1
export BENCH_MODEL=openrouter-bench/model BENCH_STREAM=true
load() { BENCH_KEY=${keys[$1]} taskset -c 0 wrk -t1 -c16 -d"$2"s -s bench/post.lua "http://127.0.0.1:${ports[$1]}/v1/chat/completions" | grep BENCH; }
for j in "${!ports[@]}"; do load $j "$WARM" > /dev/null; done
hz=$(getconf CLK_TCK)
declare -a total cpu
order=("${!ports[@]}")
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 0 ]; then seq_=$(printf '%s\n' "${order[@]}" | tac); else seq_="${order[*]}"; fi
  for j in $seq_; do
    t0=$(cpu_ticks "${pids[$j]}")
    n=$(load $j "$SLICE" | sed -E 's/.*requests=([0-9]+).*errors=([0-9]+) non2xx=([0-9]+).*/\1 \2 \3/')
    t1=$(cpu_ticks "${pids[$j]}")
    set -- $n
    [ "$2" = 0 ] && [ "$3" = 0 ] || echo "round $round jar $j: errors $2, non-2xx $3"
    total[$j]=$(( ${total[$j]:-0} + $1 ))
    cpu[$j]=$(( ${cpu[$j]:-0} + t1 - t0 ))
    echo "round $round jar $j rps=$(( $1 / SLICE )) cpu_us_per_request=$(awk -v t=$((t1 - t0)) -v n="$1" -v hz="$hz" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')"
  done
done
for j in "${!ports[@]}"; do
  awk -v n="${total[$j]}" -v n0="${total[0]}" -v t="${cpu[$j]}" -v t0="${cpu[0]}" -v s=$((ROUNDS * SLICE)) -v hz="$hz" -v jar="${jars[$j]}" 'BEGIN {
    us = t / hz * 1e6 / n; us0 = t0 / hz * 1e6 / n0
    printf "%s: %d req/s (%.3fx the first), %.1f us of CPU per request (%.3fx the first)\n", jar, n / s, n / n0, us, us / us0 }'
done
