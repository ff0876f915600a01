#!/usr/bin/env bash
# Where a streamed request's CPU goes, Keyway beside the bare Micronaut relay: one target at a time on CPU 1 (frame
# pointers, ./keyway's JVM options), the fake upstream and wrk (streams, 16 connections) on CPU 0; WARM s of the load,
# then `perf record -F 999 -g` for 15 s of a 20 s wrk run. perf's samples over the requests served meanwhile give
# microseconds of CPU per request, split by bench/perf_categories.py (kernel, Netty, Micronaut, Keyway's own code and
# key crypto, the other threads...).
# With LOAD=paced, perf records 40 s of paced streams sent one at a time over one connection instead (the load of
# bench/first_event.py): the CPU a request costs on a core that idles between requests.
# KEEP=file keeps the wrk case's `perf script` text.
# Usage: WARM=50 [LOAD=paced] [KEEP=file] bench/perf-per-request.sh keyway|relay   (KEYWAY_JAR for another build's jar)
set -u
cd "$(dirname "$0")/.."
. bench/keyway-setup.sh
which=${1:-keyway}
UP=18091 PORT=18093
work=$(mktemp -d)
taskset -c 0 node bench/fake-upstream.js $UP > "$work/up.log" 2>&1 & up=$!
pid=
trap 'kill $pid $up 2>/dev/null; [ -n "$pid" ] && wait $pid 2>/dev/null; sleep 2; rm -rf "$work"' EXIT
KEYWAY_JVM="$KEYWAY_JVM -XX:+PreserveFramePointer"
if [ "$which" = keyway ]; then
  keyway_start "$work" $PORT "http://127.0.0.1:$UP/api/v1" 1 "${KEYWAY_JAR:-bootstrap/target/keyway.jar}"
  started=$?
  pid=$KEYWAY_PID
  [ $started = 0 ] || { echo "Keyway did not start"; exit 1; }
  export BENCH_KEY=$KEYWAY_KEY BENCH_MODEL=openrouter-bench/model
else
  pid=$(relay_start "$work" $PORT "http://127.0.0.1:$UP" 1) || { echo "the relay did not start"; exit 1; }
  export BENCH_KEY= BENCH_MODEL=bench/model
fi
export BENCH_STREAM=true
url=http://127.0.0.1:$PORT/v1/chat/completions
taskset -c 0 wrk -t1 -c16 -d"${WARM:-50}"s -s bench/post.lua "$url" | grep BENCH
if [ "${LOAD:-wrk}" = paced ]; then
  # One kept-alive connection, one paced stream at a time (3 events 30 ms apart, 20 ms between streams): the CPU a
  # request takes when the core has been idle between requests, as in bench/first_event.py. perf samples at 9,999 Hz.
  jcmd $pid Compiler.perfmap > /dev/null
  perf record -F 9999 -g -p $pid -o "$work/perf.data" -- sleep 40 > /dev/null 2>&1 &
  rec=$!
  sleep 1
  n=$(BENCH_KEY=$BENCH_KEY BENCH_MODEL=$BENCH_MODEL PORT=$PORT taskset -c 0 python3 -c '
import os, sys, time
sys.path.insert(0, "bench")
import first_event
s = first_event.connect(int(os.environ["PORT"]))
n, until = 0, time.time() + 37
while time.time() < until:
    first_event.first_event(s, os.environ["BENCH_KEY"] or "none", os.environ["BENCH_MODEL"], "3,30")
    n += 1
    time.sleep(0.02)
print(n)')
  wait $rec
  jcmd $pid Compiler.perfmap > /dev/null
  echo "paced streams at one connection: $n"
  perf script -i "$work/perf.data" 2> /dev/null > "$work/perf.txt"
  python3 bench/perf_categories.py "$work/perf.txt" "$n" 9999
  exit 0
fi
taskset -c 0 wrk -t1 -c16 -d20s -s bench/post.lua "$url" > "$work/wrk.out" &
w=$!
sleep 3
jcmd $pid Compiler.perfmap > /dev/null
perf record -F 999 -g -p $pid -o "$work/perf.data" -- sleep 15 2>&1 | tail -1
jcmd $pid Compiler.perfmap > /dev/null
wait $w
grep BENCH "$work/wrk.out"
rps=$(sed -nE 's/.*rps=([0-9.]+).*/\1/p' "$work/wrk.out")
perf script -i "$work/perf.data" 2> /dev/null > "$work/perf.txt"
[ -n "${KEEP:-}" ] && cp "$work/perf.txt" "$KEEP"
python3 bench/perf_categories.py "$work/perf.txt" "$(awk -v r="$rps" 'BEGIN { print int(r * 15) }')"
