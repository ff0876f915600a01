#!/usr/bin/env bash
# Paired many-live-streams runs: the given jars alternately through bench/streams-probe.sh (Keyway only, 1,000 streams),
# two rounds, so that jars are compared within a round (this machine's speed moves between rounds).
# Usage: WARM=45 bench/streams-ab.sh before.jar after.jar   (build each jar with ./mvnw -DskipTests install at its commit)
cd "$(dirname "$0")/.."
for round in 1 2; do
  for jar in "$@"; do
    echo "== round $round $jar"
    WARM=${WARM:-60} DURATION=20 LOADS="${LOADS:-1000:100}" TARGETS=keyway KEYWAY_JAR="$jar" bash bench/streams-probe.sh 2>&1 | grep "^| [12]000"
  done
done
