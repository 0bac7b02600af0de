#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Loads the mypoll module and gives its device nodes to a group.
#
#   scripts/load-driver.sh [--ko FILE] [--group G] [param=value ...]
#
# param=value  module parameters: period_us=, queue_len=, count=
# --ko FILE    module to load, default driver/kernel/mypoll.ko
# --group G    chgrp the nodes to group G and chmod 0660. Without it: the
#              group mypoll-bridge (the service's, made by the Debian
#              package) when it exists, else the nodes stay as the kernel
#              and udev made them (root only). Never 0666.
#
# Prints the device nodes. Run as root.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
KO=$ROOT/driver/kernel/mypoll.ko
GROUP=
DEFAULT_GROUP=mypoll-bridge
params=()

usage() {
	sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--ko) [ $# -ge 2 ] || usage; KO=$2; shift 2 ;;
	--group) [ $# -ge 2 ] || usage; GROUP=$2; shift 2 ;;
	-h | --help) usage ;;
	*=*) params+=("$1"); shift ;;
	*) echo "load-driver: unexpected argument '$1'" >&2; usage ;;
	esac
done

[ "$(id -u)" -eq 0 ] || { echo "load-driver: run as root" >&2; exit 1; }
[ -f "$KO" ] || { echo "load-driver: $KO not found; build it with scripts/build-driver.sh" >&2; exit 1; }
if [ -n "$GROUP" ] && ! getent group "$GROUP" >/dev/null; then
	echo "load-driver: no group '$GROUP'" >&2
	exit 1
fi
if [ -z "$GROUP" ] && getent group "$DEFAULT_GROUP" >/dev/null; then
	GROUP=$DEFAULT_GROUP
fi
if [ -d /sys/module/mypoll ]; then
	echo "load-driver: mypoll is already loaded (scripts/unload-driver.sh first)" >&2
	exit 1
fi

if ! insmod "$KO" "${params[@]}"; then
	echo "load-driver: insmod failed; the kernel log says:" >&2
	dmesg 2>/dev/null | grep -i mypoll | tail -n 5 >&2 || true
	exit 1
fi

# The nodes come from devtmpfs (or udev); wait for them briefly.
nodes=()
for _ in $(seq 50); do
	nodes=()
	for sys in /sys/class/misc/mypoll*; do
		[ -e "$sys" ] || continue
		node=/dev/$(basename "$sys")
		[ -c "$node" ] && nodes+=("$node")
	done
	n=$(find /sys/class/misc -maxdepth 1 -name 'mypoll*' | wc -l)
	[ "$n" -gt 0 ] && [ ${#nodes[@]} -eq "$n" ] && break
	sleep 0.1
done
if [ ${#nodes[@]} -eq 0 ]; then
	echo "load-driver: mypoll loaded but no /dev/mypoll* node appeared" >&2
	exit 1
fi

for node in "${nodes[@]}"; do
	if [ -n "$GROUP" ]; then
		chgrp "$GROUP" "$node"
		chmod 0660 "$node"
	fi
	echo "$node"
done
if [ -z "$GROUP" ]; then
	echo "load-driver: no group '$DEFAULT_GROUP': the nodes are left as they are" \
		"($(stat -c '%U:%G %a' "${nodes[0]}")); give them to a group of users with --group G" >&2
fi
