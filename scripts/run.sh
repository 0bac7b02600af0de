#!/usr/bin/env bash
# Starts the bridge with conf/config.json, building it first when needed.
# Arguments are passed on: scripts/run.sh -conf my.json
set -euo pipefail
cd "$(dirname "$0")/.."

jar=verticles/target/mypoll-bridge.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml driver verticles/pom.xml verticles/src conf webroot \
		-newer "$jar" -type f -print -quit)" ]; then
	MYPOLL_BROWSER=0 scripts/prerequisites.sh
	echo "building $jar ..."
	mvn -B -q -ntp -Dstyle.color=never package -DskipTests
fi

conf=(-conf conf/config.json)
for arg in "$@"; do
	if [ "$arg" = "-conf" ] || [ "$arg" = "--conf" ]; then
		conf=()
	fi
done
exec java ${JAVA_OPTS:-} -jar "$jar" "${conf[@]}" "$@"
