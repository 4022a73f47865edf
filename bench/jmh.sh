#!/usr/bin/env bash
# JMH micro-benchmarks of routing-service's hot in-process path (bench/jmh/, a standalone Maven
# project, not part of the root reactor). Extra arguments go to JMH (default: short runs).
#
#   flock /tmp/bench.lock bench/jmh.sh [JMH options]
#
# Needs routing-service and contracts installed in ~/.m2 (./mvnw -B -DskipTests install -pl contracts,routing-service).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/mvnw" -f "$ROOT/bench/jmh/pom.xml" -q package
cd "$ROOT/bench/jmh"
args=("$@")
[[ ${#args[@]} -gt 0 ]] || args=(-wi 3 -i 5 -f 1 -w 1s -r 1s)
exec java -cp "target/classes:$(cat target/classpath.txt)" org.openjdk.jmh.Main "${args[@]}"
