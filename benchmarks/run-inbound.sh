#!/usr/bin/env bash
# Inbound overhead benchmark: stock James 3.8.1 (A) versus James with our inbound handlers and mailets (B),
# in one JVM. Tune with -D options passed through JAVA_OPTS, e.g.
#   JAVA_OPTS="-Dbench.rounds=7 -Dbench.reused.messages=2000" benchmarks/run-inbound.sh
# Options: bench.rounds, bench.newConnection.messages, bench.reused.messages, bench.warmup.messages,
#   bench.b.coreHandlersPackage (""= stock core handlers), bench.b.hooks, bench.b.mailets (comma-separated classes),
#   bench.extraHeaderBytes, bench.bodyBytes, bench.multipart (true: multipart/alternative mail).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests
exec java -Xmx768m ${JAVA_OPTS:-} -Dlogback.configurationFile="$PWD/benchmarks/logback-bench.xml" \
  -Djames.exit.on.startup.error=false \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.tlsprovenance.benchmarks.inbound.InboundOverheadBenchmark "$@"
