#!/usr/bin/env bash
# Paired wrk, streams of the fake upstream at 16 connections (bench/post.lua, stream=true): one jar at a time, fake upstream + wrk on CPU 0, Keyway on CPU 1; WARM s of the case, then 10 s measured.
# Usage: WARM=50 bench/wrk-ab.sh before.jar after.jar; prints, per round and jar, direct req/s and the jar's wrk line.
cd "$(dirname "$0")/.."
. bench/keyway-setup.sh
UP=18051 KW=18053
taskset -c 0 node bench/fake-upstream.js $UP > /dev/null 2>&1 & up=$!
trap 'kill $up 2>/dev/null' EXIT
for round in 1 2; do
for jar in "$@"; do
  work=$(mktemp -d)
  admin="bench-admin-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  MALLOC_ARENA_MAX=2 KEYWAY_DATA_DIR="$work/data" KEYWAY_ADMIN_TOKEN="$admin" MICRONAUT_SERVER_PORT=$KW \
    KEYWAY_OPENROUTER_BASE_URL="http://127.0.0.1:$UP/api/v1" \
    taskset -c 1 java $KEYWAY_JVM \
    -jar "$jar" > $work/kw.log 2>&1 &
  kw=$!
  keyway_wait $KW
  keyway_pin_database 0 "$work/data"
  key=$(keyway_gateway_key $KW "$admin" probe)
  export BENCH_KEY=$key BENCH_MODEL=openrouter-bench/model BENCH_STREAM=true
  taskset -c 0 wrk -t1 -c16 -d${WARM:-60}s -s bench/post.lua http://127.0.0.1:$KW/v1/chat/completions > /dev/null
  d=$(BENCH_KEY= BENCH_MODEL=bench/model taskset -c 0 wrk -t1 -c16 -d10s -s bench/post.lua http://127.0.0.1:$UP/api/v1/chat/completions | grep BENCH | sed -E 's/.*rps=([0-9.]+).*/\1/')
  k=$(taskset -c 0 wrk -t1 -c16 -d10s -s bench/post.lua http://127.0.0.1:$KW/v1/chat/completions | grep BENCH)
  echo "round $round $jar direct_rps=$d $k"
  kill $kw; wait $kw 2>/dev/null; rm -rf $work
done
done
