#!/usr/bin/env bash
# Where the whole product's CPU goes, request by request: paired rounds as in bench/run.sh (nginx, then at
# once the gateway, 32 connections), each also reporting the CPU time (/proc/PID/stat) that routing, the
# simulator, Redis, auth, metering and PostgreSQL spent per gateway request: routing and the simulator
# over the gateway's round, the others until auth and metering had settled the round's events.
#
#   bench/cpu-rounds.sh [--rounds 3] [--duration 10] [--billing-paused | --paused auth|metering]
#
# --billing-paused stops auth and metering (SIGSTOP) during the gateway's rounds, as run.sh's billing-paused
# points do; their CPU is then spent after the round, on the same events. --paused stops only the one named:
# the ceiling a change that removed that consumer's share of the work could reach. Prints a markdown table.
set -euo pipefail
# shellcheck disable=SC1091
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
ROUNDS=3
DURATION=10
PAUSED=""
declare -A OPTIONS=([--rounds]=ROUNDS [--duration]=DURATION [--paused]=PAUSED) FLAGS=([--billing-paused]=PAUSED=billing)
USAGE="bench/cpu-rounds.sh [--rounds N] [--duration SECONDS] [--billing-paused | --paused auth|metering]"
parse_options "$@"
case "$PAUSED" in
  ""|auth|metering|billing) ;;
  *) echo "usage: $USAGE" >&2; exit 2 ;;
esac
NGINX_PORT=8095
need wrk wrk
need nginx nginx-light
trap stop_nginx EXIT

start_suite
create_bench_key
stop_nginx
start_nginx "$NGINX_PORT"
PIDS="$ROOT/.services/pids"
pid_of() { cat "$PIDS/$1.pid"; }
ROWS=()
# per BEFORE AFTER -> µs of CPU per request of the round (n, set in the loop)
per() { echo $(( ($2 - $1) * 1000 / n )); }
for i in $(seq 1 "$ROUNDS"); do
  step "round $i of $ROUNDS: nginx, then the gateway$([[ -n $PAUSED ]] && echo " ($PAUSED paused)"), ${DURATION}s each"
  catch_up >/dev/null
  nginx_rps="$(rps "http://127.0.0.1:$NGINX_PORT" /p/openai/v1/chat/completions gpt-4o-mini "" "")"
  routing=$(pid_of routing-service) sim=$(pid_of provider-simulator) auth=$(pid_of auth-service) metering=$(pid_of metering-service)
  # PostgreSQL forks a backend per connection: sum over every postgres process alive at each reading
  r0=$(cpu_ms "$routing") s0=$(cpu_ms "$sim") d0=$(cpu_ms $(pgrep redis-server)) a0=$(cpu_ms "$auth")
  m0=$(cpu_ms "$metering") p0=$(cpu_ms $(pgrep postgres))
  case "$PAUSED" in billing) stopped=("$auth" "$metering") ;; auth) stopped=("$auth") ;; metering) stopped=("$metering") ;;
    *) stopped=() ;; esac
  (( ${#stopped[@]} )) && kill -STOP "${stopped[@]}"
  gateway_rps="$(BENCH_PROVIDER=openai rps "$GATEWAY" /api/v1/chat/completions openai/gpt-4o-mini "$BENCH_KEY" "")"
  (( ${#stopped[@]} )) && kill -CONT "${stopped[@]}"
  r1=$(cpu_ms "$routing") s1=$(cpu_ms "$sim")
  catch_up >/dev/null
  d1=$(cpu_ms $(pgrep redis-server)) a1=$(cpu_ms "$auth") m1=$(cpu_ms "$metering") p1=$(cpu_ms $(pgrep postgres))
  # requests of the round and of its 3 s warm-up, which the CPU readings include
  n=$(awk -v r="$gateway_rps" -v d="$DURATION" 'BEGIN{print int(r * (d + 3))}')
  row="| $i | $nginx_rps | $gateway_rps | $(awk -v g="$gateway_rps" -v x="$nginx_rps" 'BEGIN{printf "%.2f", g / x}') | $(per "$r0" "$r1") | $(per "$s0" "$s1") | $(per "$d0" "$d1") | $(per "$a0" "$a1") | $(per "$m0" "$m1") | $(per "$p0" "$p1") |"
  echo "    $row"
  ROWS+=("$row")
done
echo
echo "Command: \`flock -o -x /tmp/bench.lock bench/cpu-rounds.sh --rounds $ROUNDS --duration $DURATION$(case "$PAUSED" in billing) echo ' --billing-paused' ;; ?*) echo " --paused $PAUSED" ;; esac)\` ($(date -u +%Y-%m-%dT%H:%MZ)); µs of CPU per gateway request (warm-up included):"
echo
echo "| round | nginx req/s | gateway req/s | x nginx | routing | simulator | Redis | auth | metering | PostgreSQL |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${ROWS[@]}"
