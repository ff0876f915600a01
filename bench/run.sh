#!/usr/bin/env bash
# Runs RelayBenchmark: Keyway and the same fake upstream called directly, in one JVM, with Keyway's production
# logging. Writes the table to bench/last-run.md. Options: -Dbench.warmup.seconds=30 -Dbench.window.seconds=10
# -Dbench.concurrency=8 (pass them as arguments to this script).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -DskipTests install
./mvnw -q -B -ntp -pl bootstrap dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cp="bootstrap/target/test-classes:bootstrap/target/classes:$(cat bootstrap/target/bench.classpath)"
java "$@" -Dlogback.configurationFile=bootstrap/src/main/resources/logback.xml -Dbench.out=bench/last-run.md \
  -cp "$cp" io.keyway.bootstrap.bench.RelayBenchmark > bootstrap/target/bench.log 2>&1 || { tail -50 bootstrap/target/bench.log; exit 1; }
cat bench/last-run.md
