#!/usr/bin/env bash
# The full test command: installs what is missing, builds the C tools, and
# runs every test (mvn verify), then the kernel module under QEMU, the
# Debian packages in a chroot, and the bridge against the module in a guest.
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
step() {
	echo "== test.sh: $* ($(($(date +%s) - start)) s in)"
}

step "prerequisites"
scripts/prerequisites.sh
step "C tools"
make -C driver/tools
step "mvn verify"
mvn -B -ntp verify "$@"
# The kernel module in real kernels (6.1, 6.1 PREEMPT_RT, 6.12) under QEMU.
step "kernel module under QEMU"
scripts/qemu-test.sh
# The Debian packages, installed in an overlay of the Debian 13 chroot that
# the 6.12 build above made (package-test.sh makes it when missing).
step "Debian package in a chroot"
scripts/package-test.sh
# The whole bridge against the real module in a 6.1 guest, seen from the host.
step "bridge against the module in a guest"
scripts/qemu-e2e.sh
step "all passed"
