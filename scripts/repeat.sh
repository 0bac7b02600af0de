#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs a command N times in a row, to show that a test passes every time and
# how long it takes: its output as it comes, then after each run
# "repeat: run I/N: exit S, T s", and at the end
# "repeat: P passed, F failed of N; time min/median/max A/B/C s".
# Exits 1 when any run failed.
#
# Usage: scripts/repeat.sh N COMMAND [ARG]...
#   e.g. scripts/repeat.sh 20 scripts/qemu-test.sh --kernel 6.1-rt
set -uo pipefail

if [ $# -lt 2 ] || [[ ! $1 =~ ^[1-9][0-9]*$ ]]; then
	sed -n '3,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
fi
n=$1
shift

times=()
failed=0
for ((i = 1; i <= n; i++)); do
	t0=${EPOCHREALTIME/./}
	"$@"
	rc=$?
	# Tenths of a second.
	t=$(((${EPOCHREALTIME/./} - t0) / 100000))
	times+=("$t")
	[ "$rc" = 0 ] || failed=$((failed + 1))
	echo "repeat: run $i/$n: exit $rc, $((t / 10)).$((t % 10)) s"
done

printf '%s\n' "${times[@]}" | sort -n | awk -v n="$n" -v f="$failed" '
	{ t[NR] = $1 }
	END {
		med = n % 2 ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2
		printf "repeat: %d passed, %d failed of %d; time min/median/max %.1f/%.1f/%.1f s\n",
			n - f, f, n, t[1] / 10, med / 10, t[n] / 10
	}'
[ "$failed" = 0 ]
