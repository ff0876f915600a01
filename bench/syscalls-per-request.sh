#!/usr/bin/env bash
# System calls per streamed request, Keyway beside the bare Micronaut relay: both on CPU 1, the fake upstream and wrk
# (streams, 4 connections) on CPU 0; each warmed 20 s, then `strace -f -c` of the whole JVM during a 5 s wrk run.
# Counts are over all threads (JIT compiler threads included), divided by the requests served meanwhile.
# Usage: bench/syscalls-per-request.sh [keyway.jar]
set -u
cd "$(dirname "$0")/.."
. bench/keyway-setup.sh
command -v strace > /dev/null || { echo "needs strace (apt-get install -y strace)"; exit 1; }
UP=18081 KW=18083 RP=18084
work=$(mktemp -d)
taskset -c 0 node bench/fake-upstream.js $UP > "$work/up.log" 2>&1 & up=$!
kw= rp=
trap 'kill $kw $rp $up 2>/dev/null; [ -n "$kw" ] && wait $kw 2>/dev/null; sleep 2; rm -rf "$work"' EXIT
keyway_start "$work" $KW "http://127.0.0.1:$UP/api/v1" 1 "${1:-bootstrap/target/keyway.jar}"
started=$?
kw=$KEYWAY_PID
[ $started = 0 ] || { echo "Keyway did not start"; exit 1; }
key=$KEYWAY_KEY
rp=$(relay_start "$work" $RP "http://127.0.0.1:$UP" 1) || echo "(no relay)"
export BENCH_STREAM=true
for target in keyway relay; do
  if [ $target = keyway ]; then
    pid=$kw url=http://127.0.0.1:$KW/v1/chat/completions; export BENCH_KEY=$key BENCH_MODEL=openrouter-bench/model
  else
    [ -n "$rp" ] || continue
    pid=$rp url=http://127.0.0.1:$RP/v1/chat/completions; export BENCH_KEY= BENCH_MODEL=bench/model
  fi
  taskset -c 0 wrk -t1 -c4 -d20s -s bench/post.lua "$url" > /dev/null
  timeout 7 strace -f -c -p "$pid" -o "$work/strace.$target" 2> /dev/null &
  s=$!
  sleep 1
  n=$(taskset -c 0 wrk -t1 -c4 -d5s -s bench/post.lua "$url" | sed -nE 's/.*BENCH requests=([0-9]+).*/\1/p')
  wait $s
  echo "== $target: $n requests"
  awk -v n="$n" 'NR > 2 && $NF != "total" && $4 ~ /^[0-9]+$/ { printf "  %-14s %7d calls  %5.2f a request\n", $NF, $4, $4 / n }' \
    "$work/strace.$target" | sort -k4 -n -r | head -8
done
