# Sourced by the bench scripts that start a Keyway of their own: waiting for it, moving its embedded PostgreSQL off the
# gateway's CPU, and making the gateway key a load generator sends (an account, then a key carrying a sealed
# OpenRouter key, so that every request verifies the key and unseals the provider key).

# Waits until Keyway on port $1 answers /health (up to 120 s).
keyway_wait() {
  for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$1/health" 2>/dev/null && return 0; sleep 1; done
  return 1
}

# Pins every process whose command line names $2 (a data directory: the embedded PostgreSQL's postmaster) to CPU $1,
# and the processes it has already started: its background workers and the backends of the connections Keyway opened
# at start-up (the usage writer's among them) keep the CPU they were forked on, which is the gateway's. Processes it
# starts later inherit the postmaster's CPU.
keyway_pin_database() {
  local pid child
  for pid in $(pgrep -f "$2" || true); do
    taskset -a -p -c "$1" "$pid" >/dev/null 2>&1 || true
    for child in $(pgrep -P "$pid" || true); do taskset -a -p -c "$1" "$child" >/dev/null 2>&1 || true; done
  done
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

# The JVM options Keyway runs with: $JAVA_OPTS when set, else the defaults of ./keyway (read from it, so that every
# bench script measures what users run). Word-split on use: java $KEYWAY_JVM -jar ...
KEYWAY_JVM=${JAVA_OPTS:-$(sed -n 's/.*\${JAVA_OPTS:-\([^}]*\)}.*/\1/p' "$(dirname "${BASH_SOURCE[0]}")/../keyway")}
[ -n "$KEYWAY_JVM" ] || { echo "keyway-setup.sh: no JVM options found in ./keyway" >&2; exit 1; }

# Starts Keyway's jar $5 on port $2, its data in work directory $1, sending `openrouter-` models to the OpenAI-compatible
# base URL $3, pinned to CPU $4 with ./keyway's JVM options (and any further arguments as more JVM options), its log in
# $1/keyway.log; waits for it to answer, moves its embedded PostgreSQL to CPU 0 and makes it a gateway key. Call it
# directly, not in $(...), so that Keyway is the caller's child: it sets KEYWAY_PID and KEYWAY_KEY. Returns 1 when
# Keyway does not answer within 120 s (KEYWAY_PID is set: the caller stops it).
keyway_start() {
  local work=$1 port=$2 upstream=$3 cpu=$4 jar=$5 admin
  shift 5
  admin="bench-admin-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  # shellcheck disable=SC2086
  MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} KEYWAY_DATA_DIR="$work/data" KEYWAY_ADMIN_TOKEN="$admin" \
    MICRONAUT_SERVER_PORT=$port KEYWAY_OPENROUTER_BASE_URL="$upstream" \
    taskset -c "$cpu" java $KEYWAY_JVM "$@" -jar "$jar" > "$work/keyway.log" 2>&1 &
  KEYWAY_PID=$!
  keyway_wait "$port" || return 1
  keyway_pin_database 0 "$work/data"
  KEYWAY_KEY=$(keyway_gateway_key "$port" "$admin" probe)
}

# Starts each jar given after $2 as keyway_start does, on CPU 1, on ports $2, $2 + 1, ..., relaying to upstream base $1.
# An argument may name a jar and more JVM options, separated by spaces ("keyway.jar -XX:Foo"), to compare options on
# one jar. Appends to the caller's arrays pids, ports, keys and works (declare them, and the trap that cleans them up,
# first); returns 1 at the first jar that does not start.
keyway_start_each() {
  local upstream=$1 port=$2 jar started
  shift 2
  for jar in "$@"; do
    works+=("$(mktemp -d)")
    # shellcheck disable=SC2086
    keyway_start "${works[-1]}" "$port" "$upstream" 1 $jar
    started=$?
    pids+=("$KEYWAY_PID"); ports+=("$port")
    [ $started = 0 ] || { echo "$jar did not start"; return 1; }
    keys+=("$KEYWAY_KEY")
    port=$((port + 1))
  done
}

# The baseline relay: nginx (one worker, keep-alive upstream, no buffering) in work directory $1 on port $2, relaying
# to 127.0.0.1:$3, pinned to CPU $4, with $5 worker connections (and four times as many open files) and $6 idle
# upstream connections kept; $7, when given, is added to its listen directive (a backlog). Call it directly: it sets
# NGINX_PID (the master; $1/nginx.pid names it too, and the worker is its child) and returns once that file is written.
nginx_start() {
  local work=$1 port=$2 upstream=$3 cpu=$4 connections=$5 keepalive=$6 listen=${7:-}
  mkdir -p "$work/nginx"
  cat > "$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx/error.log warn;
worker_rlimit_nofile $((4 * connections));
events { worker_connections $connections; }
http {
  access_log off;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  upstream target { server 127.0.0.1:$upstream; keepalive $keepalive; }
  server {
    listen 127.0.0.1:$port${listen:+ $listen};
    location / { proxy_pass http://target; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }
}
CONF
  taskset -c "$cpu" "$(command -v nginx || echo /usr/sbin/nginx)" -c "$work/nginx.conf" > "$work/nginx.out" 2>&1 &
  NGINX_PID=$!
  # nginx writes its pid file once its listening socket is open: up to 10 s.
  for _ in $(seq 1 20); do [ -s "$work/nginx.pid" ] && break; sleep 0.5; done
}

# The framework's own floor: builds ../shared/anchors/mn-relay (a 60-line Micronaut relay, no auth, no database) in
# work directory $1 and starts it on port $2, relaying to $3, pinned to CPU $4, with Keyway's JVM options; prints its
# pid and waits until it relays. Returns 1 and prints nothing when the anchor is absent or does not build; returns 1
# after printing the pid (the caller stops it) when the relay does not answer within 60 s.
relay_start() {
  local src
  src="$(dirname "${BASH_SOURCE[0]}")/../../shared/anchors/mn-relay"
  [ -d "$src" ] || return 1
  cp -r "$src" "$1/mn-relay"
  "$(dirname "${BASH_SOURCE[0]}")/../mvnw" -q -B -ntp -f "$1/mn-relay/pom.xml" package -DskipTests >/dev/null 2>&1 || return 1
  # shellcheck disable=SC2086
  RELAY_PORT=$2 RELAY_UPSTREAM=$3 taskset -c "$4" java $KEYWAY_JVM \
    -jar "$(ls "$1"/mn-relay/target/*.jar | grep -v original | head -1)" > "$1/relay.log" 2>&1 &
  echo $!
  local code
  for _ in $(seq 1 60); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$2/v1/chat/completions" -d '{}' || true)
    [ "$code" = 200 ] && return 0
    sleep 1
  done
  return 1
}

# For scripts that run the shared probes' load: makes the work directory (work), the list of processes to stop at exit
# (pids; nginx too, when $work/nginx.pid names it) and that exit trap, and starts the shared mock upstream on port $1,
# pinned to CPU 0, its log in $work/mock.log. Call it directly, not in $(...).
probe_start() {
  work=$(mktemp -d)
  pids=()
  trap probe_cleanup EXIT
  MOCK_PORT=$1 taskset -c 0 node "$(dirname "${BASH_SOURCE[0]}")/../../shared/probes/mock-upstream.js" > "$work/mock.log" 2>&1 &
  pids+=($!)
}

probe_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -f "$work/nginx.pid" ]; then kill "$(cat "$work/nginx.pid" 2>/dev/null)" 2>/dev/null || true; fi
  sleep 2; rm -rf "$work"
}

# The CPU time (user and system, in clock ticks) the processes $@ have used so far; one that is gone counts 0.
cpu_ticks() {
  local sum=0 pid
  for pid in "$@"; do sum=$((sum + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0))); done
  echo "$sum"
}

# Microseconds of CPU a relayed event, from $1 clock ticks over $2 of the probe's streams (23 events a stream: the
# role, 20 contents, the last with usage, and [DONE]); "—" when no stream finished.
us_per_event() {
  awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN { if (n > 0) printf "%.1f us", t / hz * 1e6 / (n * 23); else print "—" }'
}

# The probe's request body for model $1: a stream with one user message, "hello", or PROMPT_BYTES bytes of "x" when
# set (a long prompt shows what a live stream keeps of its request).
probe_body() {
  local prompt=hello
  [ -n "${PROMPT_BYTES:-}" ] && prompt=$(head -c "$PROMPT_BYTES" /dev/zero | tr '\0' x)
  printf '{"model":"%s","stream":true,"messages":[{"role":"user","content":"%s"}]}' "$1" "$prompt"
}
