#!/usr/bin/env bash
# Billing pipeline benchmarks: how fast metering ingests usage events (sustained rate at 20,000
# events/s with XADD -> time-series lag, and a backlog drain) and how fast auth settles debits.
# Both run against the machine's real Redis and PostgreSQL with private prefixes/databases; their
# numbers and the exact conditions are in docs/benchmarks.md ("Metering ingest", "auth-service
# settlement"). Run it alone on the machine: flock -o -x /tmp/bench.lock bench/billing.sh
#
#   bench/billing.sh [metering|auth|all]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
what="${1:-all}"
step() { printf '==> %s\n' "$*"; }
if [[ "$what" == metering || "$what" == all ]]; then
  step "metering ingest (IngestBenchmark: 15 s at 20,000 events/s, then a 100,000-event drain)"
  ./mvnw -B -q -pl metering-service verify -Dtest=IngestBenchmark -Dmetering.bench=true \
    -Dsurefire.failIfNoSpecifiedTests=false
fi
if [[ "$what" == auth || "$what" == all ]]; then
  step "auth settlement (SettlementBench: 20,000 usage events for 50 accounts)"
  ./mvnw -B -q -pl auth-service verify -Dtest=SettlementBench -Dsurefire.failIfNoSpecifiedTests=false
fi
step "done; copy the printed figures into docs/benchmarks.md with the date"
