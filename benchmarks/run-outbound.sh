#!/usr/bin/env bash
# Outbound delivery throughput, both James 3.8.1 in one JVM:
#   benchmarks/run-outbound.sh        stock RemoteDelivery (A) versus TlsPolicyRemoteDelivery (B) to one local TLS peer
#   benchmarks/run-outbound.sh dane   before DANE (A: outbound=may with a route) versus the DANE default (B: no row,
#                                     DANE-EE via the in-JVM DNSSEC server, lookups cached), both TlsPolicyRemoteDelivery
# Tune with JAVA_OPTS, e.g.
#   JAVA_OPTS="-Dbench.rounds=7 -Dbench.messages=500" benchmarks/run-outbound.sh
# Options: bench.rounds (5; dane 9), bench.messages (300; dane 500), bench.warmup.messages (200; dane 500),
#   bench.threads (4).
set -euo pipefail
cd "$(dirname "$0")/.."
main=dev.tlsprovenance.benchmarks.outbound.OutboundThroughputBenchmark
if [ "${1:-}" = dane ]; then
  main=dev.tlsprovenance.benchmarks.outbound.DaneThroughputBenchmark
  shift
fi
mvn -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests
exec java -Xmx768m ${JAVA_OPTS:-} -Dlogback.configurationFile="$PWD/benchmarks/logback-bench.xml" \
  -Djames.exit.on.startup.error=false \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  "$main" "$@"
