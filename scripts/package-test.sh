#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages in a Debian 13 (trixie) chroot and checks them:
#
#   scripts/package-test.sh [DEB...]
#
# DEB  the packages to test; default: what scripts/package.sh builds
#
# The chroot is the one scripts/kernel-trees.sh keeps for the 6.12 build
# ($MYPOLL_CACHE/trixie, made when missing). It is never changed: the test
# runs in an overlay of it, removed at the end. In it, `apt-get install
# ./mypoll-bridge_*.deb ./mypoll-dkms_*.deb` pulls a Java runtime and dkms
# from Debian's mirror (the downloads are kept in
# $MYPOLL_CACHE/package-test-apt for the next run), with systemd and udev
# for their verify commands (the chroot of kernel-trees.sh has them already).
# Then it checks:
#
#   - lintian finds no error or warning in the packages;
#   - the mypoll-bridge user and group exist, as system accounts;
#   - the files are in place with their owners and modes, and the
#     configuration is listed as the package's conffiles;
#   - the installed bridge starts as that user, with the unit's command line,
#     and answers /health;
#   - `systemd-analyze verify` accepts the unit and `udevadm verify` the
#     udev rule; `systemd-analyze security --offline=true` gives the
#     unit's exposure score, which must stay at or below MAX_EXPOSURE;
#   - booted in a container (systemd-nspawn -b), systemd starts the unit
#     (Type=notify: ready once it serves), and when the bridge's device-loop
#     thread is frozen (driver/tools/freeze_thread), the watchdog times out
#     and systemd starts the bridge again, which answers /health;
#   - DKMS built and installed the module for the chroot's kernel headers,
#     with no warning, and builds it again from the kernel hook that a new
#     kernel's headers package runs;
#   - purging both packages removes the module, the files and the user.
#
# Environment: MYPOLL_CACHE (see scripts/kernel-trees.sh), MAX_EXPOSURE
# (default 2.0). Run as root. Prints PASS/FAIL lines and exits non-zero on any
# FAIL.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${MYPOLL_CACHE:-/var/cache/mypoll-bridge}
MAX_EXPOSURE=${MAX_EXPOSURE:-2.0}
UNIT=/usr/lib/systemd/system/mypoll-bridge.service
RULES=/usr/lib/udev/rules.d/60-mypoll-bridge.rules
export LC_ALL=C

log() { echo "package-test: $*" >&2; }
die() {
	log "error: $*"
	exit 1
}
failures=0
pass() { echo "PASS $*"; }
fail() {
	echo "FAIL $*"
	failures=$((failures + 1))
}
# check NAME COMMAND...: PASS or FAIL by COMMAND's status.
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

[ "$(id -u)" -eq 0 ] || die "run as root (mounts an overlay, uses chroot)"
missing=()
command -v curl >/dev/null || missing+=(curl)
command -v lintian >/dev/null || missing+=(lintian)
command -v systemd-nspawn >/dev/null || missing+=(systemd-container)
if [ ${#missing[@]} -gt 0 ]; then
	log "installing on this host: ${missing[*]}"
	apt-get update -q >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
		die "cannot install ${missing[*]}"
fi
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
	die "this kernel has no overlayfs (the test runs in an overlay of the chroot)"

# The chroot, and the kernel whose headers it holds.
line=$("$ROOT/scripts/kernel-trees.sh" 6.12) || die "scripts/kernel-trees.sh 6.12 failed"
read -r _ kdir _ lower <<<"$line"
[ -d "$lower" ] || die "no chroot in '$line'"
kver=${kdir#/usr/src/linux-headers-}

if [ $# -gt 0 ]; then
	debs=("$@")
else
	mapfile -t debs < <("$ROOT/scripts/package.sh")
fi
[ ${#debs[@]} -gt 0 ] || die "no packages to test"
for deb in "${debs[@]}"; do
	[ -f "$deb" ] || die "$deb: no such file"
done
version=$(dpkg-deb -f "${debs[0]}" Version)

if lint=$(lintian --fail-on error,warning "${debs[@]}" 2>&1); then
	pass "lintian: no error or warning"
else
	echo "$lint" >&2
	fail "lintian"
fi

# ---- the overlay ------------------------------------------------------------

mkdir -p "$CACHE/package-test-apt/partial"
work=$(mktemp -d "$CACHE/package-test.XXXXXX")
root=$work/merged
mounts=()
bridge_pid=
cleanup() {
	local i
	[ -z "$bridge_pid" ] || kill "$bridge_pid" 2>/dev/null || true
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount "${mounts[$i]}" 2>/dev/null || umount -l "${mounts[$i]}" || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
# mnt DIR ARGS...: mounts ARGS on DIR, unmounted on exit.
mnt() {
	local dir=$1
	shift
	mkdir -p "$dir"
	mount "$@" "$dir"
	mounts+=("$dir")
}
mkdir "$work/upper" "$work/work"
mnt "$root" -t overlay overlay \
	-o "lowerdir=$lower,upperdir=$work/upper,workdir=$work/work"
mnt "$root/proc" -t proc proc
mnt "$root/sys" -t sysfs sysfs
mnt "$root/dev" --bind /dev
mnt "$root/var/cache/apt/archives" --bind "$CACHE/package-test-apt"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# No service starts in the chroot.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
mkdir "$root/tmp/debs"
cp "${debs[@]}" "$root/tmp/debs/"

in_root() {
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
		LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"
}

# ---- install ----------------------------------------------------------------

log "installing ${debs[*]##*/} in an overlay of $lower"
in_root apt-get -q -o Acquire::Check-Valid-Until=false update >&2 ||
	die "apt-get update failed in the chroot (Debian's mirror unreachable?)"
debs_in=()
for deb in "${debs[@]}"; do
	debs_in+=("/tmp/debs/${deb##*/}")
done
if in_root apt-get install -y -q --no-install-recommends "${debs_in[@]}" systemd udev \
	>"$work/install.log" 2>&1; then
	pass "apt-get install ${debs_in[*]##*/}"
else
	cat "$work/install.log" >&2
	fail "apt-get install ${debs_in[*]##*/}"
	exit 1
fi
sed -n '/^Setting up mypoll-dkms/,/^Setting up\|^Processing/p' "$work/install.log" >&2

# ---- the user, the files ----------------------------------------------------

user=$(in_root getent passwd mypoll-bridge || true)
group=$(in_root getent group mypoll-bridge || true)
uid=$(echo "$user" | cut -d: -f3)
gid=$(echo "$group" | cut -d: -f3)
log "user: $user; group: $group"
check "user mypoll-bridge is a system user with no login" \
	test -n "$uid" -a "${uid:-1000}" -lt 1000 -a "$(echo "$user" | cut -d: -f7)" = /usr/sbin/nologin
check "group mypoll-bridge is the user's group" \
	test -n "$gid" -a "$(echo "$user" | cut -d: -f4)" = "$gid"

# stat_is PATH OWNER:GROUP MODE
stat_is() {
	local got
	got=$(stat -c '%U:%G %a' "$root$1" 2>/dev/null) || got=missing
	[ "$got" = "$2 $3" ] || { log "$1: $got, expected $2 $3"; return 1; }
}
for f in /usr/share/mypoll-bridge/mypoll-bridge.jar /etc/mypoll-bridge/config.json \
	/etc/mypoll-bridge/jvm.options "$UNIT" "$RULES" /usr/lib/modules-load.d/mypoll.conf \
	"/usr/src/mypoll-$version/dkms.conf" "/usr/src/mypoll-$version/mypoll.c"; do
	check "$f root:root 0644" stat_is "$f" root:root 644
done
# shellcheck disable=SC2016 # ${Conffiles} is dpkg-query's
conffiles=$(in_root dpkg-query -W -f='${Conffiles}\n' mypoll-bridge | awk 'NF {print $1}' | sort | tr '\n' ' ')
check "conffiles: $conffiles" test "$conffiles" = "/etc/mypoll-bridge/config.json /etc/mypoll-bridge/jvm.options "

# ---- the bridge runs as its user --------------------------------------------

# The unit's ExecStart, as the unit's user, on a free port.
exec_start=$(sed -n 's/^ExecStart=//p' "$root$UNIT")
read -r -a cmd <<<"$exec_start"
chroot --userspec=mypoll-bridge:mypoll-bridge "$root" env -i PATH=/usr/bin:/bin \
	MYPOLL_HTTP_PORT=0 MYPOLL_LOG_EVENTS=false "${cmd[@]}" >"$work/bridge.log" 2>&1 &
bridge_pid=$!
url=
for _ in $(seq 120); do
	url=$(grep -o 'serving http://[0-9.:]*/' "$work/bridge.log" | cut -d' ' -f2) || true
	if [ -n "$url" ] || ! kill -0 "$bridge_pid" 2>/dev/null; then break; fi
	sleep 0.5
done
health=$(curl -fsS --max-time 5 "${url}health" 2>&1) || true
check "the bridge runs as mypoll-bridge and answers ${url:-(no URL)}health: $health" test -n "$url" -a -n "$health"
kill "$bridge_pid" 2>/dev/null || true
wait "$bridge_pid" 2>/dev/null || true
bridge_pid=
[ $failures -eq 0 ] || cat "$work/bridge.log" >&2

# ---- systemd and udev -------------------------------------------------------

# systemd-analyze inside the chroot, whose systemd is not running: verify
# loads the unit as the manager would and reports what it rejects.
verify=$(in_root systemd-analyze verify "$UNIT" 2>&1) || true
[ -z "$verify" ] || echo "$verify" >&2
check "systemd-analyze verify accepts the unit" test -z "$verify"

in_root systemd-analyze security --offline=true "$UNIT" >"$work/security.txt" 2>&1 || true
# The settings that add to the exposure.
grep -v '^[+✓] ' "$work/security.txt" >&2 || true
score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p' "$work/security.txt")
echo "exposure: ${score:-none} ($(grep -o 'Overall exposure level.*' "$work/security.txt" || true))"
check "systemd-analyze security: exposure ${score:-none} <= $MAX_EXPOSURE" \
	awk -v s="${score:-99}" -v m="$MAX_EXPOSURE" 'BEGIN {exit !(s <= m)}'

udev=$(in_root udevadm verify --resolve-names=never "$RULES" 2>&1) ||
	{ echo "$udev" >&2; udev=; }
check "udevadm verify accepts the rules" test -n "$udev"

# ---- systemd: ready, and the watchdog ----------------------------------------

# The overlay booted as a container (systemd-nspawn -b, its own network
# namespace with loopback only), the unit as installed: a oneshot unit in
# it starts mypoll-bridge (Type=notify: the start returns at READY=1),
# stops the bridge's device-loop thread alone with freeze_thread (ptrace),
# waits for systemd to time the watchdog out and start the bridge again, and
# writes what it saw to /var/tmp/watchdog-test.log; then powers off.
if make -s -C "$ROOT/driver/tools" freeze_thread >&2 && command -v systemd-nspawn >/dev/null; then
	install -m 0755 "$ROOT/driver/tools/freeze_thread" "$root/usr/local/bin/freeze_thread"
	cat >"$root/usr/local/sbin/mypoll-watchdog-test" <<'EOF_TEST'
#!/bin/bash
# Runs in the booted overlay; see scripts/package-test.sh.
out=/var/tmp/watchdog-test.log
say() { echo "$*" >>"$out"; }
# The status line of GET /health on the health listener (8081, the packaged
# config.json's health.port), or with an argument on that port.
health() {
	timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/${1:-8081} &&
		printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && head -n 1 <&3" 2>/dev/null | tr -d '\r'
}
t0=$SECONDS
systemctl start mypoll-bridge
say "ready $(systemctl show -P ActiveState mypoll-bridge) after $((SECONDS - t0)) s"
pid=$(systemctl show -P MainPID mypoll-bridge)
say "pid $pid"
say "health $(health)"
say "server $(health 8080)"
tid=$(grep -lx device-loop /proc/"$pid"/task/*/comm 2>/dev/null | head -n 1 | cut -d/ -f5)
say "loop $tid"
freeze_thread "$tid" 120 >>"$out" 2>&1 &
t0=$SECONDS
new=$pid
while [ $((SECONDS - t0)) -lt 100 ]; do
	sleep 1
	new=$(systemctl show -P MainPID mypoll-bridge)
	if [ "$new" != 0 ] && [ "$new" != "$pid" ] && [ -n "$(health)" ]; then break; fi
done
if [ "$new" != 0 ] && [ "$new" != "$pid" ]; then
	say "restarted yes: MainPID $pid, then $new, $((SECONDS - t0)) s after the freeze"
else
	say "restarted no: MainPID $pid, then $new, $((SECONDS - t0)) s after the freeze"
fi
say "health $(health)"
say "restarts $(systemctl show -P NRestarts mypoll-bridge)"
journalctl -b -u mypoll-bridge --no-pager -o cat | grep -iE 'watchdog|Scheduled restart' | sed 's/^/journal /' >>"$out"
say END
systemctl poweroff --no-block
EOF_TEST
	chmod 0755 "$root/usr/local/sbin/mypoll-watchdog-test"
	cat >"$root/etc/systemd/system/mypoll-watchdog-test.service" <<'EOF_UNIT'
[Unit]
Description=mypoll-bridge: the watchdog restarts a wedged bridge
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/mypoll-watchdog-test
[Install]
WantedBy=multi-user.target
EOF_UNIT
	ln -sf /etc/systemd/system/mypoll-watchdog-test.service \
		"$root/etc/systemd/system/multi-user.target.wants/mypoll-watchdog-test.service"
	rm -f "$root/usr/sbin/policy-rc.d" "$root/var/tmp/watchdog-test.log"
	# nspawn mounts its own /dev, /proc and /sys; the chroot's go for the boot.
	umount "$root/dev" "$root/sys" "$root/proc"
	# No machined on a host without systemd: --keep-unit --register=no.
	(cd / && timeout -k 5 240 systemd-nspawn -q --keep-unit --register=no --private-network \
		-D "$root" -b systemd.unit=multi-user.target </dev/null >"$work/nspawn.log" 2>&1) || true
	mount -t proc proc "$root/proc"
	mount -t sysfs sysfs "$root/sys"
	mount --bind /dev "$root/dev"
	wd=$root/var/tmp/watchdog-test.log
	[ -f "$wd" ] && sed 's/^/  /' "$wd" >&2
	check "systemd started the bridge once it was ready (Type=notify) and it answers /health" \
		grep -qE '^health HTTP/1\.[01] [0-9]{3}' "$wd"
	check "the HTTP server answers /health too" grep -qE '^server HTTP/1\.[01] [0-9]{3}' "$wd"
	check "the bridge warned that its device loop does not answer once the loop was frozen" \
		grep -q 'systemd watchdog: the device loop does not answer' "$wd"
	check "systemd timed the watchdog out: $(grep -m1 -io 'watchdog timeout[^!]*' "$wd" 2>/dev/null)" \
		grep -qi 'watchdog timeout' "$wd"
	again=$(grep '^restarted' "$wd" 2>/dev/null || true)
	last_health=$(grep '^health' "$wd" 2>/dev/null | tail -n 1 || true)
	check "systemd started the bridge again (${again#restarted }) and it answers /health: ${last_health#health }" \
		sh -c "grep -q '^restarted yes' '$wd' && grep '^health' '$wd' | tail -n 1 | grep -qE 'HTTP/1\.[01] [0-9]{3}'"
	[ $failures -eq 0 ] || tail -n 30 "$work/nspawn.log" >&2
else
	fail "systemd watchdog: no freeze_thread or no systemd-nspawn (apt-get install systemd-container)"
fi

# ---- DKMS -------------------------------------------------------------------

status=$(in_root dkms status mypoll 2>&1 || true)
echo "dkms status after install: $status"
# A kernel upgrade: a new kernel's headers package runs the hooks of
# /etc/kernel/header_postinst.d, where dkms builds every AUTOINSTALL module
# for that kernel. Run for the chroot's kernel, with the module removed
# from it (and added back without a build, as for a kernel DKMS has not
# seen), the hook must build and install it again.
in_root dkms remove "mypoll/$version" -k "$kver" >&2 || true
in_root dkms add "mypoll/$version" >&2 || true
hook=/etc/kernel/header_postinst.d/dkms
[ -x "$root$hook" ] || fail "no $hook in the chroot"
in_root "$hook" "$kver" >&2 || fail "$hook $kver"
status=$(in_root dkms status mypoll 2>&1 || true)
echo "dkms status after $hook $kver: $status"
check "dkms: mypoll/$version installed for $kver" \
	grep -q "^mypoll/$version, $kver, [^:]*: installed" <<<"$status"
ko=$(in_root find "/lib/modules/$kver/updates" -name 'mypoll.ko*' 2>/dev/null | head -n 1)
check "the module is ${ko:-missing}" test -n "$ko"
vermagic=$(in_root modinfo -F vermagic "$ko" 2>/dev/null || true)
check "its vermagic is $kver: ${vermagic%% *}" test "${vermagic%% *}" = "$kver"
# dkms 3.0 keeps the build log in build/, newer ones under KERNEL/ARCH/log/.
makelog=$(find "$root/var/lib/dkms/mypoll/$version" -name make.log | head -n 1)
warnings=$(grep -i warning "${makelog:-/dev/null}") || true
[ -z "$warnings" ] || echo "$warnings" >&2
check "DKMS's build log ${makelog#"$root"} has no warning" test -n "$makelog" -a -z "$warnings"

# ---- purge --------------------------------------------------------------------

in_root apt-get purge -y -q mypoll-bridge mypoll-dkms >"$work/purge.log" 2>&1 ||
	{ cat "$work/purge.log" >&2; fail "apt-get purge"; }
left=$(in_root sh -c "ls -d /etc/mypoll-bridge /usr/share/mypoll-bridge /usr/src/mypoll-$version \
	/var/lib/dkms/mypoll; find /lib/modules -name 'mypoll.ko*'; getent passwd mypoll-bridge; \
	getent group mypoll-bridge" 2>/dev/null) || true
check "purge leaves nothing behind${left:+: $left}" test -z "$left"

echo "package-test: $((SECONDS)) s, $failures failure(s)"
[ $failures -eq 0 ]
