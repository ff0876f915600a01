#!/usr/bin/env bash
# What live streams keep in Keyway's memory: CONNECTIONS keep-alive loops of the shared probe (streams of 20 events
# DELAY ms apart from ../shared/probes/mock-upstream.js; PROMPT_BYTES makes the prompt long) for DURATION s through one
# Keyway (./keyway's JVM options, native memory tracking on; pinned to CPU 1, the load on CPU 0). At AT s, with every
# stream open, and again once the load has ended, it reads the live heap (jmap -histo:live, which collects first),
# the memory Netty's buffers hold off the heap (native memory tracking's "Other") and the resident set; it prints both
# and what each open stream kept: the difference over CONNECTIONS.
# Usage: [CONNECTIONS=500] [DELAY=100] [PROMPT_BYTES=65536] [DURATION=40] [AT=30] [KEYWAY_JAR=...] bench/stream-memory.sh
set -uo pipefail
cd "$(dirname "$0")/.."
. bench/keyway-setup.sh
CONNECTIONS=${CONNECTIONS:-500} DELAY=${DELAY:-100} DURATION=${DURATION:-40} AT=${AT:-30}
UP=18041 KW=18043
ulimit -n 65536 2>/dev/null || true
probe_start $UP
keyway_start "$work" $KW "http://127.0.0.1:$UP/api/v1" 1 "${KEYWAY_JAR:-bootstrap/target/keyway.jar}" -XX:NativeMemoryTracking=summary
started=$?
pids+=($KEYWAY_PID)
[ $started = 0 ] || { echo "Keyway did not start"; exit 1; }
reading() { # heap bytes, byte[] bytes, Netty off-heap KB, RSS KB
  local histo
  histo=$(jmap -histo:live "$KEYWAY_PID")
  printf '%s %s %s %s\n' "$(awk '/^Total/ { print $3 }' <<< "$histo")" "$(awk '$4 == "[B" { print $3; exit }' <<< "$histo")" \
    "$(jcmd "$KEYWAY_PID" VM.native_memory summary | sed -n 's/^-  *Other (reserved=[0-9]*KB, committed=\([0-9]*\)KB)/\1/p')" \
    "$(awk '/VmRSS/ { print $2 }' "/proc/$KEYWAY_PID/status")"
}
taskset -c 0 node ../shared/probes/ttfb-probe.js "http://127.0.0.1:$KW/v1/chat/completions" \
  "$(probe_body "openrouter-openai/gpt-4o-mini-delay-$DELAY")" "Authorization: Bearer $KEYWAY_KEY" "$CONNECTIONS" "$DURATION" \
  | sed -n 's/^TTFBJSON //p' > "$work/probe.json" &
load=$!
sleep "$AT"
read -r heap1 bytes1 other1 rss1 < <(reading)
wait $load
sleep 3
read -r heap0 bytes0 other0 rss0 < <(reading)
echo "probe: $(cat "$work/probe.json")"
echo "| $CONNECTIONS streams, prompt ${PROMPT_BYTES:-5} B | live heap | of it byte[] | Netty's buffers (NMT Other) | RSS |"
echo "|---|---:|---:|---:|---:|"
echo "| every stream open | $((heap1 / 1024)) KB | $((bytes1 / 1024)) KB | $other1 KB | $rss1 KB |"
echo "| load ended | $((heap0 / 1024)) KB | $((bytes0 / 1024)) KB | $other0 KB | $rss0 KB |"
echo "| kept per open stream | $(((heap1 - heap0) / CONNECTIONS)) B | $(((bytes1 - bytes0) / CONNECTIONS)) B | $(((other1 - other0) * 1024 / CONNECTIONS)) B | |"
