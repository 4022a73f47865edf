#!/usr/bin/env bash
# Memory of one routing-service instance holding many concurrent slow streams.
#
#   flock /tmp/bench.lock bench/streams.sh [N ...]        (default: 1000 5000 10000)
#
# Starts a separate routing instance on :8086 with -Xmx512m (same environment ./services gives
# routing), slows the simulator's `openai` provider down (by default ttft 0, 2 tokens/s, 40 tokens:
# each stream stays open ~20 s), and for each N runs bench/streams.mjs: N streams at once (ramped over 3 s),
# sampling heap (/q/metrics) and RSS (/proc/PID/status) every second, a full GC (jcmd GC.run) 4 s
# after the ramp to read the live heap, and counting streams that end with [DONE]. The instance is
# restarted between sizes so each starts from the same state. The simulator is reset at the end.
#
# The instance speaks HTTP/2 to the simulator (gateway.upstream.http2=true): streams share a few
# upstream connections, so N streams hold N client sockets instead of 2N sockets, which is what fits
# 10,000 streams under this machine's hard limit of 20,000 open files per process. The per-endpoint
# bulkhead (512 running + 1024 queued) is raised, otherwise it, not memory, caps the number of
# concurrent streams to one endpoint.
#
# Knobs (environment), for sizes past the open-files limit and this machine's two cores:
#   STREAMS_H2_CONNECTIONS=C  the client multiplexes the N streams over C HTTP/2 cleartext connections
#                             (default 0: HTTP/1.1, one socket per stream); routing then allows
#                             ceil(N/C) concurrent streams per connection
#   STREAMS_RAMP_MS           how long the N streams take to open (default 3000)
#   STREAMS_TPS, STREAMS_TOKENS  the simulator's pace and length (default 2 and 40): with a longer ramp,
#                             streams must last longer than it, and a slower pace keeps the chunk rate
#                             (N x TPS per second) within what two cores relay
#   STREAMS_HISTOGRAMS=1      keep the live class histogram of each size (bench/.work/streams-N.histo)
#   STREAMS_JVM               routing's JVM options (default -XX:+UseSerialGC -Xms64m -Xmx512m), e.g. with
#                             a small young generation (-Xmn32m), which leaves long-lived streams more old space
#                             Past about 20,000 streams the suite's simulator needs more than its 512 MB
#                             heap to play them all: `JAVA_OPTS=-Xmx2g ./services restart provider-simulator`
#   ROUTING_JAVA              the java binary routing runs on (default: java on the PATH), e.g. a JDK 25's,
#                             whose -XX:+UseCompactObjectHeaders makes every object header 4 bytes smaller
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
SIZES=("$@")
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(1000 5000 10000)
PORT=8086
MODEL=openai/gpt-4o-mini
H2_CONNECTIONS="${STREAMS_H2_CONNECTIONS:-0}"
RAMP_MS="${STREAMS_RAMP_MS:-3000}"
TPS="${STREAMS_TPS:-2}"
TOKENS="${STREAMS_TOKENS:-40}"
# every stream holds a client socket in routing (upstream calls share HTTP/2 connections)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
FDS="$(ulimit -n)"

cleanup() {
  stop_pid "${REPLICA_PID:-}"
  [[ -n "${SIM:-}" ]] && curl -s -X DELETE "$SIM/sim/providers/openai" >/dev/null || true
}
trap cleanup EXIT

ensure_suite
step "creating a benchmark account and key (no rate limit in the way)"
create_bench_key

RESULTS=()
for n in "${SIZES[@]}"; do
  step "routing on :$PORT with ${STREAMS_JVM:-the default JVM options} (open files limit $FDS)"
  per_connection=$(( H2_CONNECTIONS > 0 ? (n + H2_CONNECTIONS - 1) / H2_CONNECTIONS : 100 ))
  start_routing streams-routing-$PORT "$PORT" "${STREAMS_JVM:--XX:+UseSerialGC -Xms64m -Xmx512m}" \
    GATEWAY_UPSTREAM_HTTP2=true GATEWAY_UPSTREAM_BULKHEAD=60000 GATEWAY_UPSTREAM_BULKHEAD_QUEUE=60000 \
    QUARKUS_HTTP_LIMITS_MAX_CONCURRENT_STREAMS="$per_connection"
  # ten short streams to load the key and warm the path, at the simulator's own pace (at the slowed
  # pace they would take TOKENS/TPS seconds), then slow it down for the N streams
  curl -s -X DELETE "$SIM/sim/providers/openai" >/dev/null
  node "$ROOT/bench/streams.mjs" "http://127.0.0.1:$PORT" "$BENCH_KEY" "$MODEL" 10 "$REPLICA_PID" 100 >/dev/null
  curl -s -X PUT "$SIM/sim/providers/openai" -H 'Content-Type: application/json' \
    -d "{\"ttft_ms\":0,\"tokens_per_second\":$TPS,\"output_tokens\":$TOKENS}" >/dev/null
  step "$n concurrent streams"
  histo=""; [[ -z "${STREAMS_HISTOGRAMS:-}" ]] || histo="$WORK/streams-$n.histo"
  out="$(node "$ROOT/bench/streams.mjs" "http://127.0.0.1:$PORT" "$BENCH_KEY" "$MODEL" "$n" "$REPLICA_PID" \
    "$RAMP_MS" "$H2_CONNECTIONS" $histo)"
  echo "$out" >"$WORK/streams-$n.json"
  echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); d.pop("samples"); print("   ", d)'
  RESULTS+=("$out")
  stop_pid "$REPLICA_PID"; REPLICA_PID=
done

{
  echo "### Streams run of $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Command: \`flock /tmp/bench.lock bench/streams.sh ${SIZES[*]}\` on $(nproc) cores; routing with"
  echo "\`${STREAMS_JVM:--XX:+UseSerialGC -Xms64m -Xmx512m}\` on \`${ROUTING_JAVA:-java}\` and \`GATEWAY_UPSTREAM_HTTP2=true\`, open files limit $FDS; simulator \`openai\` at ttft 0, $TPS tokens/s, $TOKENS tokens; ramp $RAMP_MS ms; client HTTP/2 connections $H2_CONNECTIONS (0: HTTP/1.1)."
  echo
  echo "| streams | answered 200 | ended with [DONE] | errors | peak in flight | live heap after full GC (MB) | max heap used (MB) | max RSS (MB) | idle heap / RSS (MB) |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  for out in "${RESULTS[@]}"; do
    python3 -c 'import json,sys; d=json.loads(sys.argv[1]); e=", ".join("%s: %s" % kv for kv in d["errors"].items()) or "0"
print("| %s | %s | %s | %s | %s | %s (with %s open) | %s | %s | %s / %s |" % (d["n"], d["answered_200"], d["done"], e, d["peak_open"],
      d["heap_live_after_gc_mb"], d["open_at_gc"], d["heap_max_mb"], d["rss_max_mb"], d["heap_before_mb"], d["rss_before_mb"]))' "$out"
  done
} >"$WORK/streams-results.md"
cat "$WORK/streams-results.md"
