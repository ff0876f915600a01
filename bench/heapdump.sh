#!/usr/bin/env bash
# What a heap dump of a running Keyway holds: starts the jar on its embedded database with a fake OpenRouter
# (bench/fake-upstream.js), creates an account and a gateway key carrying an OpenRouter key, sends requests, waits,
# takes a heap dump of live objects (jmap -dump:live, which collects garbage first), and counts where each secret
# appears in it. Prints one line per secret. Usage: bench/heapdump.sh [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-200}
UP=18101 KW=18103
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; sleep 2; rm -rf "$work"; }
trap cleanup EXIT
[ -f bootstrap/target/keyway.jar ] || ./mvnw -B -q -ntp -DskipTests install

node bench/fake-upstream.js $UP > "$work/upstream.log" 2>&1 &
pids+=($!)
admin=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
KEYWAY_DATA_DIR="$work/data" MICRONAUT_SERVER_PORT=$KW KEYWAY_ADMIN_TOKEN="$admin" \
  KEYWAY_OPENROUTER_BASE_URL="http://127.0.0.1:$UP/v1" java -Xmx256m -jar bootstrap/target/keyway.jar > "$work/keyway.log" 2>&1 &
kw=$!
pids+=($kw)
for _ in $(seq 1 90); do curl -fsS -o /dev/null "http://127.0.0.1:$KW/health" 2>/dev/null && break; sleep 1; done

management=$(curl -fsS -X POST "http://127.0.0.1:$KW/admin/accounts" -H "Authorization: Bearer $admin" \
  -H 'Content-Type: application/json' -d '{"name":"heap"}' | sed -E 's/.*"management_key":"([^"]+)".*/\1/')
provider="sk-or-v1-heapdump-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
key=$(curl -fsS -X POST "http://127.0.0.1:$KW/v1/keys" -H "Authorization: Bearer $management" \
  -H 'Content-Type: application/json' -d "{\"name\":\"heap\",\"provider_keys\":{\"openrouter\":\"$provider\"}}" \
  | sed -E 's/.*"key":"([^"]+)".*/\1/')
for _ in $(seq 1 "$REQUESTS"); do
  curl -fsS -o /dev/null "http://127.0.0.1:$KW/v1/chat/completions" -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' -d '{"model":"openrouter-bench/model","messages":[]}'
done
sleep 5
jmap -dump:live,format=b,file="$work/keyway.hprof" "$kw" > /dev/null
secret_of() { printf '%s' "$1" | sed -E 's/^kwm?-[0-9a-f]{16}_//'; }
for name in gateway_key management_key provider_key admin_token; do
  case $name in
    gateway_key) value=$(secret_of "$key") ;;
    management_key) value=$(secret_of "$management") ;;
    provider_key) value=$provider ;;
    admin_token) value=$admin ;;
  esac
  python3 - "$work/keyway.hprof" "$name" "$value" <<'PY'
import sys
dump = open(sys.argv[1], 'rb').read()
name, value = sys.argv[2], sys.argv[3]
print(f"{name}: {dump.count(value.encode('latin-1'))} copies as bytes or Latin-1 text, {dump.count(value.encode('utf-16-be'))} as UTF-16 text")
PY
done
echo "(after $REQUESTS requests and 5 s idle; heap dump of live objects, $(du -h "$work/keyway.hprof" | cut -f1))"
echo "where each copy is (the array, and what points at it):"
python3 bench/hprof_find.py "$work/keyway.hprof" "$(secret_of "$key")" "$(secret_of "$management")" "$provider"
