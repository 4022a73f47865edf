#!/usr/bin/env bash
# A/B of two builds of routing-service in one run: the baseline (a git revision, built into
# bench/.work/ab-base) and this checkout's build, started side by side against the same running
# suite, simulator and billing consumers, measured in alternating rounds so that a drift of the
# machine falls on both alike. Per round and build: requests/s at 32 connections with billing paused
# and with the whole product running, added p50/p99 at one connection (billing paused), and the time
# to first token added (bench/ttft.mjs). Results are printed and appended to docs/benchmarks.md.
#
#   flock -o -x /tmp/bench.lock bench/ab.sh [--base REV] [--rounds 3] [--duration 10] [--warmup 20]
#
# Needs wrk (apt-get install wrk; installed here when running as root), node, and ./services up.
set -euo pipefail
# shellcheck disable=SC1091
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
BASE_REV=e253dc4
ROUNDS=3
DURATION=10
WARMUP=20
declare -A OPTIONS=([--base]=BASE_REV [--rounds]=ROUNDS [--duration]=DURATION [--warmup]=WARMUP) FLAGS=()
USAGE="bench/ab.sh [--base REV] [--rounds N] [--duration SECONDS] [--warmup SECONDS]"
parse_options "$@"
PROVIDER=openai
UPSTREAM_MODEL=gpt-4o-mini
GATEWAY_MODEL=openai/gpt-4o-mini
BASE_PORT=8181
NEW_PORT=8182
need wrk wrk

BASE_DIR="$WORK/ab-base"
BASE_SHA="$(git -C "$ROOT" rev-parse --short "$BASE_REV")"
NEW_SHA="$(git -C "$ROOT" rev-parse --short HEAD)"
[[ -z "$(git -C "$ROOT" status --porcelain -- routing-service)" ]] || NEW_SHA="$NEW_SHA+changes"
if [[ "$(git -C "$BASE_DIR" rev-parse --short HEAD 2>/dev/null)" != "$BASE_SHA" ]]; then
  step "checking out the baseline $BASE_SHA into $BASE_DIR"
  git -C "$ROOT" worktree remove --force "$BASE_DIR" 2>/dev/null || rm -rf "$BASE_DIR"
  git -C "$ROOT" worktree add --detach "$BASE_DIR" "$BASE_REV" >/dev/null
  rm -f "$BASE_DIR/.built"
fi
if [[ ! -f "$BASE_DIR/.built" ]]; then
  step "building the baseline's routing-service (a few minutes)"
  (cd "$BASE_DIR" && ./mvnw -B -q -pl routing-service -am package -DskipTests) >"$WORK/ab-base-build.log" 2>&1 \
    || { tail -30 "$WORK/ab-base-build.log"; exit 1; }
  touch "$BASE_DIR/.built"
fi

ensure_suite
create_bench_key
JVM="$(routing_jvm_opts)"
BILLING_PIDS="$(cat "$ROOT/.services/pids/auth-service.pid" "$ROOT/.services/pids/metering-service.pid" | tr '\n' ' ')"
cleanup() {
  kill -CONT $BILLING_PIDS 2>/dev/null || true
  stop_pid "${BASE_PID:-}"; stop_pid "${NEW_PID:-}"
}
trap cleanup EXIT
step "starting the baseline ($BASE_SHA) on :$BASE_PORT and this build ($NEW_SHA) on :$NEW_PORT"
ROUTING_JAR="$BASE_DIR/routing-service/target/quarkus-app/quarkus-run.jar" start_routing ab-base "$BASE_PORT" "$JVM"
BASE_PID="$REPLICA_PID"
start_routing ab-new "$NEW_PORT" "$JVM"
NEW_PID="$REPLICA_PID"

# point NAME PORT CONNECTIONS -> "rps p50 p99" (ms) of one closed-loop wrk point
point() {
  local out
  out="$(BENCH_PATH=/api/v1/chat/completions BENCH_MODEL="$GATEWAY_MODEL" BENCH_KEY="$BENCH_KEY" BENCH_PROVIDER="$PROVIDER" \
    BENCH_STREAM=false wrk -t"$(( $3 > 1 ? 2 : 1 ))" -c"$3" -d"${DURATION}s" --latency -s "$ROOT/bench/chat.lua" \
    "http://127.0.0.1:$2" 2>"$WORK/ab-$1-$3.err")"
  echo "$(awk '/^Requests\/sec/{print $2}' <<<"$out") $(awk '/^ +50%/{print $2}' <<<"$out" | to_ms) $(awk '/^ +99%/{print $2}' <<<"$out" | to_ms)"
}
direct_point() {
  local out
  out="$(BENCH_PATH="/p/$PROVIDER/v1/chat/completions" BENCH_MODEL="$UPSTREAM_MODEL" BENCH_KEY="" BENCH_STREAM=false \
    wrk -t1 -c1 -d"${DURATION}s" --latency -s "$ROOT/bench/chat.lua" "$SIM" 2>/dev/null)"
  echo "$(awk '/^ +50%/{print $2}' <<<"$out" | to_ms) $(awk '/^ +99%/{print $2}' <<<"$out" | to_ms)"
}
ttft_added() {
  TTFT_STREAMS="${TTFT_STREAMS:-60}" node "$ROOT/bench/ttft.mjs" "$SIM" "http://127.0.0.1:$1" "$BENCH_KEY" "$PROVIDER" \
    "$UPSTREAM_MODEL" "$GATEWAY_MODEL" | sed -n 's/.*added p50 \([-0-9.]*\) p99.*/\1/p' | head -1
}

for port in "$BASE_PORT" "$NEW_PORT"; do
  step "warming :$port for ${WARMUP}s at 32 connections"
  BENCH_PATH=/api/v1/chat/completions BENCH_MODEL="$GATEWAY_MODEL" BENCH_KEY="$BENCH_KEY" BENCH_PROVIDER="$PROVIDER" \
    wrk -t2 -c32 -d"${WARMUP}s" -s "$ROOT/bench/chat.lua" "http://127.0.0.1:$port" >/dev/null 2>&1 || true
done

ROWS=()
for r in $(seq 1 "$ROUNDS"); do
  # the order alternates, so neither build always runs right after the other's load
  if (( r % 2 )); then order=("base $BASE_PORT" "new $NEW_PORT"); else order=("new $NEW_PORT" "base $BASE_PORT"); fi
  catch_up
  d="$(direct_point)"
  for entry in "${order[@]}"; do
    read -r name port <<<"$entry"
    pid="$BASE_PID"; [[ "$name" == new ]] && pid="$NEW_PID"
    step "round $r of $ROUNDS: $name (:$port)"
    kill -STOP $BILLING_PIDS
    paused="$(point "$name" "$port" 32)"
    one="$(point "$name" "$port" 1)"
    kill -CONT $BILLING_PIDS
    catch_up
    # CPU per request of the whole product's point: this build's routing, and auth + metering until
    # they have settled what it sent (a build whose events cost more to settle shows there)
    r0="$(cpu_ms "$pid")"; b0="$(cpu_ms $BILLING_PIDS)"
    whole="$(point "$name-whole" "$port" 32)"
    r1="$(cpu_ms "$pid")"
    catch_up
    b1="$(cpu_ms $BILLING_PIDS)"
    ttft="$(ttft_added "$port")"
    read -r p_rps _ _ <<<"$paused"; read -r _ o50 o99 <<<"$one"; read -r w_rps _ _ <<<"$whole"; read -r d50 d99 <<<"$d"
    row="$(awk -v r="$r" -v n="$name" -v pr="$p_rps" -v wr="$w_rps" -v o50="$o50" -v o99="$o99" -v d50="$d50" -v d99="$d99" -v t="$ttft" \
      -v rc="$(( r1 - r0 ))" -v bc="$(( b1 - b0 ))" -v d="$DURATION" \
      'BEGIN{n_req = wr * d; printf "| %s | %s | %.0f | %.0f | %.0f | %.0f | %.3f | %.3f | %s |", r, n, pr, wr, rc * 1000 / n_req, bc * 1000 / n_req, o50-d50, o99-d99, t}')"
    ROWS+=("$row")
    echo "    $row"
  done
done

{
  echo
  echo "### A/B of routing builds: $BASE_SHA (base) against $NEW_SHA (new), $(date -u '+%Y-%m-%d %H:%MZ')"
  echo
  echo "Command: \`flock -o -x /tmp/bench.lock bench/ab.sh --base $BASE_REV --rounds $ROUNDS --duration $DURATION --warmup $WARMUP\`."
  echo "Both builds run side by side against the same suite; rounds alternate which goes first. req/s at 32"
  echo "connections (wrk, ${DURATION}s) with auth and metering paused, and with the whole product running; added"
  echo "p50/p99 at one connection against the simulator straight (billing paused); first token added p50"
  echo "(bench/ttft.mjs, ${TTFT_STREAMS:-60} streams taking turns with the simulator straight). CPU µs per request"
  echo "of the whole product's point: the build's routing during it, and auth + metering until they settled it."
  echo
  echo "| round | build | req/s, billing paused | req/s, whole product | routing CPU µs/req | auth + metering CPU µs/req | added p50 ms | added p99 ms | first token added ms |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  printf '%s\n' "${ROWS[@]}"
} | tee -a "$ROOT/docs/benchmarks.md"
