#!/usr/bin/env bash
# Benchmarks the bridge on the emulated device, in both notify modes, beside
# the C reference measured in the same run. Prints a table.
#   scripts/bench.sh [RATE_HZ SECONDS BURST BURSTS]   (defaults: 2000 20 65536 20)
set -euo pipefail
cd "$(dirname "$0")/.."

MYPOLL_BROWSER=0 scripts/prerequisites.sh
make -s -C driver/tools
mvn -B -q -ntp -Dstyle.color=never package -DskipTests
exec java ${JAVA_OPTS:-} -cp verticles/target/mypoll-bridge.jar io.mypoll.bridge.bench.BridgeBenchmark \
	driver/tools/sigio_eventfd_epoll "$@"
