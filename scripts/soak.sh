#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The bridge under steady load for MINUTES (default 30): a device node with an
# emulator at 1,000 events/s, 10 reading SockJS clients, a paused client and
# a trigger every 10 ms, and a second cluster node relaying the events to a
# client of its own; around them, clients arriving and leaving every second
# over every transport (WebSocket closed or dropped, SockJS xhr-streaming and
# xhr-polling, plain HTTP) and a hostile client (bad frames, oversized frames,
# compression bombs). Prints a row a minute (memory, heap after GC, events
# delivered, lost, dropped, open connections, arrivals, how the hostile
# sockets were closed), then, every client gone, whether the connections came
# back to 0; exit status 1 if they did not, if an accepted trigger was lost or
# if the bridge closed a long-lived client. Not part of the tests: it takes
# long.
#   scripts/soak.sh [MINUTES]
#   NODE_JAVA_OPTS: the nodes' JVM options (default -Xmx512m)
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-30}
if ! [[ "$minutes" =~ ^[0-9]+$ ]] || [ "$minutes" -lt 1 ]; then
	echo "soak.sh: MINUTES must be a whole number of at least 1, not '$minutes'" >&2
	exit 2
fi
MYPOLL_BROWSER=0 scripts/prerequisites.sh
mvn -B -q -ntp -Dstyle.color=never package -DskipTests
# shellcheck disable=SC2086
exec java -cp testkit/target/mypoll-testkit.jar io.mypoll.testkit.soak.Soak "$minutes" ${NODE_JAVA_OPTS:--Xmx512m}
