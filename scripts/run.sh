#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Starts the bridge with conf/config.json and the JVM options of
# conf/jvm.options and then JAVA_OPTS, building it first when a source
# changed. Arguments are passed on: scripts/run.sh -conf my.json
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/jar-freshness.sh
. scripts/jar-freshness.sh

jar=verticles/target/mypoll-bridge.jar
if jars_stale "$jar"; then
	# Bridges started together must not build in the same tree at once:
	# one builds, the others wait and then find the jar fresh.
	mkdir -p verticles/target
	exec 9>verticles/target/.build.lock
	flock 9
	if jars_stale "$jar"; then
		MYPOLL_BROWSER=0 scripts/prerequisites.sh
		echo "building $jar ..."
		mvn -B -q -ntp -Dstyle.color=never package -DskipTests
	fi
	# The bridge must not hold the lock.
	exec 9>&-
fi

conf=(-conf conf/config.json)
for arg in "$@"; do
	if [ "$arg" = "-conf" ] || [ "$arg" = "--conf" ]; then
		conf=()
	fi
done
# conf/jvm.options: the heap and collector; JAVA_OPTS comes after them, so
# its -Xmx, say, wins.
exec java $(grep -v '^#' conf/jvm.options) ${JAVA_OPTS:-} -jar "$jar" "${conf[@]}" "$@"
