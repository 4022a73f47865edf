# Shared helpers for the bench scripts (sourced, not run).
# Sets ROOT, WORK, SIM, GATEWAY, BENCH_KEY; starts extra routing replicas with the environment
# ./services gives routing-service (copied from the running process, so nothing drifts).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$ROOT/bench/.work"
mkdir -p "$WORK"
step() { printf '==> %s\n' "$*"; }

# Run under `flock /tmp/bench.lock ...`: flock(1) passes its locked descriptor to us. Close our copy
# (flock itself keeps the lock), so services and replicas we start never inherit and keep the lock.
for fd in /proc/$$/fd/*; do
  [[ "$(readlink "$fd" 2>/dev/null)" == /tmp/bench.lock ]] && eval "exec ${fd##*/}>&-"
done

# parse_options "$@": each --name in the caller's associative array OPTIONS ([--name]=VARIABLE) takes
# one value into VARIABLE; each in FLAGS ([--name]=VARIABLE=VALUE) sets VARIABLE to VALUE; anything
# else prints "usage: $USAGE" and exits 2.
parse_options() {
  while [[ $# -gt 0 ]]; do
    if [[ -n "${OPTIONS[$1]:-}" && $# -ge 2 ]]; then
      printf -v "${OPTIONS[$1]}" '%s' "$2"; shift 2
    elif [[ -n "${FLAGS[$1]:-}" ]]; then
      printf -v "${FLAGS[$1]%%=*}" '%s' "${FLAGS[$1]#*=}"; shift
    else
      echo "usage: $USAGE" >&2; exit 2
    fi
  done
}

# need COMMAND PACKAGE: installs PACKAGE with apt-get when COMMAND is missing and we are root.
need() {
  command -v "$1" >/dev/null && return
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    step "installing $2"; DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null
  else echo "error: $1 is needed: apt-get install $2" >&2; exit 1; fi
}

# ./services up: builds what is stale and starts what is not running; then the suite's addresses.
start_suite() {
  step "starting the suite (./services up)"
  # the machine is shared: a concurrent up/down elsewhere can make one attempt fail
  "$ROOT/services" up >"$WORK/services-up.log" 2>&1 || { sleep 5; "$ROOT/services" up >"$WORK/services-up.log" 2>&1; } \
    || { tail -20 "$WORK/services-up.log"; exit 1; }
  suite_addresses
}

# The running suite as it is, started only when routing is not ready.
ensure_suite() {
  if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 http://127.0.0.1:8080/q/health/ready)" != 200 ]]; then
    start_suite
  else
    suite_addresses
  fi
}

suite_addresses() {
  # shellcheck disable=SC1091
  source "$ROOT/.services/env"
  SIM="$SIMULATOR_URL"
  GATEWAY="${BASE_URL%/api/v1}"
}

create_bench_key() {
  local account mgmt key_json
  account="$(curl -s -X POST "http://127.0.0.1:${AUTH_PORT:-8082}/admin/accounts" -H "Authorization: Bearer $OPERATOR_TOKEN" \
    -H 'Content-Type: application/json' -d '{"name":"bench","credits":"100000"}')"
  mgmt="$(sed -n 's/.*"management_key" *: *"\([^"]*\)".*/\1/p' <<<"$account")"
  key_json="$(curl -s -X POST "$BASE_URL/keys" -H "Authorization: Bearer $mgmt" -H 'Content-Type: application/json' \
    -d '{"name":"bench","rate_limit":{"requests_per_minute":100000000,"tokens_per_minute":1000000000}}')"
  BENCH_KEY="$(sed -n 's/.*"key" *: *"\([^"]*\)".*/\1/p' <<<"$key_json")"
  [[ -n "$BENCH_KEY" ]] || { echo "error: could not create the bench key: $key_json" >&2; exit 1; }
}

# GATEWAY_* and QUARKUS_* of the routing-service JVM started by ./services (service_env there).
routing_env() {
  local pid
  pid="$(cat "$ROOT/.services/pids/routing-service.pid")"
  tr '\0' '\n' <"/proc/$pid/environ" | grep -E '^(GATEWAY|QUARKUS)_' | grep -v '^QUARKUS_HTTP_PORT='
}

# The JVM options of the routing-service JVM started by ./services (what comes before -jar).
routing_jvm_opts() {
  tr '\0' '\n' <"/proc/$(cat "$ROOT/.services/pids/routing-service.pid")/cmdline" | sed -n '2,$p' | sed '/^-jar$/,$d' | tr '\n' ' '
}

# start_routing NAME PORT JVM-OPTIONS [EXTRA VAR=VALUE...] -> sets REPLICA_PID; waits until ready
# (ROUTING_JAR: another build of routing-service, e.g. the baseline of bench/ab.sh)
start_routing() {
  local name="$1" port="$2" jvm="$3"; shift 3
  local env_args=()
  mapfile -t env_args < <(routing_env)
  # shellcheck disable=SC2086
  ( exec env "${env_args[@]}" "QUARKUS_HTTP_PORT=$port" "$@" "${ROUTING_JAVA:-java}" $jvm \
      -jar "${ROUTING_JAR:-$ROOT/routing-service/target/quarkus-app/quarkus-run.jar}" >"$WORK/$name.log" 2>&1 ) &
  REPLICA_PID=$!
  echo "$REPLICA_PID" >"$WORK/$name.pid"
  for _ in $(seq 1 120); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/q/health/ready")" == 200 ]] && return 0
    kill -0 "$REPLICA_PID" 2>/dev/null || { tail -20 "$WORK/$name.log" >&2; echo "error: $name exited" >&2; exit 1; }
    sleep 1
  done
  echo "error: $name not ready after 120 s (see $WORK/$name.log)" >&2; exit 1
}

stop_pid() {
  local p="$1"
  [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null || return 0
  kill "$p" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.2; done
  kill -9 "$p" 2>/dev/null || true
}

# wrk latency (e.g. 850.00us, 1.20ms, 2.01s) -> milliseconds
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); print v+0} else if (v ~ /s$/) {sub(/s$/,"",v); print v*1000} else print v}'; }

# Waits until auth and metering have settled what is in gw:usage: every group has been handed the
# stream's newest entry and has acknowledged all it got (XINFO's "lag" is not used: Redis cannot
# compute it once trimmed entries were never read).
catch_up() {
  step "waiting for auth and metering to catch up on the usage stream"
  if ! command -v redis-cli >/dev/null; then sleep 60; return; fi
  local newest behind stream streams=("${GATEWAY_REDIS_PREFIX:-}gw:usage") p
  # a partitioned usage stream (GATEWAY_USAGE_PARTITIONS, as the services got it) is waited for partition by partition
  if (( ${GATEWAY_USAGE_PARTITIONS:-1} > 1 )); then
    streams=(); for ((p = 0; p < GATEWAY_USAGE_PARTITIONS; p++)); do streams+=("${GATEWAY_REDIS_PREFIX:-}gw:usage:{p$p}"); done
  fi
  rc() { redis-cli -u "${REDIS_URL:-redis://127.0.0.1:6379}" "$@" 2>/dev/null; }
  for _ in $(seq 1 300); do
    behind=0
    for stream in "${streams[@]}"; do
      newest="$(rc XINFO STREAM "$stream" | awk '/^last-generated-id$/{getline; print}')"
      [[ -n "$newest" ]] || continue
      behind=$(( behind + $(rc XINFO GROUPS "$stream" | awk -v n="$newest" '/^pending$/{getline; s+=$1} /^last-delivered-id$/{getline; if ($1 != n) s++} END{print s+0}') ))
    done
    [[ "$behind" == 0 ]] && break
    sleep 1
  done
  echo "    groups behind or with pending entries: ${behind:-unknown}"
}

# start_nginx PORT: nginx (2 workers) on PORT as a plain keep-alive reverse proxy to the simulator ($SIM).
start_nginx() {
  local port="$1" sim_port="${SIM##*:}"
  step "starting nginx on :$port as a plain reverse proxy to the simulator"
  cat >"$WORK/nginx.conf" <<EOF
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream sim { server 127.0.0.1:$sim_port; keepalive 128; }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://sim;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
EOF
  nginx -p "$WORK" -c "$WORK/nginx.conf"
}

stop_nginx() {
  [[ -f "$WORK/nginx.pid" ]] && nginx -p "$WORK" -c "$WORK/nginx.conf" -s quit 2>/dev/null || true
}

# rps BASE PATH MODEL KEY HEADERS -> req/s of one closed-loop point at 32 connections (after 3 s of warm-up)
rps() {
  local env=(BENCH_PATH="$2" BENCH_MODEL="$3" BENCH_KEY="$4" BENCH_HEADERS="$5" BENCH_PROVIDER="${BENCH_PROVIDER:-}" BENCH_STREAM=false)
  env "${env[@]}" wrk -t2 -c32 -d3s -s "$ROOT/bench/chat.lua" "$1" >/dev/null 2>&1 || true
  env "${env[@]}" wrk -t2 -c32 -d"${DURATION}s" -s "$ROOT/bench/chat.lua" "$1" 2>/dev/null | awk '/^Requests\/sec/{print $2}'
}

# cpu_ms PID... -> CPU time (user + system) the processes used so far, in ms (a process gone counts 0)
cpu_ms() {
  local tick total=0 pid
  tick="$(getconf CLK_TCK)"
  for pid in "$@"; do total=$(( total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0) )); done
  echo $(( total * 1000 / tick ))
}
