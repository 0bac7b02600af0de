#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Test the mypoll kernel module in real Linux kernels booted under QEMU.
#
# For each kernel that scripts/kernel-trees.sh provides (6.1, 6.1-rt, 6.12 and
# testing, the newest kernel Debian ships, on x86_64; 6.1-arm64, Debian 12's
# arm64 kernel):
# build the modules against its tree, pack an initramfs with busybox,
# mypoll.ko and the simulated GPIO chip mypoll_gpio_sim.ko, the statically
# linked mypoll_check, mypoll_stress, sigio_eventfd_epoll and gpio_sim_check
# and the guest init (scripts/qemu/init, with
# scripts/qemu/guest-lib.sh), boot it with TCG, two vCPUs on two host threads
# (multi-threaded TCG, so the guest's CPUs really run in parallel), and
# collect the results the guest writes to its second serial port. For
# 6.1-arm64 the module and the tools are cross-compiled (Debian's
# gcc-aarch64-linux-gnu), and the guest is QEMU's arm64 "virt" board with
# Debian's arm64 busybox (see boot_guest in scripts/qemu/host-lib.sh).
#
# Usage: scripts/qemu-test.sh [--kernel NAME]... [--timeout S] [--jobs N]
#                             [--measure N[,K]] [--keep]
#
# Prints "[kernel] PASS|FAIL name: detail" per result, the benchmark
# figures of the 6.1 guest as "[6.1] bench: ...", and a summary. Exits 0
# only when every kernel booted, loaded the module and passed every check.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

KERNEL_TREES=${KERNEL_TREES:-$ROOT/scripts/kernel-trees.sh}
BUILD_DRIVER=${BUILD_DRIVER:-$ROOT/scripts/build-driver.sh}
ALL_KERNELS="6.1 6.1-rt 6.12 testing 6.1-arm64"
BENCH_KERNEL=6.1
# Module timer period at load; the checker sets its own for the timer check.
LOAD_PERIOD_US=100000

usage() {
	sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
	cat <<EOF
Options:
  --kernel NAME  test only this kernel (repeatable; one of: $ALL_KERNELS)
  --timeout S    seconds one guest may run (default 180)
  --jobs N       guests booted at once (default: half the CPUs, at least 1,
                 max 3)
  --measure N[,K] no checks: measure N times the longest timer interrupt and
                 timer callback with 300 O_ASYNC readers at 100 us, and K
                 times (default N) the time to reap a process SIGKILLed
                 during a burst of 2^20 with 200 readers
  --keep         keep the work directory (build logs, consoles, initramfs)
EOF
}

kernels=()
timeout_s=180
# Each guest has two vCPUs, each a host thread: more guests than half the
# CPUs would stall vCPUs for whole host time slices.
jobs=$(($(nproc) / 2))
[ "$jobs" -ge 1 ] || jobs=1
keep=0
measure=0,0
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel)
		[ $# -ge 2 ] || { echo "qemu-test: --kernel needs a name" >&2; exit 2; }
		kernels+=("$2")
		shift 2
		;;
	--kernel=*) kernels+=("${1#--kernel=}"); shift ;;
	--timeout)
		[ $# -ge 2 ] || { echo "qemu-test: --timeout needs seconds" >&2; exit 2; }
		timeout_s=$2
		shift 2
		;;
	--jobs)
		[ $# -ge 2 ] || { echo "qemu-test: --jobs needs a number" >&2; exit 2; }
		jobs=$2
		shift 2
		;;
	--measure)
		[ $# -ge 2 ] || { echo "qemu-test: --measure needs a count" >&2; exit 2; }
		measure=$2
		shift 2
		;;
	--keep) keep=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "qemu-test: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
[ ${#kernels[@]} -gt 0 ] || read -r -a kernels <<<"$ALL_KERNELS"
for k in "${kernels[@]}"; do
	case " $ALL_KERNELS " in
	*" $k "*) ;;
	*) echo "qemu-test: unknown kernel '$k' (one of: $ALL_KERNELS)" >&2; exit 2 ;;
	esac
done
case "$timeout_s" in '' | *[!0-9]*) echo "qemu-test: bad --timeout" >&2; exit 2 ;; esac
case "$jobs" in '' | *[!0-9]* | 0) echo "qemu-test: bad --jobs" >&2; exit 2 ;; esac
case "$measure" in
*[!0-9,]* | '' | ,* | *, | *,*,*) echo "qemu-test: bad --measure" >&2; exit 2 ;;
*,*) ;;
*) measure=$measure,$measure ;;
esac
[ "$jobs" -le 3 ] || jobs=3

# arch_of KERNEL: the architecture its guest runs, as boot_guest names it.
arch_of() {
	case "$1" in
	*-arm64) echo arm64 ;;
	*) echo x86_64 ;;
	esac
}
arm64=0
for k in "${kernels[@]}"; do
	[ "$(arch_of "$k")" = x86_64 ] || arm64=1
done

TOOL=qemu-test
# shellcheck source=scripts/qemu/host-lib.sh
. scripts/qemu/host-lib.sh

# ---- prerequisites ----------------------------------------------------------

if ! need_packages qemu-system-x86 busybox-static cpio gzip gcc make libc6-dev; then
	log "FAIL: cannot install $missing_packages"
	exit 1
fi
if [ $arm64 = 1 ] && ! need_packages qemu-system-arm gcc-aarch64-linux-gnu \
	libc6-dev-arm64-cross; then
	log "FAIL: cannot install $missing_packages"
	exit 1
fi
for f in "$KERNEL_TREES" "$BUILD_DRIVER"; do
	if [ ! -x "$f" ]; then
		log "FAIL: $f is missing or not executable"
		exit 1
	fi
done

start=$(date +%s)
make_work /tmp/qemu-test.XXXXXX

# ---- user-space tools, static, once ----------------------------------------

guest_tools="mypoll_check mypoll_stress sigio_eventfd_epoll gpio_sim_check"
# shellcheck disable=SC2086 # a list of names
if ! build_tools STATIC=1 $guest_tools; then
	log "FAIL: building driver/tools statically failed"
	exit 1
fi
# shellcheck disable=SC2086 # a list of names
if [ $arm64 = 1 ] && ! build_tools --in "$work/src-arm64" STATIC=1 \
	CC=aarch64-linux-gnu-gcc $guest_tools; then
	log "FAIL: cross-compiling driver/tools statically for arm64 failed"
	exit 1
fi
tools=$work/src/tools
arm64_tools=$work/src-arm64/tools
for t in $guest_tools; do
	for f in "$tools/$t" "$arm64_tools/$t"; do
		# A dynamic executable names its interpreter.
		if [ -f "$f" ] && readelf -l "$f" | grep -q INTERP; then
			log "FAIL: $f is not statically linked"
			exit 1
		fi
	done
done

# ---- kernels ------------------------------------------------------------------

if ! "$KERNEL_TREES" "${kernels[@]}" >"$work/trees.out" 2>"$work/trees.log"; then
	tail -n 30 "$work/trees.log" >&2
	log "FAIL: $KERNEL_TREES failed"
	exit 1
fi

# Resolve a path printed for a chroot build: inside the chroot or outside.
host_path() {
	local p=$1 chroot=$2

	if [ "$chroot" != - ] && [ ! -e "$p" ] && [ -e "$chroot/$p" ]; then
		p=$chroot/$p
	fi
	echo "$p"
}

declare -A kdir vmlinuz croot
for k in "${kernels[@]}"; do
	line=$(awk -v k="$k" '$1 == k { print; exit }' "$work/trees.out")
	if [ -z "$line" ]; then
		log "FAIL: $KERNEL_TREES gave no line for kernel $k"
		cat "$work/trees.out" >&2
		exit 1
	fi
	read -r _ kdir[$k] vmlinuz[$k] croot[$k] _ <<<"$line"
	croot[$k]=${croot[$k]:--}
	vmlinuz[$k]=$(host_path "${vmlinuz[$k]}" "${croot[$k]}")
done

# Run "$@" for each kernel, at most $jobs at once.
parallel() {
	local k running=0

	bg_pids=()
	for k in "${kernels[@]}"; do
		if [ $running -ge "$jobs" ]; then
			wait -n || true
			running=$((running - 1))
		fi
		"$@" "$k" &
		bg_pids+=($!)
		running=$((running + 1))
	done
	wait || true
	bg_pids=()
}

# Results of a kernel that never booted go straight into its result file.
result() {
	echo "$2" >>"$work/$1/results.log"
}

build_one() {
	local k=$1 d=$work/$1 ko arch busybox=/bin/busybox root tool_dir=$tools
	local args=("${kdir[$k]}")

	arch=$(arch_of "$k")
	[ "${croot[$k]}" = - ] || args+=(--chroot "${croot[$k]}")
	[ "$arch" = x86_64 ] || args+=(--cross aarch64-linux-gnu-)
	args+=(--out "$d/build")
	if ! "$BUILD_DRIVER" "${args[@]}" >"$d/build.out" 2>"$d/build.log"; then
		result "$k" "FAIL module build: $BUILD_DRIVER ${args[*]} failed: $(tail -n 3 "$d/build.log" "$d/build.out" | grep -v '^==>' | grep -v '^$' | tail -n 3 | tr '\n' ' ')"
		return
	fi
	ko=$(host_path "$(tail -n 1 "$d/build.out")" "${croot[$k]}")
	if [ ! -f "$ko" ]; then
		result "$k" "FAIL module build: no module at '$ko'"
		return
	fi
	# Every kernel tested has what the simulated GPIO chip needs.
	if [ ! -f "${ko%/*}/mypoll_gpio_sim.ko" ]; then
		result "$k" "FAIL module build: no mypoll_gpio_sim.ko next to '$ko'"
		return
	fi
	if [ ! -r "${vmlinuz[$k]}" ]; then
		result "$k" "FAIL kernel image: '${vmlinuz[$k]}' not readable"
		return
	fi

	mkdir -p "$d/root"
	cp "$ko" "$d/root/mypoll.ko"
	cp "${ko%/*}/mypoll_gpio_sim.ko" "$d/root/mypoll_gpio_sim.ko"
	if [ "$arch" = arm64 ]; then
		tool_dir=$arm64_tools
		# The unpacked packages' root (scripts/kernel-trees.sh): the
		# arm64 busybox, and the kernel's modules boot_guest needs.
		root=${vmlinuz[$k]%/boot/*}
		busybox=$root/bin/busybox
		# shellcheck disable=SC2086 # a list of names
		if ! add_modules "$d/root" "$root" "${vmlinuz[$k]##*/vmlinuz-}" \
			$ARM64_GUEST_MODULES 2>"$d/modules.err"; then
			result "$k" "FAIL kernel modules: $(tr '\n' ' ' <"$d/modules.err")"
			return
		fi
	fi
	for t in $guest_tools; do
		cp "$tool_dir/$t" "$d/root/"
	done
	make_initramfs "$d/root" scripts/qemu/init "$d/initrd.gz" "$busybox"
	touch "$d/ready"
}

boot_one() {
	local k=$1 bench=0

	[ "$k" != "$BENCH_KERNEL" ] || bench=1
	boot_guest "$work/$k" "${vmlinuz[$k]}" "$timeout_s" 512 \
		"mpt.period=$LOAD_PERIOD_US mpt.bench=$bench mpt.measure=$measure" \
		"$(arch_of "$k")"
}

for k in "${kernels[@]}"; do
	mkdir -p "$work/$k"
	: >"$work/$k/results.log"
done
log "building the module for: ${kernels[*]}"
parallel build_one
log "booting (TCG, $jobs at once, ${timeout_s} s limit each)"
parallel boot_one

# ---- report -----------------------------------------------------------------

report_start
for k in "${kernels[@]}"; do
	report_results "$k" "$work/$k"
done

echo "qemu-test: ${kernels[*]} in $(($(date +%s) - start)) s"
report_end
