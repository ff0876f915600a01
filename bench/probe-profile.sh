#!/usr/bin/env bash
# Where the CPU goes under issue #22's load, Keyway or the bare Micronaut relay: the target alone on CPU 1 (./keyway's
# JVM options), the shared probes' mock upstream and client on CPU 0; WARM s of CONNECTIONS live streams (20 events
# DELAY ms apart), then async-profiler (CPU samples every ms, Java frames with what the JIT inlined, and the kernel's)
# attached for one 20 s run of the same load. Prints the probe's result, the target's CPU per relayed event from /proc,
# and bench/probe_profile.py's split of the samples (the kernel's share of the event loop, the JIT compilers, the
# collector, and the loop's Java time by owner). The profiler comes from Maven Central (tools.profiler:async-profiler,
# fetched once into ~/.m2). KEEP=file keeps the collapsed stacks.
# Usage: [WARM=60] [CONNECTIONS=1000] [DELAY=100] [KEYWAY_JAR=...] [KEEP=file] bench/probe-profile.sh keyway|relay
set -u
cd "$(dirname "$0")/.."
. bench/keyway-setup.sh
which=${1:-keyway}
UP=18071 PORT=18073
CONNECTIONS=${CONNECTIONS:-1000} DELAY=${DELAY:-100}
AP_VERSION=4.1
jar=~/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar
[ -f "$jar" ] || ./mvnw -q -B -ntp dependency:get -Dartifact=tools.profiler:async-profiler:$AP_VERSION > /dev/null \
  || { echo "async-profiler $AP_VERSION could not be fetched"; exit 1; }
probe_start $UP
mkdir -p "$work/ap" && (cd "$work/ap" && jar xf "$jar" linux-x64/libasyncProfiler.so) || { echo "no linux-x64 library in $jar"; exit 1; }
lib="$work/ap/linux-x64/libasyncProfiler.so"
if [ "$which" = keyway ]; then
  keyway_start "$work" $PORT "http://127.0.0.1:$UP/api/v1" 1 "${KEYWAY_JAR:-bootstrap/target/keyway.jar}" \
    || { echo "Keyway did not start"; exit 1; }
  pid=$KEYWAY_PID; header="Authorization: Bearer $KEYWAY_KEY"; model=openrouter-openai/gpt-4o-mini-delay-$DELAY
else
  pid=$(relay_start "$work" $PORT "http://127.0.0.1:$UP" 1) || { echo "the relay did not start"; exit 1; }
  header="X-Probe: 1"; model=openai/gpt-4o-mini-delay-$DELAY
fi
pids+=("$pid")
url=http://127.0.0.1:$PORT/v1/chat/completions
body=$(probe_body "$model")
ulimit -n 65536 2>/dev/null || true
taskset -c 0 node ../shared/probes/ttfb-probe.js "$url" "$body" "$header" "$CONNECTIONS" "${WARM:-60}" > /dev/null
sleep 2
out="$work/profile.collapsed"
# jcmd hands the agent's options over as one argument only when they are quoted inside it.
jcmd "$pid" JVMTI.agent_load "$lib" "\"start,event=cpu,interval=1ms,file=$out,collapsed\"" > /dev/null \
  || { echo "the profiler did not attach"; exit 1; }
before=$(cpu_ticks "$pid")
result=$(taskset -c 0 node ../shared/probes/ttfb-probe.js "$url" "$body" "$header" "$CONNECTIONS" 20 | sed -n 's/^TTFBJSON //p')
after=$(cpu_ticks "$pid")
jcmd "$pid" JVMTI.agent_load "$lib" "\"stop,file=$out,collapsed\"" > /dev/null
echo "$which, $CONNECTIONS streams x $DELAY ms after ${WARM:-60} s: $result"
n=$(printf '%s' "$result" | python3 -c "import json,sys; print(json.load(sys.stdin)['n'])")
echo "CPU per relayed event: $(us_per_event $((after - before)) "$n") (the profiler's own cost included)"
python3 bench/probe_profile.py "$out"
[ -n "${KEEP:-}" ] && cp "$out" "$KEEP"
exit 0
