#!/usr/bin/env bash
# Where a paced stream's first event spends its time at one kept-alive connection (issue #22's "+0.5 ms over direct"),
# Keyway beside nginx (one worker) and the bare Micronaut relay: each gateway on CPU 1 (Keyway with ./keyway's JVM
# options, its embedded PostgreSQL on CPU 0), the fake upstream and the client on CPU 0. Each gateway is warmed with
# 20 s of wrk streams at 16 connections; then bench/first_event.py takes direct and the gateways in turn, request by
# request, while tcpdump records the loopback, and bench/first_event_phases.py splits each request at its packets:
# in (client -> gateway -> upstream), up (the upstream's answer), out (upstream -> gateway -> client).
# Usage: SAMPLES=200 bench/first-event-phases.sh [keyway.jar]       (needs tcpdump: apt-get install -y tcpdump)
set -u
cd "$(dirname "$0")/.."
. bench/keyway-setup.sh
command -v tcpdump > /dev/null || { echo "needs tcpdump (apt-get install -y tcpdump)"; exit 1; }
UP=18071 NGINX=18072 KW=18073 RP=18074
work=$(mktemp -d)
taskset -c 0 node bench/fake-upstream.js $UP > "$work/up.log" 2>&1 & up=$!
kw= rp= dump=
cleanup() {
  kill $kw $rp $up $dump 2>/dev/null
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  [ -n "$kw" ] && wait $kw 2>/dev/null
  sleep 2; rm -rf "$work"
}
trap cleanup EXIT
nginx_start "$work" $NGINX $UP 1 1024 64
keyway_start "$work" $KW "http://127.0.0.1:$UP/api/v1" 1 "${1:-bootstrap/target/keyway.jar}"
started=$?
kw=$KEYWAY_PID
[ $started = 0 ] || { echo "Keyway did not start"; exit 1; }
key=$KEYWAY_KEY
rp=$(relay_start "$work" $RP "http://127.0.0.1:$UP" 1) || { echo "(no relay)"; rp=; }
export BENCH_STREAM=true
warm() { # PORT KEY MODEL
  BENCH_KEY=$2 BENCH_MODEL=$3 taskset -c 0 wrk -t1 -c16 -d20s -s bench/post.lua "http://127.0.0.1:$1/v1/chat/completions" > /dev/null
}
warm $NGINX "" bench/model
[ -n "$rp" ] && warm $RP "" bench/model
warm $KW "$key" openrouter-bench/model
taskset -c 0 tcpdump -i lo -nn -tt -s 128 -w "$work/capture.pcap" \
  "tcp and (port $UP or port $NGINX or port $KW or port $RP)" 2> /dev/null & dump=$!
sleep 1
SAMPLES=${SAMPLES:-200} taskset -c 0 python3 bench/first_event.py $UP $KW "$key" $NGINX ${rp:+$RP}
sleep 1
kill $dump; wait $dump 2>/dev/null; dump=
echo
tcpdump -nn -tt -r "$work/capture.pcap" 2> /dev/null > "$work/capture.txt"
python3 bench/first_event_phases.py "$work/capture.txt" $UP nginx=$NGINX ${rp:+relay=$RP} keyway=$KW
