#!/usr/bin/env bash
# TLS posture over a generated 1,000,000-line ledger: first full read, request after 1,000 appended lines, start from
# the checkpoint, heap. Arguments: [lines (1000000)] [rounds (3)] [requests per round (5)]; e.g.
#   benchmarks/run-posture.sh 1000000 5
# The ledgers are generated once under benchmarks/target/posture-bench/ (~1.2 GiB for 1,000,000 lines).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -Pbenchmarks -pl benchmarks -am package -DskipTests
exec java -Xmx${POSTURE_HEAP:-1g} ${JAVA_OPTS:-} -Dlogback.configurationFile="$PWD/benchmarks/logback-bench.xml" \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.tlsprovenance.benchmarks.posture.PostureBenchmark "$@"
