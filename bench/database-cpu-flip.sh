#!/usr/bin/env bash
# What Keyway's embedded PostgreSQL costs the gateway when its processes share the gateway's CPU: one Keyway on CPU 1
# (./keyway's JVM options), the shared probes' mock upstream and client on CPU 0; after WARM s of the probe's load, ROUNDS
# rounds of two SECONDS-long runs of 1,000 live streams (20 events 100 ms apart), the database's processes moved to
# CPU 1 for the first run of each round and to CPU 0 for the second (the postmaster always on CPU 0). Prints each run's
# first event p50/p99 and the CPU time Keyway and PostgreSQL used. Before bench/keyway-setup.sh moved the database's
# already-started processes too, every bench run had them on the gateway's CPU.
# Usage: [WARM=40] [ROUNDS=3] [SECONDS_RUN=20] bench/database-cpu-flip.sh [keyway.jar]
set -u
cd "$(dirname "$0")/.."
. bench/keyway-setup.sh
PROBES=../shared/probes
UP=18051 KW=18053
work=$(mktemp -d)
MOCK_PORT=$UP taskset -c 0 node $PROBES/mock-upstream.js > "$work/mock.log" 2>&1 & up=$!
kw=
trap 'kill $kw $up 2>/dev/null; [ -n "$kw" ] && wait $kw 2>/dev/null; sleep 2; rm -rf "$work"' EXIT
keyway_start "$work" $KW "http://127.0.0.1:$UP/api/v1" 1 "${1:-bootstrap/target/keyway.jar}"
started=$?
kw=$KEYWAY_PID
[ $started = 0 ] || { echo "Keyway did not start"; exit 1; }
postmaster=$(pgrep -f "$work/data" | head -1)
move() { local child; for child in $(pgrep -P "$postmaster"); do taskset -a -p -c "$1" "$child" > /dev/null 2>&1 || true; done; }
probe() { # SECONDS
  taskset -c 0 node $PROBES/ttfb-probe.js "http://127.0.0.1:$KW/v1/chat/completions" \
    "$(probe_body openrouter-openai/gpt-4o-mini-delay-100)" \
    "Authorization: Bearer $KEYWAY_KEY" 1000 "$1" | sed -n 's/^TTFBJSON //p'
}
probe "${WARM:-40}" > /dev/null
echo "| round | database's processes on | finished | first event p50 | p99 | Keyway CPU (s) | PostgreSQL CPU (s) |"
echo "|---:|---|---:|---:|---:|---:|---:|"
hz=$(getconf CLK_TCK)
for round in $(seq 1 "${ROUNDS:-3}"); do
  for cpu in 1 0; do
    move $cpu
    sleep 2
    children=$(pgrep -P "$postmaster" | tr '\n' ' ')
    # shellcheck disable=SC2086
    k0=$(cpu_ticks $kw) p0=$(cpu_ticks $postmaster $children)
    result=$(probe "${SECONDS_RUN:-20}")
    # shellcheck disable=SC2086
    k1=$(cpu_ticks $kw) p1=$(cpu_ticks $postmaster $children)
    printf '%s' "$result" | python3 -c "
import json, sys
d = json.load(sys.stdin)
where = 'CPU 1 (the gateway\'s)' if '$cpu' == '1' else 'CPU 0'
print(f\"| $round | {where} | {d['n']} | {d['ttfb_p50_ms']:.1f} ms | {d['ttfb_p99_ms']:.0f} ms | {($k1 - $k0) / $hz:.2f} | {($p1 - $p0) / $hz:.2f} |\")"
  done
done
move 0
