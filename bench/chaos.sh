#!/usr/bin/env bash
# Replicas under chaos, for longer than the test command's one round: two routing, two auth and two
# metering replicas on a private Redis and the machine's PostgreSQL, steady traffic over both routing
# replicas, and --rounds rounds in which one replica of each service in turn is killed -9 and started
# again (rounds alternate which replica dies). It is system-tests' ReplicaChaosTest with
# -Dchaos.rounds, so every guarantee is asserted the same way: each request answered or refused
# cleanly, generations == 200s, debits == generations, nothing dead-lettered, a per-minute limit held
# across the routing replicas. Appends the requests, failures and each recovery time to
# docs/benchmarks.md.
#
#   flock -o -x /tmp/bench.lock bench/chaos.sh [--rounds 5]
set -euo pipefail
# shellcheck disable=SC1091
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
ROUNDS=5
declare -A OPTIONS=([--rounds]=ROUNDS) FLAGS=()
USAGE="bench/chaos.sh [--rounds N]"
parse_options "$@"
LOG="$WORK/chaos.log"
step "building the suite and running ReplicaChaosTest with $ROUNDS rounds (a few minutes; log: $LOG)"
started=$(date +%s)
status=passed
# -am builds the services the test starts in the same reactor (their SNAPSHOTs are never installed);
# the test filter leaves their own tests out
(cd "$ROOT" && ./mvnw -B -pl system-tests -am verify -DskipITs -Dtest=ReplicaChaosTest \
  -Dsurefire.failIfNoSpecifiedTests=false -Dchaos.rounds="$ROUNDS") >"$LOG" 2>&1 || status=failed
elapsed=$(( $(date +%s) - started ))
report="$(sed -n 's/^.*\[ReplicaChaosTest\] //p' "$LOG")"
{
  echo
  echo "### Replicas under chaos, $(date -u '+%Y-%m-%d %H:%MZ'): $ROUNDS rounds, $status in ${elapsed}s"
  echo
  echo "Command: \`flock -o -x /tmp/bench.lock bench/chaos.sh --rounds $ROUNDS\` (ReplicaChaosTest with \`-Dchaos.rounds=$ROUNDS\`)."
  echo
  echo '```'
  echo "$report"
  echo '```'
} | tee -a "$ROOT/docs/benchmarks.md"
[[ $status == passed ]] || { echo "the chaos run failed: see $LOG" >&2; exit 1; }
