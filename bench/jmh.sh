#!/usr/bin/env bash
# JMH microbenchmarks of the per-request path (benchmarks/): key parse and verify, unsealing, the key-record cache
# hit, the body check and model splice. Arguments go to JMH (e.g. -f 2 -wi 5, or a benchmark name pattern).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -DskipTests install -pl benchmarks -am
./mvnw -q -B -ntp -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/jmh.classpath
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/jmh.classpath)" org.openjdk.jmh.Main "$@"
