#!/usr/bin/env bash
# Benchmarks the bridge beside the C reference measured in the same run, and
# prints tables:
#   - local: the emulated device in both notify modes, consumer in the same JVM;
#   - cluster: two nodes on loopback, device node -> consumer on the other node.
#   scripts/bench.sh [--local | --cluster] [RATE_HZ SECONDS BURST BURSTS]
#   (defaults: both parts; 2000 20 65536 20)
set -euo pipefail
cd "$(dirname "$0")/.."

parts=(local cluster)
case "${1:-}" in
--local) parts=(local); shift ;;
--cluster) parts=(cluster); shift ;;
-h | --help)
	sed -n '2,7s/^# \{0,1\}//p' "$0"
	exit 0
	;;
-*)
	echo "bench.sh: unknown option $1 (expected --local or --cluster)" >&2
	exit 2
	;;
esac
for arg in "$@"; do
	if ! [[ "$arg" =~ ^[0-9]+$ ]]; then
		echo "bench.sh: '$arg' is not a whole number (arguments: RATE_HZ SECONDS BURST BURSTS)" >&2
		exit 2
	fi
done

MYPOLL_BROWSER=0 scripts/prerequisites.sh
make -s -C driver/tools
mvn -B -q -ntp -Dstyle.color=never package -DskipTests
# The benchmarks are in the testkit jar, with the driver and bridge classes.
jar=testkit/target/mypoll-testkit.jar
# What the jar's manifest grants under java -jar: the JDK internals Hazelcast uses.
hazelcast_access=(--add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED
	--add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED
	--add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)
for part in "${parts[@]}"; do
	echo "== $part =="
	if [ "$part" = local ]; then
		java ${JAVA_OPTS:-} -cp "$jar" io.mypoll.testkit.bench.BridgeBenchmark driver/tools/sigio_eventfd_epoll "$@"
	else
		java ${JAVA_OPTS:-} "${hazelcast_access[@]}" -cp "$jar" io.mypoll.testkit.bench.ClusterBenchmark \
			driver/tools/sigio_eventfd_epoll "$@"
	fi
	echo
done
