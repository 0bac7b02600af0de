#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmarks the bridge beside the C reference measured in the same run, and
# prints tables:
#   - local: the emulated device in both notify modes, a per-event and a
#     batched consumer in the same JVM; then fairness: one device flooding,
#     another at 1,000 events/s, a third back during the flood, in each mode;
#   - cluster: two nodes on loopback, device node -> consumer on the other node;
#   - web: the bridge's WebSocket (SockJS event-bus bridge) beside websocketd
#     streaming the C reader, to one client and to 10 and 100 clients;
#   - clients: from the device to one client of each path, in one bridge: the
#     WebSocket, the TCP bridge, an MQTT subscriber through a mosquitto of its
#     own (about a minute and a half).
#   scripts/bench.sh [--local | --cluster] [RATE_HZ SECONDS BURST BURSTS]
#   (defaults: local, cluster and clients; 2000 20 65536 20; clients takes
#   its own defaults)
#   scripts/bench.sh --web | --clients [SECONDS BURST BURSTS]
#   (defaults: 10 16384 10; SECONDS is each paced run's measured window)
#   --web reads MYPOLL_BENCH_BATCH_ADDRESS (the bridge's address for batched
#   events; default mypoll.events.batched, empty leaves the batched rows out);
#   --web and --clients BRIDGE_JAVA_OPTS (the bridge JVM's options; default
#   conf/jvm.options).
#   scripts/bench.sh --guest
#   the real module in a Debian 6.1 guest under QEMU: the C reader beside the
#   bridge's loop and consumer, in both notify modes, and an input device's
#   frames (scripts/qemu-e2e.sh --bench-only).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = --guest ]; then
	[ $# = 1 ] || { echo "bench.sh: --guest takes no arguments" >&2; exit 2; }
	exec scripts/qemu-e2e.sh --bench-only
fi

parts=(local cluster clients)
case "${1:-}" in
--local) parts=(local); shift ;;
--cluster) parts=(cluster); shift ;;
--web) parts=(web); shift ;;
--clients) parts=(clients); shift ;;
-h | --help)
	sed -n '3,25s/^# \{0,1\}//p' "$0"
	exit 0
	;;
-*)
	echo "bench.sh: unknown option $1 (expected --local, --cluster, --web, --clients or --guest)" >&2
	exit 2
	;;
esac
if [ "${parts[*]}" = web ] || [ "${parts[*]}" = clients ]; then
	expected="SECONDS BURST BURSTS"
	max_args=3
else
	expected="RATE_HZ SECONDS BURST BURSTS"
	max_args=4
fi
if [ $# -gt $max_args ]; then
	echo "bench.sh: too many arguments (arguments: $expected)" >&2
	exit 2
fi
for arg in "$@"; do
	if ! [[ "$arg" =~ ^[0-9]+$ ]] || [ "$arg" -eq 0 ]; then
		echo "bench.sh: '$arg' is not a whole number above 0 (arguments: $expected)" >&2
		exit 2
	fi
done

if [ "${parts[*]}" = web ]; then
	# websocketd, the peer reference, is only needed here.
	MYPOLL_BROWSER=0 MYPOLL_WEBSOCKETD=1 scripts/prerequisites.sh
else
	MYPOLL_BROWSER=0 scripts/prerequisites.sh
fi
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
		for mode in sigio poll; do
			echo
			java ${JAVA_OPTS:-} -cp "$jar" io.mypoll.testkit.bench.FairnessBenchmark "$mode"
		done
	elif [ "$part" = clients ]; then
		# The positional arguments are --clients' own; in the default set it takes its defaults. Its MQTT
		# broker is Debian's mosquitto, which scripts/prerequisites.sh installs.
		client_args=()
		if [ "${parts[*]}" = clients ]; then
			[ $# -ge 1 ] && client_args+=(--seconds "$1")
			[ $# -ge 2 ] && client_args+=(--burst "$2")
			[ $# -ge 3 ] && client_args+=(--bursts "$3")
		fi
		java ${JAVA_OPTS:-} -cp "$jar" io.mypoll.testkit.bench.ClientPathBenchmark "${client_args[@]}" \
			--mosquitto "$(command -v mosquitto || echo /usr/sbin/mosquitto)" \
			--bridge-java-opts "${BRIDGE_JAVA_OPTS-$(grep -v '^#' conf/jvm.options)}"
	elif [ "$part" = cluster ]; then
		java ${JAVA_OPTS:-} "${hazelcast_access[@]}" -cp "$jar" io.mypoll.testkit.bench.ClusterBenchmark \
			driver/tools/sigio_eventfd_epoll "$@"
	else
		# The client: Node's ws, pinned by testkit/ws-client/package-lock.json.
		(cd testkit/ws-client && npm ci --silent --no-audit --no-fund)
		web_args=(--c-tool driver/tools/sigio_eventfd_epoll --client testkit/ws-client)
		[ $# -ge 1 ] && web_args+=(--seconds "$1")
		[ $# -ge 2 ] && web_args+=(--burst "$2")
		[ $# -ge 3 ] && web_args+=(--bursts "$3")
		# The bridge runs as scripts/run.sh runs it, with conf/jvm.options, unless BRIDGE_JAVA_OPTS is set.
		web_args+=(--batch-address "${MYPOLL_BENCH_BATCH_ADDRESS-mypoll.events.batched}"
			--bridge-java-opts "${BRIDGE_JAVA_OPTS-$(grep -v '^#' conf/jvm.options)}")
		java ${JAVA_OPTS:-} -cp "$jar" io.mypoll.testkit.bench.WebBenchmark "${web_args[@]}"
	fi
	echo
done
