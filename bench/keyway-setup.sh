# Sourced by the bench scripts that start a Keyway of their own: waiting for it, moving its embedded PostgreSQL off the
# gateway's CPU, and making the gateway key a load generator sends (an account, then a key carrying a sealed
# OpenRouter key, so that every request verifies the key and unseals the provider key).

# Waits until Keyway on port $1 answers /health (up to 120 s).
keyway_wait() {
  for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$1/health" 2>/dev/null && return 0; sleep 1; done
  return 1
}

# Pins every process whose command line names $2 (a data directory: the embedded PostgreSQL) to CPU $1.
keyway_pin_database() {
  for pid in $(pgrep -f "$2" || true); do taskset -a -p -c "$1" "$pid" >/dev/null 2>&1 || true; done
}

# Prints a new gateway key of Keyway on port $1, made with admin token $2 for an account named $3, carrying the
# OpenRouter key $4 (a fixed stand-in when not given).
keyway_gateway_key() {
  local account management provider=${4:-sk-or-v1-probe-0000000000000000}
  account=$(curl -fsS -X POST "http://127.0.0.1:$1/admin/accounts" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "{\"name\":\"$3\"}")
  management=$(printf '%s' "$account" | sed -E 's/.*"management_key":"([^"]+)".*/\1/')
  curl -fsS -X POST "http://127.0.0.1:$1/v1/keys" -H "Authorization: Bearer $management" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$3\",\"provider_keys\":{\"openrouter\":\"$provider\"}}" | sed -E 's/.*"key":"([^"]+)".*/\1/'
}
