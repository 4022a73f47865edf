#!/usr/bin/env bash
# CPU per usage event of billing: auth and metering paused (SIGSTOP), N copies of a real usage event (fresh
# generation ids) XADDed to the usage stream, then both resumed; reports the CPU time auth, metering,
# PostgreSQL and Redis spent until both groups caught up, per 1,000 events. CPU time, not wall time, so a
# shared machine inflates it less than it does throughput (it still does: compare runs back to back).
#
#   bench/billing-cpu.sh [--events 40000] [--state DIR]   (a running suite: ./services up)
#
# Honours GATEWAY_REDIS_PREFIX and GATEWAY_USAGE_PARTITIONS as the services got them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EVENTS=40000
STATE="$ROOT/.services"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --events) EVENTS="$2"; shift 2 ;;
    --state) STATE="$2"; shift 2 ;;
    *) echo "usage: bench/billing-cpu.sh [--events N] [--state DIR]" >&2; exit 2 ;;
  esac
done
# shellcheck disable=SC1091
source "$STATE/env"
PREFIX="${GATEWAY_REDIS_PREFIX:-}"
PARTS="${GATEWAY_USAGE_PARTITIONS:-1}"
rc() { redis-cli -u "${REDIS_URL:-redis://127.0.0.1:6379}" "$@"; }
pid() { cat "$STATE/pids/$1.pid"; }
cpu() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_cpu() { local s=0 p; for p in $(pgrep -x postgres); do s=$((s + $(cpu "$p"))); done; echo "$s"; }
streams=("${PREFIX}gw:usage")
if (( PARTS > 1 )); then streams=(); for ((p = 0; p < PARTS; p++)); do streams+=("${PREFIX}gw:usage:{p$p}"); done; fi
behind() {
  local total=0 s newest
  for s in "${streams[@]}"; do
    newest="$(rc XINFO STREAM "$s" 2>/dev/null | awk '/^last-generated-id$/{getline; print}')"
    [[ -n "$newest" ]] || continue
    total=$(( total + $(rc XINFO GROUPS "$s" | awk -v n="$newest" '/^pending$/{getline; s+=$1} /^last-delivered-id$/{getline; if ($1 != n) s++} END{print s+0}') ))
  done
  echo "$total"
}
AUTH="$(pid auth-service)"; METERING="$(pid metering-service)"; REDIS="$(pgrep -x redis-server | head -1)"
trap 'kill -CONT $AUTH $METERING 2>/dev/null' EXIT
# one real, charged event: a request of the demo key through the gateway, its entry read back from the stream
# (not simply the newest entry: that may be another client's, or a cancelled request that costs nothing)
kill -STOP "$AUTH" "$METERING"
gen="$(curl -s -X POST "$BASE_URL/chat/completions" -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
  -d '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Write one short sentence about the sea."}]}' \
  | sed -n 's/^{"id":"\(gen-[^"]*\)".*/\1/p')"
[[ -n "$gen" ]] || { echo "error: the demo key's request failed" >&2; exit 1; }
sample=""
for _ in $(seq 1 50); do
  for s in "${streams[@]}"; do
    [[ -n "$sample" ]] || sample="$(rc --raw XREVRANGE "$s" + - COUNT 1000 | grep -m1 -F "\"generation_id\":\"$gen\"" || true)"
  done
  [[ -n "$sample" ]] && break
  sleep 0.1
done
[[ -n "$sample" ]] || { echo "error: the usage event of $gen is not in ${streams[*]}" >&2; exit 1; }
SAMPLE="$sample" python3 - "$EVENTS" "$PARTS" "$PREFIX" <<'PY' | rc --pipe >/dev/null
import json, os, random, string, sys
n, parts, prefix = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ev = json.loads(os.environ["SAMPLE"])
h = 0
for c in ev["account_id"]:
    h = (31 * h + ord(c)) & 0xffffffff
h = h - (1 << 32) if h >= (1 << 31) else h
stream = prefix + "gw:usage" if parts <= 1 else prefix + "gw:usage:{p%d}" % (h % parts)  # RedisKeys.usagePartition
def resp(*args):
    out = ["*%d\r\n" % len(args)]
    for a in args:
        out.append("$%d\r\n%s\r\n" % (len(a.encode()), a))
    return "".join(out)
for _ in range(n):
    ev["generation_id"] = "gen-bench-" + "".join(random.choices(string.ascii_letters, k=20))
    sys.stdout.write(resp("XADD", stream, "MAXLEN", "~", "1000000", "*", "data", json.dumps(ev, separators=(",", ":")),
                          "traceparent", ev.get("traceparent") or ""))
PY
before="$(cpu "$AUTH") $(cpu "$METERING") $(pg_cpu) $(cpu "$REDIS")"; t0="$(date +%s.%N)"
kill -CONT "$AUTH" "$METERING"
sleep 0.3
while [[ "$(behind)" != 0 ]]; do sleep 0.1; done
t1="$(date +%s.%N)"; after="$(cpu "$AUTH") $(cpu "$METERING") $(pg_cpu) $(cpu "$REDIS")"
awk -v e="$EVENTS" -v t0="$t0" -v t1="$t1" -v b="$before" -v a="$after" -v hz="$(getconf CLK_TCK)" 'BEGIN{
  split(b, B, " "); split(a, A, " "); f = 1000 * 1000 / hz / e
  printf "%d events settled and metered in %.1f s; CPU ms per 1000 events: auth %.0f metering %.0f postgres %.0f redis %.0f total %.0f\n",
    e, t1 - t0, (A[1]-B[1])*f, (A[2]-B[2])*f, (A[3]-B[3])*f, (A[4]-B[4])*f, ((A[1]+A[2]+A[3]+A[4])-(B[1]+B[2]+B[3]+B[4]))*f }'
