#!/usr/bin/env bash
# Issue #23's page over 1,000,000 audit rows: Keyway as ./keyway runs it (embedded PostgreSQL), one account given
# ROWS rows (default 1,000,000) straight into audit_events (psql; a second account 100,000), then 200 requests of each
# kind of page, one at a time, timed by curl: the newest page, a page deep in the trail (a cursor at a random place),
# one action, one key. Prints p50 and p95 in ms. Needs psql (apt-get install -y postgresql-client).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/keyway-setup.sh
PORT=18043
ROWS=${ROWS:-1000000}
[ -f bootstrap/target/keyway.jar ] || ./mvnw -B -q -ntp -DskipTests install
command -v psql >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null; }
work=$(mktemp -d)
kw_pid=""
cleanup() { [ -n "$kw_pid" ] && kill "$kw_pid" 2>/dev/null; sleep 2; rm -rf "$work"; }
trap cleanup EXIT
admin="bench-admin-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
MALLOC_ARENA_MAX=2 KEYWAY_DATA_DIR="$work/data" KEYWAY_ADMIN_TOKEN="$admin" MICRONAUT_SERVER_PORT=$PORT \
  java $KEYWAY_JVM -jar bootstrap/target/keyway.jar > "$work/keyway.log" 2>&1 &
kw_pid=$!
keyway_wait $PORT
account_json=$(curl -fsS -X POST "http://127.0.0.1:$PORT/admin/accounts" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d '{"name":"audited"}')
account=$(printf '%s' "$account_json" | sed -E 's/.*"id":"([^"]+)".*/\1/')
management=$(printf '%s' "$account_json" | sed -E 's/.*"management_key":"([^"]+)".*/\1/')
other=$(curl -fsS -X POST "http://127.0.0.1:$PORT/admin/accounts" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d '{"name":"other"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
export PGPASSWORD=$(cat "$work/data/keyway-db-password")
pg() { psql -q -h localhost -p "$(sed -n 4p "$work/data/postmaster.pid")" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }
fill() { # ACCOUNT COUNT
  pg -c "INSERT INTO audit_events (account_id, at, action, key_id, provider, change, actor, client_address, request_id, previous, hash)
    SELECT '$1', now() - make_interval(secs => $2 - i), (ARRAY['gateway_key.created','gateway_key.rotated','gateway_key.revoked',
      'gateway_key.limits_changed','provider_key.attached','provider_key.replaced','provider_key.detached','management_key.rotated'])[1 + i % 8],
      lpad(to_hex(i % 5000), 16, '0'), NULL, '{}', 'management_key:0123456789abcdef', '127.0.0.1', 'req_' || i,
      decode(md5(i::text) || md5(i::text), 'hex'), decode(md5((i+1)::text) || md5((i+1)::text), 'hex')
    FROM generate_series(1, $2) AS i"
}
started=$(date +%s)
fill "$account" "$ROWS"
fill "$other" 100000
pg -c "ANALYZE audit_events"
echo "filled $ROWS + 100000 rows in $(( $(date +%s) - started )) s"
lowest=$(pg -At -c "SELECT min(seq) FROM audit_events WHERE account_id = '$account'")
highest=$(pg -At -c "SELECT max(seq) FROM audit_events WHERE account_id = '$account'")
measure() { # NAME URL-MAKER
  local times=()
  for i in $(seq 1 200); do
    url=$($2)
    times+=($(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $management" "$url"))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v name="$1" '{a[NR]=$1} END {printf "%-32s p50 %.1f ms  p95 %.1f ms  (200 requests)\n", name, a[int(NR*0.5)]*1000, a[int(NR*0.95)]*1000}'
}
newest() { echo "http://127.0.0.1:$PORT/v1/audit?limit=100"; }
deep() { echo "http://127.0.0.1:$PORT/v1/audit?limit=100&cursor=$(( lowest + RANDOM * 32768 % (highest - lowest) ))"; }
action() { echo "http://127.0.0.1:$PORT/v1/audit?limit=100&action=management_key.rotated"; }
key() { echo "http://127.0.0.1:$PORT/v1/audit?limit=100&key_id=$(printf '%016x' $(( RANDOM % 5000 )))"; }
curl -fsS -o /dev/null -H "Authorization: Bearer $management" "$(newest)"
for _ in $(seq 1 50); do curl -s -o /dev/null -H "Authorization: Bearer $management" "$(deep)"; done
measure "newest page of 100" newest
measure "a page deep in the trail" deep
measure "one action (1 row in 8)" action
measure "one key (1 row in 5,000)" key
