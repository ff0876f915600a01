#!/usr/bin/env bash
# JMH microbenchmarks of the per-request path (benchmarks/): key parse and verify, unsealing, the key-record cache
# hit, the body check and model splice. Every benchmark runs with the settings below (average time, in the unit each class names,
# 3 warm-up and 5 measured iterations of 2 s, one fork); arguments go to JMH after them and override them
# (e.g. -f 2 -wi 5, or a benchmark name pattern).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -DskipTests install -pl benchmarks -am
./mvnw -q -B -ntp -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/jmh.classpath
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/jmh.classpath)" org.openjdk.jmh.Main \
  -bm avgt -wi 3 -w 2s -i 5 -r 2s -f 1 "$@"
