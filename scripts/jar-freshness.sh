# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Whether the jars that `mvn package` builds at the repository root are
# older than their sources; sourced by scripts/run.sh and
# scripts/qemu-e2e.sh, run from the root.

# jars_stale JAR...: true when a jar is missing or a source is newer than
# it. Sources are the pom.xml files, the modules' src/main trees, conf and
# the dashboard's own files: build outputs (the C tools, target/, kernel
# build files) and what npm fetched do not count.
jars_stale() {
	local jar newer

	for jar in "$@"; do
		[ -f "$jar" ] || return 0
		newer=$(find pom.xml ./*/pom.xml ./*/src/main conf webroot \
			-newer "$jar" -type f -not -path '*/node_modules/*' \
			-not -path 'webroot/lib/*' -not -path 'webroot/target/*' \
			-print -quit 2>/dev/null)
		[ -z "$newer" ] || return 0
	done
	return 1
}
