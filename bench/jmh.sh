#!/bin/sh
# Runs the JMH benchmarks under src/test/java/dev/perennial/bench. Usage: bench/jmh.sh [REGEX] [JMH OPTIONS]
# e.g. bench/jmh.sh ScheduleBenchmark     (JMH's own options: bench/jmh.sh -h)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bin/find-jdk.sh"
cd "$root"
./mvnw -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test >/dev/null
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" org.openjdk.jmh.Main "$@"
