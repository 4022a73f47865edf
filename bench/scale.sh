#!/usr/bin/env bash
# Horizontal scaling: throughput of ONE routing-service instance against TWO behind nginx
# (least_conn upstream, keepalive), same load as bench/run.sh (bench/chat.lua: small non-streaming
# chat completion, simulator answering with no delay) at 32 connections.
#
#   flock /tmp/bench.lock bench/scale.sh [--duration 10]
#
# Points: (a) wrk -> routing :8080, (b) wrk -> nginx -> routing :8080 (nginx's own cost),
# (c) wrk -> nginx -> routing :8080 + routing :8085. The second replica is the same jar with the
# environment ./services gives routing (copied from the running JVM), on port 8085.
# On a 2-core machine both replicas, nginx, wrk, the simulator, auth, Redis share the same CPUs:
# this measures contention as much as scaling.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
DURATION=10
CONNS=32
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    *) echo "usage: bench/scale.sh [--duration SECONDS]" >&2; exit 2 ;;
  esac
done
NGINX_PORT=8096
REPLICA_PORT=8085
MODEL=openai/gpt-4o-mini
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "error: needs wrk and nginx" >&2; exit 1; }

NGX="$WORK/scale-nginx"
mkdir -p "$NGX/logs"
cleanup() {
  [[ -f "$NGX/nginx.pid" ]] && nginx -p "$NGX" -c "$NGX/nginx.conf" -s quit 2>/dev/null || true
  stop_pid "${REPLICA_PID:-}"
}
trap cleanup EXIT

ensure_suite
curl -s -X DELETE "$SIM/sim/providers/openai" >/dev/null
step "creating a benchmark account and key (no rate limit in the way)"
create_bench_key

nginx_conf() { # list of ports
  local servers="" p
  for p in "$@"; do servers+="    server 127.0.0.1:$p;"$'\n'; done
  cat >"$NGX/nginx.conf" <<NGINX
worker_processes 2;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream routing {
    least_conn;
$servers    keepalive 128;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://routing;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
NGINX
}

to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); print v+0} else if (v ~ /s$/) {sub(/s$/,"",v); print v*1000} else print v}'; }
# measure NAME BASE -> "rps p50 p99 non2xx"
measure() {
  local name="$1" base="$2" out
  BENCH_PATH=/api/v1/chat/completions BENCH_MODEL="$MODEL" BENCH_KEY="$BENCH_KEY" \
    wrk -t2 -c"$CONNS" -d3s -s "$ROOT/bench/chat.lua" "$base" >/dev/null 2>&1 || true
  out="$(BENCH_PATH=/api/v1/chat/completions BENCH_MODEL="$MODEL" BENCH_KEY="$BENCH_KEY" \
    wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$ROOT/bench/chat.lua" "$base" 2>"$WORK/scale-$name.err")"
  echo "$out" >"$WORK/scale-$name.txt"
  printf '%s %s %s %s\n' "$(awk '/^Requests\/sec/{print $2}' <<<"$out")" \
    "$(awk '/^ +50%/{print $2}' <<<"$out" | to_ms)" "$(awk '/^ +99%/{print $2}' <<<"$out" | to_ms)" \
    "$(awk '/Non-2xx/{print $5}' <<<"$out" | grep . || echo 0)"
}

declare -A R
step "one instance, direct (:8080), $CONNS connections, ${DURATION}s"
R[direct]="$(measure direct http://127.0.0.1:8080)"; echo "    req/s p50 p99 non-2xx: ${R[direct]}"

nginx_conf 8080
nginx -p "$NGX" -c "$NGX/nginx.conf"
step "one instance behind nginx (:$NGINX_PORT -> :8080)"
R[nginx1]="$(measure nginx1 "http://127.0.0.1:$NGINX_PORT")"; echo "    req/s p50 p99 non-2xx: ${R[nginx1]}"

step "starting a second routing instance on :$REPLICA_PORT"
start_routing scale-routing-$REPLICA_PORT "$REPLICA_PORT" "$(routing_jvm_opts)"
# warm the new JVM a little more than the others (it just started)
BENCH_PATH=/api/v1/chat/completions BENCH_MODEL="$MODEL" BENCH_KEY="$BENCH_KEY" \
  wrk -t2 -c"$CONNS" -d5s -s "$ROOT/bench/chat.lua" "http://127.0.0.1:$REPLICA_PORT" >/dev/null 2>&1 || true
nginx_conf 8080 "$REPLICA_PORT"
nginx -p "$NGX" -c "$NGX/nginx.conf" -s reload
sleep 1
step "two instances behind nginx (:$NGINX_PORT -> :8080 + :$REPLICA_PORT, least_conn)"
R[nginx2]="$(measure nginx2 "http://127.0.0.1:$NGINX_PORT")"; echo "    req/s p50 p99 non-2xx: ${R[nginx2]}"

f() { awk -v i="$2" '{print $i}' <<<"${R[$1]}"; }
x() { awk -v a="$(f "$1" 1)" -v b="$(f "$2" 1)" 'BEGIN{ if (b==0) print "-"; else printf "%.2f", a/b }'; }
{
  echo "### Scale run of $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Command: \`flock /tmp/bench.lock bench/scale.sh --duration $DURATION\` on $(nproc) cores;"
  echo "wrk -t2 -c$CONNS, ${DURATION}s per point after a 3 s warm-up, bench/chat.lua (non-streaming, $MODEL)."
  echo
  echo "| target | req/s | x one instance direct | p50 ms | p99 ms | non-2xx |"
  echo "| --- | --- | --- | --- | --- | --- |"
  echo "| 1 routing, direct | $(f direct 1) | 1.00 | $(f direct 2) | $(f direct 3) | $(f direct 4) |"
  echo "| 1 routing behind nginx | $(f nginx1 1) | $(x nginx1 direct) | $(f nginx1 2) | $(f nginx1 3) | $(f nginx1 4) |"
  echo "| 2 routing behind nginx (least_conn) | $(f nginx2 1) | $(x nginx2 direct) | $(f nginx2 2) | $(f nginx2 3) | $(f nginx2 4) |"
} >"$WORK/scale-results.md"
cat "$WORK/scale-results.md"
