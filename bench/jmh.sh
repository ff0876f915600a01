#!/usr/bin/env bash
# JMH microbenchmarks of the per-request path (benchmarks/): key parse and verify, unsealing, the key-record cache
# hit, the body check and model splice. Every benchmark runs with the settings in JMH_OPTS (by default average time, in
# the unit each class names, 3 warm-up and 5 measured iterations of 2 s, one fork); arguments go to JMH after them
# (a benchmark name pattern, -prof gc). JMH refuses an option given twice, so change a setting in JMH_OPTS:
#   JMH_OPTS="-bm avgt -wi 3 -w 2s -i 5 -r 2s -f 2" bench/jmh.sh KeyCheckBenchmark -prof gc
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -DskipTests install -pl benchmarks -am
./mvnw -q -B -ntp -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/jmh.classpath
# shellcheck disable=SC2086
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/jmh.classpath)" org.openjdk.jmh.Main \
  ${JMH_OPTS:--bm avgt -wi 3 -w 2s -i 5 -r 2s -f 1} "$@"
