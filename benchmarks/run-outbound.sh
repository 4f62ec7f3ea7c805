#!/usr/bin/env bash
# Outbound delivery throughput: stock RemoteDelivery (A) versus TlsPolicyRemoteDelivery (B) to one local TLS peer,
# both James 3.8.1 in one JVM. Tune with JAVA_OPTS, e.g.
#   JAVA_OPTS="-Dbench.rounds=7 -Dbench.messages=500" benchmarks/run-outbound.sh
# Options: bench.rounds (5), bench.messages (300), bench.warmup.messages (200), bench.threads (4).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests
exec java -Xmx768m ${JAVA_OPTS:-} -Dlogback.configurationFile="$PWD/benchmarks/logback-bench.xml" \
  -Djames.exit.on.startup.error=false \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.tlsprovenance.benchmarks.outbound.OutboundThroughputBenchmark "$@"
