#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Java side on arm64: Debian 12's arm64 Java runtime in an arm64 guest
# (Debian 12's arm64 kernel under QEMU's "virt" board, as in
# scripts/qemu-test.sh --kernel 6.1-arm64) runs the driver API's checks
# against the module (io.mypoll.testkit.check.DeviceCheck) and the bridge
# in both notify modes (scripts/qemu/arm64-java-init says what is checked).
# Not part of scripts/test.sh: the JVM under TCG on an emulated arm64 CPU
# takes minutes.
#
# The runtime (openjdk-17-jre-headless:arm64 and the libraries it links:
# libc6, libgcc-s1, libstdc++6, zlib1g) is fetched with a private apt
# configuration, as scripts/kernel-trees.sh fetches the arm64 kernel, and
# unpacked into $MYPOLL_CACHE/bookworm-arm64-jre, then packed with the jars
# (built offline with Maven when missing) into the guest's initramfs.
#
# Usage: scripts/qemu-arm64-test.sh [--timeout S] [--keep]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CACHE=${MYPOLL_CACHE:-/var/cache/mypoll-bridge}
JRE_ROOT=$CACHE/bookworm-arm64-jre
BRIDGE_JAR=$ROOT/verticles/target/mypoll-bridge.jar
TESTKIT_JAR=$ROOT/testkit/target/mypoll-testkit.jar

timeout_s=1200
keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) timeout_s=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	-h | --help) sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) echo "qemu-arm64-test: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done

TOOL=qemu-arm64-test
# shellcheck source=scripts/qemu/host-lib.sh
. scripts/qemu/host-lib.sh

if ! need_packages qemu-system-arm gcc-aarch64-linux-gnu cpio gzip; then
	log "FAIL: cannot install $missing_packages"
	exit 1
fi
start=$(date +%s)
make_work /tmp/qemu-arm64-test.XXXXXX
d=$work/6.1-arm64
mkdir -p "$d/root"

# ---- the kernel, the module, the jars ------------------------------------------

read -r _ kdir vmlinuz _ < <(scripts/kernel-trees.sh 6.1-arm64 2>"$work/trees.log") ||
	{ tail -n 20 "$work/trees.log" >&2; log "FAIL: scripts/kernel-trees.sh 6.1-arm64 failed"; exit 1; }
if ! scripts/build-driver.sh "$kdir" --cross aarch64-linux-gnu- --out "$d/root" \
	>"$work/build.out" 2>"$work/build.log"; then
	tail -n 20 "$work/build.log" >&2
	log "FAIL: the module's arm64 build failed"
	exit 1
fi
if [ ! -f "$BRIDGE_JAR" ] || [ ! -f "$TESTKIT_JAR" ]; then
	log "building the jars (mvn -o package, no tests)"
	mvn -o -q -pl verticles,testkit -am package -DskipTests >"$work/mvn.log" 2>&1 ||
		{ tail -n 30 "$work/mvn.log" >&2; log "FAIL: building the jars failed"; exit 1; }
fi

# ---- Debian 12's arm64 Java runtime ----------------------------------------------

if [ ! -f "$JRE_ROOT/complete" ]; then
	apt_dir=$JRE_ROOT.apt
	opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list"
		-o Dir::Etc::SourceParts=/nonexistent
		-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::State::status=$apt_dir/status"
		-o "Dir::Cache=$apt_dir/cache" -o APT::Architecture=arm64
		-o APT::Architectures::=arm64 -o APT::Sandbox::User=root
		-o Debug::NoLocking=1)
	key=/usr/share/keyrings/debian-archive-keyring.gpg
	log "downloading Debian 12's arm64 Java runtime into $JRE_ROOT"
	rm -rf "$JRE_ROOT" "$apt_dir"
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" \
		"$apt_dir/debs" "$JRE_ROOT"
	: >"$apt_dir/status"
	{
		echo "deb [arch=arm64 signed-by=$key] http://deb.debian.org/debian bookworm main"
		echo "deb [arch=arm64 signed-by=$key] http://deb.debian.org/debian bookworm-updates main"
		echo "deb [arch=arm64 signed-by=$key] http://deb.debian.org/debian-security bookworm-security main"
	} >"$apt_dir/sources.list"
	if ! { apt-get "${opts[@]}" update &&
	       (cd "$apt_dir/debs" && apt-get "${opts[@]}" download \
		       openjdk-17-jre-headless libc6 libgcc-s1 libstdc++6 zlib1g); } \
	       >"$work/apt.log" 2>&1; then
		tail -n 20 "$work/apt.log" >&2
		log "FAIL: downloading the arm64 Java runtime failed"
		exit 1
	fi
	for deb in "$apt_dir/debs"/*.deb; do
		dpkg-deb -x "$deb" "$JRE_ROOT"
	done
	rm -rf "$apt_dir"
	touch "$JRE_ROOT/complete"
fi

# ---- the initramfs and the guest ------------------------------------------------

log "packing the guest (the Java runtime, the jars, the module)"
cp -a "$JRE_ROOT/etc" "$JRE_ROOT/lib" "$JRE_ROOT/usr" "$d/root/"
mkdir -p "$d/root/jars"
cp "$BRIDGE_JAR" "$TESTKIT_JAR" "$d/root/jars/"
kroot=${vmlinuz%/boot/*}
# shellcheck disable=SC2086 # a list of names
add_modules "$d/root" "$kroot" "${vmlinuz##*/vmlinuz-}" $ARM64_GUEST_MODULES
make_initramfs "$d/root" scripts/qemu/arm64-java-init "$d/initrd.gz" \
	"$kroot/bin/busybox"
touch "$d/ready"

log "booting (TCG, ${timeout_s} s limit)"
boot_guest "$d" "$vmlinuz" "$timeout_s" 2048 "" arm64

report_start
report_results 6.1-arm64 "$d"
echo "qemu-arm64-test: done in $(($(date +%s) - start)) s"
report_end
