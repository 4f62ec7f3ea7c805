#!/usr/bin/env bash
# SMTP acceptance versus into-the-mailbox rate of the packaged distribution (issue 11, item 8): one user, then 200
# users, 10,000 messages each, same run, on the distribution's default store (embedded Derby). Tune with JAVA_OPTS:
#   JAVA_OPTS="-Dbench.users=1,200 -Dbench.messages=10000 -Dbench.warmup.messages=2000 -Dbench.connections=4 -Dbench.jfr=true" benchmarks/run-into-mailbox.sh
# PostgreSQL: -Dbench.postgresql.url=jdbc:postgresql://127.0.0.1:5432/DB (an empty database per run; see BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbenchmarks -pl benchmarks,james-distribution -am package -DskipTests
exec java -Xmx256m ${JAVA_OPTS:-} \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.tlsprovenance.benchmarks.mailbox.IntoMailboxBenchmark "$@"
