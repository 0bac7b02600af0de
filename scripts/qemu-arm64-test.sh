#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Java side on arm64: Debian 12's arm64 Java runtime in an arm64 guest
# (Debian 12's arm64 kernel under QEMU's "virt" board, as in
# scripts/qemu-test.sh --kernel 6.1-arm64) runs the driver API's checks
# against the module (io.mypoll.testkit.check.DeviceCheck), the driver
# module's JUnit tests (but the *AbiTest classes, which need a C compiler)
# with the JUnit console launcher, and the bridge in both notify modes, which
# a client on this host reaches through a forwarded loopback port: GET
# /health and COUNT timer events over the SockJS event-bus bridge with no
# gap (io.mypoll.testkit.check.BusCheck); scripts/qemu/arm64-java-init says
# what is checked. Not part of scripts/test.sh: the JVM under TCG on an
# emulated arm64 CPU takes minutes.
#
# The runtime (openjdk-17-jre-headless:arm64 and the libraries it links:
# libc6, libgcc-s1, libstdc++6, zlib1g) is fetched with a private apt
# configuration, as scripts/kernel-trees.sh fetches the arm64 kernel, and
# unpacked into $MYPOLL_CACHE/bookworm-arm64-jre, then packed with the jars
# (built offline with Maven when older than their sources), the driver
# module's classes, test classes and test libraries, and the JUnit console
# launcher of the project's JUnit version
# (org.junit.platform:junit-platform-console-standalone, fetched by Maven
# when not in the local repository) into the guest's initramfs.
#
# Usage: scripts/qemu-arm64-test.sh [--timeout S] [--port N] [--events N]
#                                   [--only PARTS] [--keep]
#   --only PARTS  comma-separated, of device (DeviceCheck), junit, bridge
#                 (default all three)
#   --port N      host port forwarded to the guest's 8080 (default: a free one)
#   --events N    timer events the host's client must receive per mode
#                 (default 1000; the timer runs at 10 ms)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CACHE=${MYPOLL_CACHE:-/var/cache/mypoll-bridge}
JRE_ROOT=$CACHE/bookworm-arm64-jre
BRIDGE_JAR=$ROOT/verticles/target/mypoll-bridge.jar
TESTKIT_JAR=$ROOT/testkit/target/mypoll-testkit.jar

timeout_s=1200
keep=0
parts=device,junit,bridge
port=
events=1000
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) timeout_s=$2; shift 2 ;;
	--port) port=${2:?--port needs a number}; shift 2 ;;
	--events) events=${2:?--events needs a number}; shift 2 ;;
	--only) parts=${2:?--only needs parts}; shift 2 ;;
	--keep) keep=1; shift ;;
	-h | --help) sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) echo "qemu-arm64-test: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done

for part in ${parts//,/ }; do
	case "$part" in
	device | junit | bridge) ;;
	*) echo "qemu-arm64-test: unknown part '$part' (device, junit, bridge)" >&2; exit 2 ;;
	esac
done
case "$events" in '' | *[!0-9]* | 0) echo "qemu-arm64-test: bad --events" >&2; exit 2 ;; esac

TOOL=qemu-arm64-test
# shellcheck source=scripts/qemu/host-lib.sh
. scripts/qemu/host-lib.sh
# shellcheck source=scripts/jar-freshness.sh
. scripts/jar-freshness.sh

if ! need_packages qemu-system-arm gcc-aarch64-linux-gnu cpio gzip; then
	log "FAIL: cannot install $missing_packages"
	exit 1
fi
# The host's client of the bridge part runs on this host's Java.
if [[ ",$parts," == *,bridge,* ]] && ! command -v java >/dev/null; then
	log "FAIL: no java on PATH for the host's client"
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
# A testkit jar of an older layout lacks the host's client.
if jars_stale "$BRIDGE_JAR" "$TESTKIT_JAR" ||
   ! unzip -l "$TESTKIT_JAR" 2>/dev/null | grep 'io/mypoll/testkit/check/BusCheck.class' >/dev/null; then
	log "building the jars (mvn -o package, no tests)"
	mvn -o -q -pl verticles,testkit -am package -DskipTests >"$work/mvn.log" 2>&1 ||
		{ tail -n 30 "$work/mvn.log" >&2; log "FAIL: building the jars failed"; exit 1; }
fi

# The driver module's tests, their libraries (JUnit's own come with the
# console launcher, of the same version) and the launcher.
junit_dir=$d/root/junit
mkdir -p "$junit_dir/lib"
if ! mvn -o -q -pl driver test-compile dependency:build-classpath -Dmdep.includeScope=test \
	-Dmdep.outputFile="$work/driver-test.classpath" >"$work/mvn-test.log" 2>&1; then
	tail -n 30 "$work/mvn-test.log" >&2
	log "FAIL: compiling the driver module's tests failed"
	exit 1
fi
tr ':' '\n' <"$work/driver-test.classpath" |
	grep -v -e '/org/junit/' -e '/org/opentest4j/' -e '/org/apiguardian/' |
	while IFS= read -r jar; do cp "$jar" "$junit_dir/lib/"; done
cp -r driver/target/classes "$junit_dir/classes"
cp -r driver/target/test-classes "$junit_dir/test-classes"
# JUnit 5.X.Y's platform is 1.X.Y.
junit_version=$(sed -n 's|.*<junit.version>5\.\(.*\)</junit.version>.*|\1|p' pom.xml)
launcher=org.junit.platform:junit-platform-console-standalone:1.$junit_version
for offline in -o ""; do
	# shellcheck disable=SC2086 # -o or nothing
	if mvn $offline -q -N dependency:copy -Dartifact="$launcher" -Dmdep.stripVersion=true \
		-DoutputDirectory="$junit_dir" >"$work/mvn-launcher.log" 2>&1; then
		break
	fi
done
if [ ! -f "$junit_dir/junit-platform-console-standalone.jar" ]; then
	tail -n 20 "$work/mvn-launcher.log" >&2
	log "FAIL: cannot get $launcher"
	exit 1
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
# The network (virtio_net) and 9p for the shared directory, each module
# after those it depends on.
# shellcheck disable=SC2086 # a list of names
add_modules "$d/root" "$kroot" "${vmlinuz##*/vmlinuz-}" $ARM64_GUEST_MODULES \
	net/core/failover drivers/net/net_failover drivers/net/virtio_net \
	net/9p/9pnet net/9p/9pnet_virtio fs/netfs/netfs fs/fscache/fscache fs/9p/9p
make_initramfs "$d/root" scripts/qemu/arm64-java-init "$d/initrd.gz" \
	"$kroot/bin/busybox"
touch "$d/ready"

if [ -z "$port" ]; then
	for _ in $(seq 1 50); do
		port=$((20000 + RANDOM % 20000))
		ss -ltnH "sport = :$port" | grep -q . || break
	done
fi
shared=$work/shared
mkdir -p "$shared"
log "booting (TCG, ${timeout_s} s limit), guest 8080 on 127.0.0.1:$port"
: >"$d/results.log"
boot_guest "$d" "$vmlinuz" "$timeout_s" 2048 "arm64.parts=$parts" arm64 \
	-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:8080" \
	-device virtio-net-device,netdev=n0 \
	-fsdev "local,id=shared,path=$shared,security_model=none" \
	-device virtio-9p-device,fsdev=shared,mount_tag=arm64work &
bg_pids=("$!")

# Follows the guest's results; at "READY <mode>" the host's client checks
# the bridge through the forwarded port, and its results go back through the
# shared directory, for the guest to report with its own.
lines=0
while :; do
	mapfile -t all <"$d/results.log"
	while [ "$lines" -lt "${#all[@]}" ]; do
		line=${all[$lines]%$'\r'}
		lines=$((lines + 1))
		case "$line" in
		PASS\ * | FAIL\ *) log "$line" ;;
		READY\ *)
			mode=${line#READY }
			log "guest bridge ready, notify $mode: GET /health and $events events over SockJS"
			rc=0
			# BusCheck gives up within 3 minutes; the guest waits 5.
			timeout -k 5 240 java -cp "$TESTKIT_JAR" io.mypoll.testkit.check.BusCheck 127.0.0.1 "$port" mypoll \
				"$events" "$mode" >"$shared/host-$mode.results" 2>"$work/host-$mode.err" || rc=$?
			if ! grep -q -e '^PASS ' -e '^FAIL ' "$shared/host-$mode.results"; then
				echo "FAIL $mode/host client: exit $rc: $(tail -n 3 "$work/host-$mode.err" | tr '\n' ' ')" \
					>"$shared/host-$mode.results"
			fi
			: >"$shared/done-$mode"
			;;
		esac
	done
	kill -0 "${bg_pids[0]}" 2>/dev/null || break
	sleep 1
done
wait "${bg_pids[0]}" || true
bg_pids=()

report_start
report_results 6.1-arm64 "$d"
echo "qemu-arm64-test: done in $(($(date +%s) - start)) s"
report_end
