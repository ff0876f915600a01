#!/usr/bin/env bash
# Interleaved A/B of two or more Keyway jars under many live streams: every jar runs at once on CPU 1 (./keyway's JVM
# options, each with its own embedded database, moved to CPU 0), the shared probes' mock upstream and client on CPU 0.
# After WARM s of the probe's load on each, ROUNDS rounds run SECONDS_RUN s of CONNECTIONS streams (20 events DELAY ms
# apart) through each jar in turn, in reverse order every other round, so that the machine's drift between minutes
# falls on every jar alike. Prints each run (finished, first event p50/p99, Keyway's CPU per event from /proc, peak
# RSS) and each jar's medians.
# Usage: [WARM=60] [ROUNDS=4] [SECONDS_RUN=20] [CONNECTIONS=1000] [DELAY=100] [PROMPT_BYTES=65536]
#        bench/streams-interleaved.sh a.jar b.jar [...]
#        (an argument may add JVM options to its jar: bench/streams-interleaved.sh "k.jar" "k.jar -XX:Foo=1")
set -u
cd "$(dirname "$0")/.."
. bench/keyway-setup.sh
PROBES=../shared/probes
UP=18071
CONNECTIONS=${CONNECTIONS:-1000} DELAY=${DELAY:-100}
MOCK_PORT=$UP taskset -c 0 node $PROBES/mock-upstream.js > /dev/null 2>&1 & up=$!
pids=() ports=() keys=() works=() jars=("$@")
trap 'kill $up "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null; sleep 2; rm -rf "${works[@]}"' EXIT
keyway_start_each "http://127.0.0.1:$UP/api/v1" 18073 "$@" || exit 1
probe() { # JAR-INDEX SECONDS
  taskset -c 0 node $PROBES/ttfb-probe.js "http://127.0.0.1:${ports[$1]}/v1/chat/completions" \
    "$(probe_body "openrouter-openai/gpt-4o-mini-delay-$DELAY")" \
    "Authorization: Bearer ${keys[$1]}" "$CONNECTIONS" "$2" | sed -n 's/^TTFBJSON //p'
}
peak() { local pid=$1 out=$2 peak=0 rss; while [ ! -f "$out.stop" ]; do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0); [ "${rss:-0}" -gt "$peak" ] && peak=$rss
  echo "$peak" > "$out"; sleep 0.5; done; }
for j in "${!ports[@]}"; do probe $j "${WARM:-60}" > /dev/null; sleep 2; done
hz=$(getconf CLK_TCK)
results=$(mktemp)
echo "| round | jar | finished | refused or failed | first event p50 | p99 | CPU per event | peak RSS |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|"
order=("${!ports[@]}")
for round in $(seq 1 "${ROUNDS:-4}"); do
  if [ $((round % 2)) = 0 ]; then seq_=$(printf '%s\n' "${order[@]}" | tac); else seq_="${order[*]}"; fi
  for j in $seq_; do
    out=${works[$j]}/peak; rm -f "$out.stop"; echo 0 > "$out"
    peak "${pids[$j]}" "$out" & sampler=$!
    t0=$(cpu_ticks "${pids[$j]}")
    result=$(probe $j "${SECONDS_RUN:-20}")
    t1=$(cpu_ticks "${pids[$j]}")
    touch "$out.stop"; wait $sampler 2>/dev/null
    line=$(printf '%s' "$result" | python3 -c "
import json, sys
d = json.load(sys.stdin)
cpu = ($t1 - $t0) / $hz * 1e6 / (d['n'] * 23) if d['n'] else float('nan')
print($j, d['n'], d['ttfb_p50_ms'], d['ttfb_p99_ms'], round(cpu, 1), $(cat "$out") // 1024, d['errors'])")
    echo "$line" >> "$results"
    set -- $line
    echo "| $round | $(basename "${jars[$j]%% *}")${jars[$j]#"${jars[$j]%% *}"} $j | $2 | $7 | $3 ms | $4 ms | $5 us | $6 MB |"
    sleep 2
  done
done
python3 - "$results" <<'PY'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1])]
for j in sorted({r[0] for r in rows}, key=int):
    mine = [r for r in rows if r[0] == j]
    med = lambda k: st.median(float(r[k]) for r in mine)
    print(f"jar {j}: medians over {len(mine)} runs: finished {med(1):.0f}, p50 {med(2):.1f} ms, p99 {med(3):.0f} ms, "
          f"CPU per event {med(4):.1f} us, peak RSS {med(5):.0f} MB")
PY
rm -f "$results"
