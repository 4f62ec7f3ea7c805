#!/usr/bin/env bash
# The packaged server side by side with a private Debian Postfix (issue 14 item 1): same client, same STARTTLS sink,
# alternating paired rounds. Scenarios (default: all): relay-reuse relay-noreuse inbound-1 inbound-50 mailbox-1 mailbox-200
#   benchmarks/run-vs-postfix.sh relay-reuse inbound-50
#   JAVA_OPTS="-Dbench.rounds=2 -Dbench.messages=200" benchmarks/run-vs-postfix.sh inbound-1      # a smoke run
# Options (JAVA_OPTS): bench.rounds (5), bench.messages (2000; 10000 into mailboxes), bench.connections (8; 4 into
# mailboxes), bench.warmup.messages (500: a chunk, repeated per server until the rate is flat and JIT compiling is at most
#   bench.warmup.maxJitShare (0.05) of our CPU; into mailboxes one chunk
#   into a mailbox of its own), bench.warmup.maxChunks (100), bench.poll.ms (500), bench.heap (512m, ours),
# bench.ours.withoutExtension (false: inbound scenarios with stock James's handlers and mailets, to size the extension's share).
# Output: stdout and benchmarks/results/vs-postfix-<UTC start>-<scenario>.txt. Needs root (the Postfix master runs as root).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/sbin/postfix ]; then
  apt-get update -q
  echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
  echo "postfix postfix/mailname string bench.test" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postfix
  # the package starts a system instance; the benchmark runs its own private ones
  postfix stop >/dev/null 2>&1 || true
fi
mvn -B -q ${MAVEN_OPTIONS:-} -Pbenchmarks -pl benchmarks,james-distribution -am package -DskipTests
exec java -Xmx512m ${JAVA_OPTS:-} -Dlogback.configurationFile="$PWD/benchmarks/logback-bench.xml" \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.tlsprovenance.benchmarks.vspostfix.VsPostfixBenchmark "$@"
