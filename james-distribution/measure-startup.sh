#!/usr/bin/env bash
# Measures the packaged distribution: seconds from launching bin/james-server to the first "220" SMTP greeting,
# the CPU time (user+sys) the JVM had used by then, and the resident memory (VmRSS of /proc/PID/status) right then and 10 s later. Runs ROUNDS fresh starts
# (each on a fresh copy: first-start certificate generation included in round 1 only if FRESH_EACH=1).
# Usage: james-distribution/measure-startup.sh [ROUNDS]   (after mvn -B package -DskipTests)
set -euo pipefail
ROUNDS="${1:-3}"
BUILT="$(cd "$(dirname "$0")" && pwd)/target/james-tls-provenance"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$BUILT" "$WORK/dist"
rm -rf "$WORK/dist/var/store" "$WORK/dist/var/mail" "$WORK/dist/conf/keystore.p12"
SMTP=$((20000 + RANDOM % 20000))
export JAVA_OPTS="-Djames.bind.address=127.0.0.1 -Djames.smtp.port=$SMTP -Djames.smtps.port=$((SMTP+1)) \
 -Djames.submission.port=$((SMTP+2)) -Djames.imap.port=$((SMTP+3)) -Djames.imaps.port=$((SMTP+4)) -Djames.webadmin.port=$((SMTP+5))"
greets() { { exec 3<>/dev/tcp/127.0.0.1/"$SMTP"; } 2>/dev/null || return 1; local line; read -r -t 2 line <&3 || true; exec 3>&-; [[ "$line" == 220* ]]; }
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' /proc/"$1"/stat; }
rss() { awk '/VmRSS/ {print int($2/1024) " MiB"}' /proc/"$1"/status; }
echo "round,seconds_to_smtp_220,cpu_seconds_at_accept,rss_at_accept,rss_10s_later,heap_limit,load_average"
for round in $(seq 1 "$ROUNDS"); do
  start=$(date +%s.%N)
  "$WORK/dist/bin/james-server" > "$WORK/console-$round.log" 2>&1 &
  pid=$!
  until greets; do
    kill -0 "$pid" 2>/dev/null || { echo "server died, see $WORK/console-$round.log"; cat "$WORK/console-$round.log"; exit 1; }
    sleep 0.05
  done
  end=$(date +%s.%N)
  at_accept=$(rss "$pid"); cpu_at_accept=$(cpu "$pid")
  sleep 10
  later=$(rss "$pid")
  echo "$round,$(echo "$end - $start" | bc -l | xargs printf '%.2f'),$cpu_at_accept,$at_accept,$later,${JAMES_HEAP:-512m},$(cut -d' ' -f1 /proc/loadavg)"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
