#!/usr/bin/env bash
# Outbound throughput at the DANE default (B: no row, DANE-EE via the in-JVM DNSSEC server, lookups cached) versus
# before DANE (A: outbound=may with a route), both TlsPolicyRemoteDelivery in one JVM. Tune with JAVA_OPTS, e.g.
#   JAVA_OPTS="-Dbench.rounds=11 -Dbench.messages=800" benchmarks/run-dane.sh
# Options: bench.rounds (9), bench.messages (500), bench.warmup.messages (500), bench.threads (4).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests
exec java -Xmx768m ${JAVA_OPTS:-} -Dlogback.configurationFile="$PWD/benchmarks/logback-bench.xml" \
  -Djames.exit.on.startup.error=false \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.tlsprovenance.benchmarks.outbound.DaneThroughputBenchmark "$@"
