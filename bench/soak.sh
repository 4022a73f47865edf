#!/usr/bin/env bash
# Soak: the whole suite under a steady mixed load for --minutes (default 30): JSON chat and streams
# through the gateway at a fixed rate, with a share of the simulator's calls failing (fail-over) and
# embeddings beside them. Every minute it samples each service's RSS, live heap (heap used right after a full GC it asks for),
# open files and threads, and Redis' used memory; at the end it prints the growth per minute after
# the warm-up (least-squares slope over the samples after --warmup-minutes) and appends the table
# to docs/benchmarks.md.
#
#   flock -o -x /tmp/bench.lock bench/soak.sh [--minutes 30] [--warmup-minutes 5] [--rate 200]
set -euo pipefail
# shellcheck disable=SC1091
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
MINUTES=30
WARMUP_MIN=5
RATE=200
declare -A OPTIONS=([--minutes]=MINUTES [--warmup-minutes]=WARMUP_MIN [--rate]=RATE) FLAGS=()
USAGE="bench/soak.sh [--minutes N] [--warmup-minutes N] [--rate REQ_PER_S]"
parse_options "$@"
SERVICES_LIST=(routing-service catalog-service auth-service metering-service provider-simulator)
ensure_suite
create_bench_key
# the soak's chat model and the provider it breaks are not the simulator's `openai` provider, which
# bench/streams.sh slows down: the two can run side by side on one suite
SOAK_MODEL=meta-llama/llama-3.3-70b-instruct
FAULTY=hyperbolic
step "the simulator's $FAULTY provider fails 5% of calls (fail-over to $SOAK_MODEL's other endpoints)"
curl -s -X PUT "$SIM/sim/providers/$FAULTY" -H 'Content-Type: application/json' \
  -d '{"fault":{"type":"status:503","rate":0.05}}' >/dev/null
LOAD_PIDS=()
cleanup() {
  for p in "${LOAD_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  curl -s -X DELETE "$SIM/sim/providers/$FAULTY" >/dev/null || true
}
trap cleanup EXIT

# three open-loop generators for the whole soak: JSON chat, streamed chat, embeddings
seconds=$(( MINUTES * 60 ))
for mode in json stream; do
  if [[ $mode == json ]]; then share=$(( RATE * 3 / 4 )); else share=$(( RATE / 4 )); fi
  node "$ROOT/bench/rate.mjs" --target soak-$mode --base "$GATEWAY" --path /api/v1/chat/completions \
    --model "$SOAK_MODEL" --key "$BENCH_KEY" --headers "" --provider "" $([[ $mode == stream ]] && echo --stream) \
    --rate "$share" --duration "$seconds" --warmup 0 --pause "" \
    >"$WORK/soak-$mode.json" 2>"$WORK/soak-$mode.err" &
  LOAD_PIDS+=($!)
done
( end=$(( $(date +%s) + seconds ))
  while (( $(date +%s) < end )); do
    curl -s -o /dev/null "$BASE_URL/embeddings" -H "Authorization: Bearer $BENCH_KEY" -H 'Content-Type: application/json' \
      -d '{"model":"openai/text-embedding-3-small","input":["soak one","soak two"]}' || true
    sleep 0.1
  done ) &
LOAD_PIDS+=($!)

heap_mib() { # live heap: a full GC (jcmd GC.run, a few ms once a minute), then heap used from /q/metrics, in MiB
  jcmd "$2" GC.run >/dev/null 2>&1 || true
  curl -s --max-time 5 "http://127.0.0.1:$1/q/metrics" \
    | awk '/^jvm_memory_used_bytes\{.*area="heap"/{s+=$NF} END{printf "%.1f", s/1048576}'
}
port_of() { case "$1" in routing-service) echo 8080;; catalog-service) echo 8081;; auth-service) echo 8082;;
  metering-service) echo 8083;; provider-simulator) echo 8090;; esac; }
SAMPLES="$WORK/soak-samples.tsv"
printf 'minute\tservice\trss_mib\theap_mib\tfds\tthreads\n' >"$SAMPLES"
for minute in $(seq 0 "$MINUTES"); do
  for s in "${SERVICES_LIST[@]}"; do
    pid="$(cat "$ROOT/.services/pids/$s.pid")"
    rss="$(awk '/^VmRSS/{printf "%.1f", $2/1024}' "/proc/$pid/status")"
    fds="$(ls "/proc/$pid/fd" | wc -l)"
    threads="$(awk '/^Threads/{print $2}' "/proc/$pid/status")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$minute" "$s" "$rss" "$(heap_mib "$(port_of "$s")" "$pid")" "$fds" "$threads" >>"$SAMPLES"
  done
  redis_mib="$(redis-cli -u "${REDIS_URL:-redis://127.0.0.1:6379}" INFO memory 2>/dev/null | awk -F: '/^used_memory:/{printf "%.1f", $2/1048576}')"
  printf '%s\tredis\t%s\t-\t-\t-\n' "$minute" "${redis_mib:-0}" >>"$SAMPLES"
  step "minute $minute of $MINUTES sampled"
  (( minute < MINUTES )) && sleep 60
done

wait "${LOAD_PIDS[0]}" "${LOAD_PIDS[1]}" 2>/dev/null || true
LOAD_PIDS=("${LOAD_PIDS[2]}")

# growth per minute after the warm-up: least-squares slope of each column
{
  echo
  echo "### Soak, $(date -u '+%Y-%m-%d %H:%MZ'): $MINUTES minutes at $RATE req/s (3/4 JSON, 1/4 streams), 5% provider faults, embeddings beside"
  echo
  echo "Command: \`flock -o -x /tmp/bench.lock bench/soak.sh --minutes $MINUTES --warmup-minutes $WARMUP_MIN --rate $RATE\`."
  echo "Final values, and growth per minute from minute $WARMUP_MIN on (least-squares slope)."
  echo
  echo "| process | RSS MiB | live heap MiB | open files | threads | RSS MiB/min | live heap MiB/min | files/min | threads/min |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  awk -F'\t' -v w="$WARMUP_MIN" 'NR > 1 {
      k = $2; last[k] = $3 "\t" $4 "\t" $5 "\t" $6
      if ($1 >= w) { n[k]++; sx[k] += $1; sxx[k] += $1 * $1
        for (c = 3; c <= 6; c++) if ($c != "-") { sy[k, c] += $c; sxy[k, c] += $1 * $c } }
    } END {
      for (k in last) {
        split(last[k], v, "\t"); line = "| " k
        for (c = 1; c <= 4; c++) line = line " | " v[c]
        d = n[k] * sxx[k] - sx[k] * sx[k]
        for (c = 3; c <= 6; c++) line = line " | " (d > 0 && v[c - 2] != "-" ? sprintf("%+.2f", (n[k] * sxy[k, c] - sx[k] * sy[k, c]) / d) : "-")
        print line " |"
      }
    }' "$SAMPLES" | sort
  echo
  echo "| load | sent | answered 200 | errors (kinds) | p50 ms | p99 ms | max ms |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  for mode in json stream; do
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); k=", ".join("%s: %s" % kv for kv in d["error_kinds"].items())
print("| %s at %s req/s | %s | %s | %s%s | %s | %s | %s |" % (d["mode"], d["rate"], d["sent"], d["ok"], d["errors"], " (" + k + ")" if k else "", d["p50"], d["p99"], d["max"]))' \
      "$WORK/soak-$mode.json" 2>/dev/null || echo "| $mode | no result (see $WORK/soak-$mode.err) | | | | | |"
  done
} | tee -a "$ROOT/docs/benchmarks.md"
