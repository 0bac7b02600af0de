#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Test the mypoll kernel module in a debug kernel under QEMU.
#
# Builds a small x86_64 guest kernel from Debian 12's kernel source package
# (linux-source-6.1) with the kernel's own run-time checkers turned on, caches
# it, builds the module against it (W=1, no warnings), and boots it with two
# vCPUs (multi-threaded TCG) running the same guest as scripts/qemu-test.sh:
# mypoll_check, the SMP stress check, the interrupt-time check, loads with
# refused parameters, unloads. Build "lockdep-kasan" has:
#
#   PROVE_LOCKING, PROVE_RAW_LOCK_NESTING, DEBUG_ATOMIC_SLEEP, DEBUG_PREEMPT,
#   KASAN (generic), DEBUG_OBJECTS_TIMERS, DEBUG_KMEMLEAK, PREEMPT
#
# and build "kcsan" (only with --build kcsan) has KCSAN (which excludes
# KASAN) with PREEMPT. The
# guest's kernel-log filter also fails on "BUG: KASAN", "possible circular
# locking", "Invalid wait context", "data-race", "sleeping function called
# from invalid context", lockdep's other reports and kmemleak's reports (it
# scans after the module is unloaded).
#
# Not part of scripts/test.sh: one kernel build takes the better part of an
# hour on two cores. Later runs reuse the cached build.
#
# Usage: scripts/qemu-debug-test.sh [--build NAME]... [--build-only]
#                                   [--timeout S] [--keep]
#
# Environment:
#   MYPOLL_CACHE  cache directory, default /var/cache/mypoll-bridge; the
#                 kernels are built in $MYPOLL_CACHE/debug-kernel/NAME-VERSION
#   MYPOLL_NICE   nice level of the kernel build, default 15
#
# Prints "[NAME] PASS|FAIL name: detail" per result and a summary; exits 0
# only when every guest booted and passed every check.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CACHE=${MYPOLL_CACHE:-/var/cache/mypoll-bridge}
NICE=${MYPOLL_NICE:-15}
BUILD_DRIVER=${BUILD_DRIVER:-$ROOT/scripts/build-driver.sh}
SRC_PKG=linux-source-6.1
ALL_BUILDS="lockdep-kasan kcsan"
DEFAULT_BUILDS="lockdep-kasan"

# What the guest needs on top of tinyconfig: serial console, initramfs,
# devtmpfs, proc, sysfs, tmpfs, ELF and #! binaries, modules, the system
# calls of busybox and the checker, ACPI for the second CPU and poweroff.
BASE_CONFIG="64BIT SMP PRINTK PRINTK_TIME BUG TTY SERIAL_8250
SERIAL_8250_CONSOLE BLK_DEV_INITRD RD_GZIP DEVTMPFS PROC_FS PROC_SYSCTL SYSFS
SHMEM TMPFS BINFMT_ELF BINFMT_SCRIPT MODULES MODULE_UNLOAD HIGH_RES_TIMERS
FUTEX EPOLL SIGNALFD EVENTFD TIMERFD POSIX_TIMERS MULTIUSER FILE_LOCKING PCI
ACPI SLUB KALLSYMS KALLSYMS_ALL STACKTRACE DEBUG_KERNEL DEBUG_FS PREEMPT
SOFTLOCKUP_DETECTOR DETECT_HUNG_TASK"
# tinyconfig's choices that the above excludes (KASAN needs SLUB).
BASE_DISABLE="SLOB"

declare -A BUILD_CONFIG=(
	[lockdep-kasan]="PROVE_LOCKING PROVE_RAW_LOCK_NESTING DEBUG_ATOMIC_SLEEP
DEBUG_PREEMPT KASAN KASAN_GENERIC KASAN_OUTLINE DEBUG_OBJECTS
DEBUG_OBJECTS_TIMERS DEBUG_OBJECTS_FREE DEBUG_OBJECTS_WORK DEBUG_KMEMLEAK"
	[kcsan]="KCSAN KCSAN_STRICT"
)

usage() {
	sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
	cat <<EOF
Options:
  --build NAME   this build (repeatable; one of: $ALL_BUILDS; default:
                 $DEFAULT_BUILDS)
  --build-only   build (or check the cache of) the kernels and stop
  --timeout S    seconds one guest may run (default 900)
  --keep         keep the work directory (build logs, consoles, initramfs)
EOF
}

builds=()
build_only=0
timeout_s=900
keep=0
missing() {
	echo "qemu-debug-test: $1 needs a value (see --help)" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case "$1" in
	--build) [ $# -ge 2 ] || missing "$1"; builds+=("$2"); shift 2 ;;
	--build-only) build_only=1; shift ;;
	--timeout) [ $# -ge 2 ] || missing "$1"; timeout_s=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "qemu-debug-test: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
[ ${#builds[@]} -gt 0 ] || read -r -a builds <<<"$DEFAULT_BUILDS"
for b in "${builds[@]}"; do
	[ -n "${BUILD_CONFIG[$b]:-}" ] ||
		{ echo "qemu-debug-test: unknown build '$b' (one of: $ALL_BUILDS)" >&2; exit 2; }
done
case "$timeout_s" in '' | *[!0-9]*) echo "qemu-debug-test: bad --timeout" >&2; exit 2 ;; esac

TOOL=qemu-debug-test
# shellcheck source=scripts/qemu/host-lib.sh
. scripts/qemu/host-lib.sh

[ "$(id -u)" -eq 0 ] || { log "FAIL: run as root (installs packages)"; exit 1; }
if ! need_packages qemu-system-x86 busybox-static cpio gzip gcc make \
	libc6-dev "$SRC_PKG" bc bison flex libelf-dev libssl-dev xz-utils; then
	log "FAIL: cannot install $missing_packages"
	exit 1
fi

start=$(date +%s)
make_work /tmp/qemu-debug-test.XXXXXX

# ---- the kernels --------------------------------------------------------------

src_version=$(dpkg-query -W -f='${Version}' "$SRC_PKG")
tarball=/usr/src/$SRC_PKG.tar.xz

# build_kernel NAME: builds (once) the kernel NAME in $CACHE/debug-kernel and
# sets $kdir to its build tree. The directory name holds the source version
# and a hash of the configuration, so a change to either builds anew.
build_kernel() {
	local name=$1 opts hash dir o missing=()

	opts="$BASE_CONFIG ${BUILD_CONFIG[$name]}"
	hash=$(echo "$opts -$BASE_DISABLE" | tr -s '[:space:]' '\n' | sort | md5sum | cut -c1-8)
	dir=$CACHE/debug-kernel/$name-$src_version-$hash
	kdir=$dir/build
	if [ -f "$dir/done" ]; then
		log "$name: cached kernel in $dir"
		return 0
	fi
	log "$name: building the kernel in $dir (nice $NICE, -j$(nproc))"
	rm -rf "$dir"
	mkdir -p "$dir/build"
	tar -C "$dir" -xf "$tarball"
	mv "$dir/$SRC_PKG" "$dir/src"
	make -C "$dir/src" O="$dir/build" tinyconfig >"$dir/config.log" 2>&1
	for o in $BASE_DISABLE; do
		"$dir/src/scripts/config" --file "$dir/build/.config" --disable "$o"
	done
	for o in $opts; do
		"$dir/src/scripts/config" --file "$dir/build/.config" --enable "$o"
	done
	make -C "$dir/src" O="$dir/build" olddefconfig >>"$dir/config.log" 2>&1
	# Kconfig drops an option whose dependencies are not met, silently.
	for o in $opts; do
		grep -qx "CONFIG_$o=y" "$dir/build/.config" || missing+=("$o")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		log "FAIL: $name: not enabled after olddefconfig: ${missing[*]}"
		return 1
	fi
	if ! nice -n "$NICE" make -C "$dir/build" -j"$(nproc)" >"$dir/build.log" 2>&1; then
		tail -n 30 "$dir/build.log" >&2
		log "FAIL: $name: kernel build failed (log: $dir/build.log)"
		return 1
	fi
	touch "$dir/done"
}

declare -A kdirs
for b in "${builds[@]}"; do
	build_kernel "$b" || exit 1
	kdirs[$b]=$kdir
done
if [ "$build_only" = 1 ]; then
	for b in "${builds[@]}"; do
		echo "$b ${kdirs[$b]}"
	done
	exit 0
fi

# ---- module, tools, guests ------------------------------------------------------

guest_tools="mypoll_check mypoll_stress"
# shellcheck disable=SC2086 # a list of names
if ! build_tools STATIC=1 $guest_tools; then
	log "FAIL: building driver/tools statically failed"
	exit 1
fi

report_start
for b in "${builds[@]}"; do
	d=$work/$b
	mkdir -p "$d/root"
	: >"$d/results.log"
	if "$BUILD_DRIVER" "${kdirs[$b]}" --out "$d/build" >"$d/build.out" 2>"$d/build.log"; then
		cp "$(tail -n 1 "$d/build.out")" "$d/root/mypoll.ko"
		for t in $guest_tools; do
			cp "$work/src/tools/$t" "$d/root/"
		done
		make_initramfs "$d/root" scripts/qemu/init "$d/initrd.gz"
		touch "$d/ready"
	else
		echo "FAIL module build: $(grep -iE 'warning|error' "$d/build.log" | head -n 3 | tr '\n' ' ')" >>"$d/results.log"
	fi
	log "$b: booting (TCG, ${timeout_s} s limit)"
	# KASAN's shadow memory and lockdep's tables want more than 512 MiB.
	boot_guest "$d" "${kdirs[$b]}/arch/x86/boot/bzImage" "$timeout_s" 1024 \
		"mpt.period=100000 mpt.debug=1"
	report_results "$b" "$d"
done

echo "$TOOL: ${builds[*]} in $(($(date +%s) - start)) s"
report_end
