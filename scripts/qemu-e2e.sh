#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End-to-end test: the bridge against the real mypoll module in a Debian 6.1
# kernel booted under QEMU (TCG), seen from the host.
#
# The guest (scripts/qemu/e2e-init) gets this host's root filesystem
# read-only over virtio-9p and runs the host's JVM and the shaded jars from
# it (verticles/target/mypoll-bridge.jar, testkit/target/mypoll-testkit.jar);
# its port 8080 is forwarded to 127.0.0.1:HOSTPORT. The guest init and its
# helpers (scripts/qemu/guest-lib.sh) and the udev rule
# (packaging/60-mypoll-bridge.rules) come in the initramfs. In one boot it
# runs io.mypoll.testkit.check.DeviceCheck against the module, then the
# bridge once per notify mode (sigio, poll) with the module's device, a
# virtual keyboard (uinput) and the CMOS RTC on one loop, as the
# unprivileged user mypoll-bridge with no capability and only the group
# access that the shipped rule (its examples uncommented for the keyboard
# and the RTC) gives, applied by this host's systemd-udevd; for each the
# host runs the JUnit tests io.mypoll.bridge.e2e.GuestBridgeE2E and
# GuestDevicesE2E (SockJS event bus, REST status, the dashboard in headless
# Chromium; typing, unplugging and replugging the keyboard through requests
# to the guest) against the forwarded port; then the
# guest stops the bridge with SIGTERM, unloads the module, runs the benchmark
# (sigio_eventfd_epoll and io.mypoll.testkit.bench.DeviceBenchmark) and
# checks the kernel log.
#
# Usage: scripts/qemu-e2e.sh [--timeout S] [--port N] [--no-bench | --bench-only] [--keep]
#
# Prints "PASS|FAIL name: detail" per check, "bench: ..." lines and
# "N passed, N failed" last. Exits 0 only when everything passed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

KERNEL_TREES=${KERNEL_TREES:-$ROOT/scripts/kernel-trees.sh}
BUILD_DRIVER=${BUILD_DRIVER:-$ROOT/scripts/build-driver.sh}
BRIDGE_JAR=$ROOT/verticles/target/mypoll-bridge.jar
# The benchmarks and the device check, with the driver and bridge classes.
TESTKIT_JAR=$ROOT/testkit/target/mypoll-testkit.jar
E2E_TESTS="io.mypoll.bridge.e2e.GuestBridgeE2E io.mypoll.bridge.e2e.GuestDevicesE2E io.mypoll.bridge.e2e.GuestGpioE2E"
PERIOD_MS=100
# What the guest's virtual keyboard types: keys without shift, no spaces (it
# goes on the kernel command line).
KBD_TEXT=hello-from.the,guest-0123456789
# Modules the guest needs before it can mount 9p and use the network, and
# for the virtual keyboard.
GUEST_MODULES="virtio_pci 9pnet_virtio 9p virtio_net evdev uinput"

usage() {
	sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
	cat <<EOF
Options:
  --timeout S   seconds the guest may run (default 900)
  --port N      host port forwarded to the guest's 8080 (default: a free one)
  --no-bench    skip the benchmark
  --bench-only  only the benchmark (and the kernel log check)
  --keep        keep the work directory (logs, consoles, initramfs)
EOF
}

timeout_s=900
port=
bench=1
tests=1
keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
	--port) port=${2:?--port needs a number}; shift 2 ;;
	--no-bench) bench=0; shift ;;
	--bench-only) bench=1; tests=0; shift ;;
	--keep) keep=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "qemu-e2e: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
case "$timeout_s" in '' | *[!0-9]*) echo "qemu-e2e: bad --timeout" >&2; exit 2 ;; esac

TOOL=qemu-e2e
# shellcheck source=scripts/qemu/host-lib.sh
. scripts/qemu/host-lib.sh
# shellcheck source=scripts/jar-freshness.sh
. scripts/jar-freshness.sh

start=$(date +%s)
pass=0
fail=0
say_result() {
	echo "$1"
	case "$1" in
	PASS\ *) pass=$((pass + 1)) ;;
	FAIL\ *) fail=$((fail + 1)) ;;
	esac
}
die() {
	say_result "FAIL $*"
	echo "qemu-e2e: $pass passed, $fail failed"
	exit 1
}

# ---- prerequisites ----------------------------------------------------------

# udev: the guest runs this machine's systemd-udevd with the project's rule.
need_packages qemu-system-x86 busybox-static cpio gzip gcc make libc6-dev chromium chromium-driver udev ||
	die "prerequisites: cannot install $missing_packages"
command -v java >/dev/null || die "prerequisites: no java on PATH"
command -v mvn >/dev/null || die "prerequisites: no mvn on PATH"
# The guest runs this Java from the shared root.
jhome=$(readlink -f "$(command -v java)")
jhome=${jhome%/bin/java}

# The work directory is shared with the guest read-write; it must not be
# under /tmp, which the guest covers with its own tmpfs.
make_work /var/tmp/qemu-e2e.XXXXXX

# ---- kernel, module, modules of the guest -------------------------------------

"$KERNEL_TREES" >"$work/trees.out" 2>"$work/trees.log" || {
	tail -n 20 "$work/trees.log" >&2
	die "kernel: $KERNEL_TREES failed"
}
read -r _ kdir vmlinuz _ < <(awk '$1 == "6.1" { print; exit }' "$work/trees.out")
[ -n "${vmlinuz:-}" ] && [ -r "$vmlinuz" ] || die "kernel: no readable 6.1 image in $KERNEL_TREES output"
kver=${vmlinuz##*/vmlinuz-}
moddir=/lib/modules/$kver
[ -f "$moddir/modules.dep" ] || die "kernel: $moddir/modules.dep missing (linux-image-$kver installs it)"

if ! "$BUILD_DRIVER" "$kdir" --out "$work/build" >"$work/build.out" 2>"$work/build.log"; then
	tail -n 20 "$work/build.log" >&2
	die "module build: $BUILD_DRIVER $kdir failed"
fi
[ -f "$work/build/mypoll_gpio_sim.ko" ] || die "module build: no mypoll_gpio_sim.ko for $kver"
say_result "PASS module build: mypoll.ko and mypoll_gpio_sim.ko for $kver, no warnings"

# Guest modules with their dependencies, dependencies first (from modules.dep).
declare -A seen_mod
mod_order=()
add_mod() {
	local path=$1 dep
	[ -z "${seen_mod[$path]:-}" ] || return 0
	seen_mod[$path]=1
	for dep in $(awk -v p="$path:" '$1 == p { $1 = ""; print; exit }' "$moddir/modules.dep"); do
		add_mod "$dep"
	done
	mod_order+=("$path")
}
for m in $GUEST_MODULES; do
	p=$(awk -F: -v m="$m" '{ n = $1; sub(".*/", "", n); sub(/\.ko(\.[a-z]+)?$/, "", n); gsub("-", "_", n)
		if (n == m) { print $1; exit } }' "$moddir/modules.dep")
	[ -n "$p" ] || die "kernel: module $m not in $moddir/modules.dep"
	add_mod "$p"
done

# ---- the jars, the C tool, the host test -------------------------------------

# One package at the root builds both jars; a testkit jar of an older
# layout lacks the device check.
if jars_stale "$BRIDGE_JAR" "$TESTKIT_JAR" ||
   ! unzip -l "$TESTKIT_JAR" 2>/dev/null | grep -q 'io/mypoll/testkit/check/DeviceCheck.class'; then
	log "building $BRIDGE_JAR and $TESTKIT_JAR"
	mvn -B -q -ntp -Dstyle.color=never package -DskipTests >"$work/package.log" 2>&1 || {
		tail -n 30 "$work/package.log" >&2
		die "jar: mvn package failed"
	}
fi
cp "$BRIDGE_JAR" "$TESTKIT_JAR" "$work/"

build_tools sigio_eventfd_epoll uinput_keyboard gpio_sim_check || die "tools: building the C tools failed"
cp "$work/src/tools/sigio_eventfd_epoll" "$work/src/tools/uinput_keyboard" "$work/src/tools/gpio_sim_check" "$work/"

# The host test's classes, compiled now so that the run during the boot is quick.
mvn -B -q -ntp -Dstyle.color=never -Dexec.skip=true -pl driver,verticles test-compile \
	>"$work/test-compile.log" 2>&1 || {
	tail -n 30 "$work/test-compile.log" >&2
	die "host test: mvn test-compile failed"
}

# ---- initramfs -----------------------------------------------------------------

r=$work/root
mkdir -p "$r/modules"
cp "$work/build/mypoll.ko" "$r/mypoll.ko"
cp "$work/build/mypoll_gpio_sim.ko" "$r/mypoll_gpio_sim.ko"
# The udev rule the package installs; the guest adds its examples.
cp packaging/60-mypoll-bridge.rules "$r/"
for p in "${mod_order[@]}"; do
	f=$moddir/$p
	case "$p" in
	*.ko) cp "$f" "$r/modules/" ;;
	*.ko.xz) xz -dc "$f" >"$r/modules/$(basename "$p" .xz)" ;;
	*.ko.zst) zstd -qdc "$f" >"$r/modules/$(basename "$p" .zst)" ;;
	*.ko.gz) gzip -dc "$f" >"$r/modules/$(basename "$p" .gz)" ;;
	esac
	basename "${p%.ko*}.ko" >>"$r/modules/order"
done
make_initramfs "$r" scripts/qemu/e2e-init "$work/initrd.gz"

# ---- boot ------------------------------------------------------------------------

if [ -z "$port" ]; then
	for _ in $(seq 1 50); do
		port=$((20000 + RANDOM % 20000))
		ss -ltnH "sport = :$port" | grep -q . || break
	done
fi
log "booting $kver (TCG, ${timeout_s} s limit), guest 8080 on 127.0.0.1:$port"
: >"$work/results.log"
# No HPET: with it, the kernel emulates the CMOS clock's alarm on HPET ticks
# and misses an alarm whose second passed while the emulated CPU lagged, so
# the RTC's update interrupts stop; QEMU's CMOS clock raises its own alarm.
timeout -k 5 "$timeout_s" qemu-system-x86_64 -accel tcg,thread=single -machine pc,hpet=off -m 2048 -smp 2 \
	-nographic -no-reboot -monitor none \
	-serial "file:$work/console.log" -serial "file:$work/results.log" \
	-kernel "$vmlinuz" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 panic=-1 quiet e2e.period=$PERIOD_MS e2e.bench=$bench e2e.tests=$tests e2e.jhome=$jhome e2e.text=$KBD_TEXT" \
	-fsdev local,id=root,path=/,security_model=none,readonly=on \
	-device virtio-9p-pci,fsdev=root,mount_tag=hostroot \
	-fsdev "local,id=work,path=$work,security_model=none" \
	-device virtio-9p-pci,fsdev=work,mount_tag=e2ework \
	-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:8080" -device virtio-net-pci,netdev=n0 \
	</dev/null >"$work/qemu.log" 2>&1 &
qemu_pid=$!
bg_pids=("$qemu_pid")

# Runs the host tests against the guest's bridge in that mode (its clock in
# mode $2); PASS/FAIL per test.
host_test() {
	local mode=$1 rtc=$2 rc=0 t xml reports=()
	for t in $E2E_TESTS; do
		xml=verticles/target/surefire-reports/TEST-$t.xml
		rm -f "$xml"
		reports+=("$xml")
	done
	mvn -B -q -ntp -Dstyle.color=never -o -Dexec.skip=true -pl driver,verticles test-compile surefire:test \
		-Dtest="$(echo $E2E_TESTS | tr ' ' ',')" -Dsurefire.failIfNoSpecifiedTests=false -DfailIfNoTests=false \
		-Dmypoll.e2e.port="$port" -Dmypoll.e2e.mode="$mode" -Dmypoll.e2e.periodMs="$PERIOD_MS" \
		-Dmypoll.e2e.work="$work" -Dmypoll.e2e.text="$KBD_TEXT" -Dmypoll.e2e.rtc="$rtc" \
		>"$work/host-test-$mode.log" 2>&1 || rc=$?
	: >"$work/host-test-$mode.results"
	for xml in "${reports[@]}"; do
		if [ ! -f "$xml" ]; then
			echo "FAIL host/$mode/${xml##*.}: no test report (mvn exit $rc): $(grep -E 'ERROR|FAIL' "$work/host-test-$mode.log" | head -n 3 | tr '\n' ' ' | cut -c1-400)" \
				>>"$work/host-test-$mode.results"
			continue
		fi
		# One <testcase> per test; a <failure> or <error> inside it fails it.
		python3 - "$xml" "$mode" >>"$work/host-test-$mode.results" <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
for tc in root.iter("testcase"):
    bad = tc.find("failure") if tc.find("failure") is not None else tc.find("error")
    skipped = tc.find("skipped")
    name = "host/%s/%s" % (sys.argv[2], tc.get("name"))
    if bad is not None:
        msg = " ".join((bad.get("message") or bad.text or "").split())[:400]
        print("FAIL %s: %s" % (name, msg))
    elif skipped is not None:
        print("FAIL %s: skipped" % name)
    else:
        print("PASS %s: %s s" % (name, tc.get("time")))
EOF
	done
	while IFS= read -r line; do
		say_result "$line"
	done <"$work/host-test-$mode.results"
	grep -E '^\[(sigio|poll)\]' "$work/host-test-$mode.log" | sed 's/^/  /' || true
	[ "$rc" = 0 ] || grep -q '^FAIL' "$work/host-test-$mode.results" ||
		say_result "FAIL host/$mode: mvn exit $rc"
}

# Follows the guest's results as they come; runs the host tests at READY.
lines=0
ended=0
benchlines=()
while :; do
	mapfile -t all <"$work/results.log"
	while [ "$lines" -lt "${#all[@]}" ]; do
		line=${all[$lines]%$'\r'}
		lines=$((lines + 1))
		case "$line" in
		PASS\ * | FAIL\ *) say_result "$line" ;;
		BENCH\ *)
			echo "bench: ${line#BENCH }"
			benchlines+=("${line#BENCH }")
			;;
		START\ *) log "guest kernel ${line#START }" ;;
		READY\ *)
			# READY <mode> rtc=<clock mode>
			read -r _ mode rtc <<<"$line"
			log "guest bridge ready, notify $mode: running $E2E_TESTS"
			host_test "$mode" "${rtc#rtc=}"
			echo done >"$work/done-$mode"
			;;
		END) ended=1 ;;
		esac
	done
	[ "$ended" = 0 ] || break
	kill -0 "$qemu_pid" 2>/dev/null || {
		# The last lines may have come just before qemu ended.
		mapfile -t all <"$work/results.log"
		[ "$lines" -lt "${#all[@]}" ] && continue
		break
	}
	sleep 1
done
rc=0
wait "$qemu_pid" || rc=$?
bg_pids=()
if [ "$ended" = 0 ]; then
	why=$(boot_why "$rc" $(($(date +%s) - start)))
	say_result "FAIL boot: no complete result from the guest ($why); console tail:"
	console_tail "$work/console.log" "  "
fi
for f in "$work"/bridge-*.log; do
	[ -f "$f" ] && [ "$fail" -gt 0 ] && { echo "--- ${f##*/} (tail)"; tail -n 15 "$f"; }
done

if [ ${#benchlines[@]} -gt 0 ]; then
	# Side by side, with the p50 ratios to the C reference of the same run.
	printf '%s\n' "${benchlines[@]}" | awk '
	function field(name,   i) { for (i = 1; i <= NF; i++) if (index($i, name "=") == 1) return substr($i, length(name) + 2); return "" }
	$2 == "paced" && $1 == "C" { c50 = field("p50"); rows[++n] = sprintf("%-34s %9s %9s", "C reference, read", c50, field("p99")) }
	$3 == "paced" {
		# loop_read_us p50=.. p99=.. consumer_us p50=.. p99=..
		for (i = 1; i <= NF; i++) { if ($i == "loop_read_us") lr = i; if ($i == "consumer_us") cr = i }
		l50[$2] = substr($(lr + 1), 5); cs50[$2] = substr($(cr + 1), 5)
		rows[++n] = sprintf("%-34s %9s %9s", "java " $2 ", loop read", l50[$2], substr($(lr + 2), 5))
		rows[++n] = sprintf("%-34s %9s %9s", "java " $2 ", event-bus consumer", cs50[$2], substr($(cr + 2), 5))
		modes[++m] = $2
	}
	$3 == "input" {
		# The same path for the frames of a virtual keyboard, from the evdev kernel timestamp.
		for (i = 1; i <= NF; i++) { if ($i == "loop_read_us") lr = i; if ($i == "consumer_us") cr = i }
		rows[++n] = sprintf("%-34s %9s %9s", "java " $2 ", input frame, loop read", substr($(lr + 1), 5), substr($(lr + 2), 5))
		rows[++n] = sprintf("%-34s %9s %9s", "java " $2 ", input frame, consumer", substr($(cr + 1), 5), substr($(cr + 2), 5))
	}
	$3 == "gpio" {
		# The same path for the edges of a GPIO line of the simulated chip, from the gpiolib kernel timestamp.
		for (i = 1; i <= NF; i++) { if ($i == "loop_read_us") lr = i; if ($i == "consumer_us") cr = i }
		rows[++n] = sprintf("%-34s %9s %9s", "java " $2 ", GPIO edge, loop read", substr($(lr + 1), 5), substr($(lr + 2), 5))
		rows[++n] = sprintf("%-34s %9s %9s", "java " $2 ", GPIO edge, consumer", substr($(cr + 1), 5), substr($(cr + 2), 5))
	}
	$2 == "burst" && $1 == "C" { b[++k] = sprintf("%-34s %12s", "C reference, reader", field("events_per_s")) }
	$3 == "burst" { b[++k] = sprintf("%-34s %12s", "java " $2 ", event-bus consumer", field("events_per_s")) }
	END {
		print "bench: latency at 1 kHz from the kernel timestamp (us)"
		printf "bench:   %-34s %9s %9s\n", "", "p50", "p99"
		for (i = 1; i <= n; i++) print "bench:   " rows[i]
		print "bench: lossless burst throughput          events/s"
		for (i = 1; i <= k; i++) print "bench:   " b[i]
		if (c50 > 0) {
			print "bench: p50 ratio to the C reference (goal: loop read <= 1.3x)"
			for (i = 1; i <= m; i++)
				printf "bench:   java %-6s loop read %5.2fx, consumer %5.2fx\n", modes[i], l50[modes[i]] / c50, cs50[modes[i]] / c50
		}
	}'
fi

echo "qemu-e2e: kernel $kver under TCG, $(($(date +%s) - start)) s"
echo "qemu-e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$ended" = 1 ]
