#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Unloads the mypoll module. Fails with a clear message while a device is
# open (the module is in use), naming the processes that hold it open.
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "unload-driver: run as root" >&2; exit 1; }
if [ ! -d /sys/module/mypoll ]; then
	echo "unload-driver: mypoll is not loaded"
	exit 0
fi

refs=$(cat /sys/module/mypoll/refcnt 2>/dev/null || echo 0)
if [ "$refs" != 0 ] || ! rmmod mypoll 2>/dev/null; then
	echo "unload-driver: mypoll is in use: $refs open file(s) of /dev/mypoll*; close them first" >&2
	for p in /proc/[0-9]*; do
		for fd in "$p"/fd/*; do
			case $(readlink "$fd" 2>/dev/null) in
			/dev/mypoll*)
				echo "  pid ${p#/proc/} ($(cat "$p/comm" 2>/dev/null)) has $(readlink "$fd") open" >&2
				break
				;;
			esac
		done
	done
	exit 1
fi
echo "unload-driver: mypoll unloaded"
