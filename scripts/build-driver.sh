#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the mypoll kernel module, and the simulated GPIO chip of the tests
# (mypoll_gpio_sim.ko) where the kernel has CONFIG_GPIOLIB_IRQCHIP and
# CONFIG_GPIO_CDEV, with W=1 and fails on any warning.
#
#   scripts/build-driver.sh [KDIR] [--chroot DIR] [--cross PREFIX] [--out OUTDIR]
#
# KDIR     kernel build tree, default /lib/modules/$(uname -r)/build. With
#          --chroot, the path inside the chroot (a path given with the chroot
#          directory in front is accepted too).
# --chroot build inside this chroot (its own gcc and make), e.g. the trixie
#          chroot printed by scripts/kernel-trees.sh
# --cross  cross-compile with the compiler of this prefix
#          (CROSS_COMPILE=PREFIX), e.g. aarch64-linux-gnu- for the arm64
#          tree printed by scripts/kernel-trees.sh
# --out    where to copy mypoll.ko (and mypoll_gpio_sim.ko), default
#          driver/kernel/
#
# The build runs in a private temporary copy of driver/kernel, so builds for
# several kernels may run at once. The full build log goes to stderr. On
# stdout, the absolute path of mypoll_gpio_sim.ko when it was built, then,
# always as the last line, that of mypoll.ko; both are in OUTDIR.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=$ROOT/driver/kernel
KDIR=
CHROOT=
CROSS=
OUT=$SRC

usage() {
	sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--chroot) [ $# -ge 2 ] || usage; CHROOT=$2; shift 2 ;;
	--chroot=*) CHROOT=${1#*=}; shift ;;
	--cross) [ $# -ge 2 ] || usage; CROSS=$2; shift 2 ;;
	--cross=*) CROSS=${1#*=}; shift ;;
	--out) [ $# -ge 2 ] || usage; OUT=$2; shift 2 ;;
	--out=*) OUT=${1#*=}; shift ;;
	-h | --help) usage ;;
	-*) echo "build-driver: unknown option $1" >&2; usage ;;
	*) [ -z "$KDIR" ] || usage; KDIR=$1; shift ;;
	esac
done

if [ -n "$CHROOT" ]; then
	CHROOT=$(cd "$CHROOT" && pwd)
	if [ -z "$KDIR" ]; then
		echo "build-driver: --chroot needs KDIR (see scripts/kernel-trees.sh)" >&2
		exit 2
	fi
	case $KDIR in "$CHROOT"/*) KDIR=${KDIR#"$CHROOT"} ;; esac
	[ -f "$CHROOT$KDIR/Makefile" ] || {
		echo "build-driver: $CHROOT$KDIR is not a kernel build tree" >&2
		exit 1
	}
	tmp=$(mktemp -d "$CHROOT/tmp/mypoll-build.XXXXXX")
	inner=${tmp#"$CHROOT"}
else
	KDIR=${KDIR:-/lib/modules/$(uname -r)/build}
	[ -f "$KDIR/Makefile" ] || {
		echo "build-driver: $KDIR is not a kernel build tree (install the kernel headers, or see scripts/kernel-trees.sh)" >&2
		exit 1
	}
	tmp=$(mktemp -d /tmp/mypoll-build.XXXXXX)
	inner=$tmp
fi
trap 'rm -rf "$tmp"' EXIT

cp "$SRC/mypoll.c" "$SRC/mypoll.h" "$SRC/mypoll_gpio_sim.c" "$SRC/Makefile" "$tmp/"
[ ! -f "$SRC/Kbuild" ] || cp "$SRC/Kbuild" "$tmp/"

log=$tmp/build.log
cmd=(make -C "$inner" KDIR="$KDIR" W=1)
[ -z "$CROSS" ] || cmd+=(CROSS_COMPILE="$CROSS")
if [ -n "$CHROOT" ]; then
	# objtool of newer kernels reads /proc; the chroot gets its own /proc
	# in a private mount namespace, gone when the build ends.
	# shellcheck disable=SC2016 # $1 and $@ are the inner shell's
	cmd=(unshare --mount --propagation private sh -c
		'mount -t proc proc "$1/proc" && exec chroot "$@"' sh
		"$CHROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin
		HOME=/root LC_ALL=C "${cmd[@]}")
else
	cmd=(env LC_ALL=C "${cmd[@]}")
fi

echo "build-driver: ${cmd[*]}" >&2
status=0
"${cmd[@]}" >"$log" 2>&1 || status=$?
cat "$log" >&2

if [ $status -ne 0 ]; then
	echo "build-driver: FAIL: make exited with $status" >&2
	exit 1
fi
nwarn=$(grep -ciE 'warning' "$log" || true)
if [ "$nwarn" -ne 0 ]; then
	echo "build-driver: FAIL: $nwarn warning line(s):" >&2
	grep -iE 'warning' "$log" >&2
	exit 1
fi
[ -f "$tmp/mypoll.ko" ] || { echo "build-driver: FAIL: no mypoll.ko" >&2; exit 1; }

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cp "$tmp/mypoll.ko" "$OUT/mypoll.ko"
echo "build-driver: OK, 0 warnings (KDIR=$KDIR${CHROOT:+, chroot $CHROOT}${CROSS:+, CROSS_COMPILE=$CROSS})" >&2
if [ -f "$tmp/mypoll_gpio_sim.ko" ]; then
	cp "$tmp/mypoll_gpio_sim.ko" "$OUT/mypoll_gpio_sim.ko"
	echo "$OUT/mypoll_gpio_sim.ko"
else
	# A stale one from an earlier build must not pass for this one.
	rm -f "$OUT/mypoll_gpio_sim.ko"
	echo "build-driver: no mypoll_gpio_sim.ko: the kernel lacks CONFIG_GPIOLIB_IRQCHIP or CONFIG_GPIO_CDEV" >&2
fi
echo "$OUT/mypoll.ko"
