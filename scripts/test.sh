#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The full test command: installs what is missing, builds the C tools, and
# runs every test (mvn verify), then the kernel module under QEMU, the
# Debian packages in a chroot, and the bridge against the module in a guest.
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
step() {
	echo "== test.sh: $* ($(($(date +%s) - start)) s in)"
}

# The guest steps' output, so that a failed run ends with its first FAIL
# line and the end of the guest's console (a red CI says why in its last
# screen).
guest_log=$(mktemp)
guests() {
	"$@" 2>&1 | tee -a "$guest_log"
}
why_failed() {
	local first guest

	first=$(grep -m 1 -E '(^|\] |: )FAIL' "$guest_log") || return 0
	guest=$(expr "$first" : '\(\[[^]]*\]\)') || true
	echo "== test.sh: failed. The first failure, then the end of its guest's console:"
	echo "$first"
	# The indented lines under a "console tail" line, of that guest.
	awk -v g="$guest" '
		/console tail/ { tail = g == "" || index($0, g) == 1; next }
		tail && /^(\[[^]]*\])?  / { print; next }
		{ tail = 0 }' "$guest_log" | tail -n 25
}
trap 'rc=$?; [ $rc = 0 ] || why_failed; rm -f "$guest_log"; exit $rc' EXIT

step "prerequisites"
scripts/prerequisites.sh
step "C tools"
make -C driver/tools
step "mvn verify"
mvn -B -ntp verify "$@"
# The kernel module in real kernels (6.1, 6.1 PREEMPT_RT, 6.12, testing; and
# Debian 12's arm64 6.1, cross-built) under QEMU.
step "kernel module under QEMU"
guests scripts/qemu-test.sh
# The Debian packages, installed in an overlay of the Debian 13 chroot that
# the 6.12 build above made (package-test.sh makes it when missing).
step "Debian package in a chroot"
scripts/package-test.sh
# The whole bridge against the real module in a 6.1 guest, seen from the host.
# Its benchmark measures and checks nothing: scripts/bench.sh --guest runs it.
step "bridge against the module in a guest"
guests scripts/qemu-e2e.sh --no-bench
step "all passed"
