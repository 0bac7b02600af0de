# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Host-side helpers of scripts/qemu-test.sh, scripts/qemu-debug-test.sh,
# scripts/qemu-e2e.sh and scripts/qemu-arm64-test.sh, sourced by them after
# they set TOOL (the prefix of their messages) and keep (1: the work
# directory stays for a look afterwards).

log() {
	echo "$TOOL: $*" >&2
}

# need_packages PKG...: installs the Debian packages that are missing.
# Non-zero, with the end of the apt log on stderr, when that fails; then
# $missing_packages names them and the log, for the caller's FAIL line.
need_packages() {
	local pkg apt_log=/tmp/$TOOL-apt.log
	local missing=()

	for pkg in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
		     grep -q 'install ok installed'; then
			missing+=("$pkg")
		fi
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! { apt-get -o DPkg::Lock::Timeout=600 update &&
	       apt-get -o DPkg::Lock::Timeout=600 install -y \
		       --no-install-recommends "${missing[@]}"; } \
	       >"$apt_log" 2>&1; then
		tail -n 20 "$apt_log" >&2
		# shellcheck disable=SC2034 # read by the caller
		missing_packages="${missing[*]} (log: $apt_log)"
		return 1
	fi
}

# make_work TEMPLATE: creates the work directory ($work) and removes it at
# exit, after stopping the guests: the pids in $bg_pids, and those in any
# $work/*/qemu.pid (boot_guest's).
make_work() {
	work=$(mktemp -d "$1")
	bg_pids=()
	trap cleanup EXIT
	trap 'exit 130' INT TERM
}

cleanup() {
	local p f

	for f in "$work"/*/qemu.pid; do
		if [ -f "$f" ]; then
			kill "$(cat "$f")" 2>/dev/null || true
		fi
	done
	for p in "${bg_pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	if [ "${keep:-0}" = 1 ]; then
		log "work directory kept: $work"
	else
		rm -rf "$work"
	fi
}

# build_tools [--in DIR] MAKE_ARGS...: builds driver/tools in
# $work/src/tools (or DIR/tools), a copy, so that the tree's own builds stay
# as they are. Non-zero, with the end of the build log on stderr, when make
# fails.
build_tools() {
	local src=$work/src

	if [ "$1" = --in ]; then
		src=$2
		shift 2
	fi
	mkdir -p "$src/kernel"
	cp -r driver/tools "$src/tools"
	cp driver/kernel/mypoll.h "$src/kernel/"
	make -C "$src/tools" clean >/dev/null 2>&1 || true
	if ! make -C "$src/tools" "$@" >"$src/tools.log" 2>&1; then
		tail -n 30 "$src/tools.log" >&2
		return 1
	fi
}

# make_initramfs DIR INIT OUT [BUSYBOX]: the guest's root in DIR (busybox,
# this host's or BUSYBOX, /init from INIT, the guest helpers,
# /dev/console), packed into OUT. What else the guest needs is copied into
# DIR before.
make_initramfs() {
	local r=$1

	mkdir -p "$r/bin" "$r/dev" "$r/proc" "$r/sys" "$r/tmp"
	cp "${4:-/bin/busybox}" "$r/bin/busybox"
	ln -s busybox "$r/bin/sh"
	install -m 0755 "$2" "$r/init"
	install -m 0644 scripts/qemu/guest-lib.sh "$r/guest-lib.sh"
	# The kernel opens /dev/console for init before devtmpfs is mounted.
	mknod -m 0600 "$r/dev/console" c 5 1
	(cd "$r" && find . | cpio -o -H newc --quiet) | gzip -1 >"$3"
}

# add_modules DIR KROOT RELEASE MODULE...: copies the kernel's modules
# (paths under kernel/, without .ko) from KROOT/lib/modules/RELEASE into
# DIR/modules, and their names in that order into DIR/modules/order, which
# guest_start loads first.
add_modules() {
	local r=$1 from=$2/lib/modules/$3/kernel m

	shift 3
	mkdir -p "$r/modules"
	for m in "$@"; do
		cp "$from/$m.ko" "$r/modules/" || return 1
		echo "${m##*/}.ko" >>"$r/modules/order"
	done
}

# The modules of Debian's arm64 kernel that an arm64 guest (boot_guest)
# needs for its results port and its keyboard, for add_modules.
# shellcheck disable=SC2034 # used by the scripts that source this
ARM64_GUEST_MODULES="drivers/virtio/virtio_mmio drivers/char/virtio_console
drivers/virtio/virtio_input"

# boot_why STATUS SECONDS: why a guest gave no complete result, from the
# exit status of timeout(1) around its qemu.
boot_why() {
	if [ "$1" = 124 ] || [ "$1" = 137 ]; then
		echo "timeout after $2 s"
	else
		echo "qemu exit $1 after $2 s"
	fi
}

# console_tail FILE PREFIX: the last 25 lines of a guest console, without
# the firmware's terminal escapes and blank lines. An empty console (a
# "quiet" arm64 guest before its first message) prints nothing and is no
# error.
console_tail() {
	{ sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' "$1" 2>/dev/null |
		tr -d '\r' | grep -v '^[[:space:]]*$' || true; } |
		tail -n 25 | sed "s/^/$2/"
}

# What a guest's kernel command line always has: sysrq for guest_dump, and
# the hung-task detector's report after 30 s in D state (Debian's default is
# 120 s, more than a guest is given), so that a hang explains itself in the
# console.
GUEST_APPEND="sysrq_always_enabled sysctl.kernel.hung_task_timeout_secs=30"

# monitor SOCKET COMMAND...: sends HMP commands to a QEMU monitor, a second
# apart (a sendkey must be released before the next). perl-base is
# essential in Debian; bash has no Unix sockets.
monitor() {
	perl -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Peer => shift) or die "$!\n";
		for (@ARGV) { print $s "$_\n"; sleep 1 }' "$@"
}

# guest_dump DIR: a guest that runs out of time says what its tasks are
# doing before it is stopped: through the monitor, sysrq 9 (every message to
# the console, since "quiet" hides the dumps' KERN_INFO lines), w (blocked
# tasks), l (a backtrace of every CPU) and t (every task), into
# DIR/console.log; waits until the console has been quiet for 3 s (at most
# 30 s). The console up to then stays in DIR/console-at-timeout.log, what
# came after in DIR/hang.log.
guest_dump() {
	local d=$1 size=-1 quiet=0 i start

	cp "$d/console.log" "$d/console-at-timeout.log"
	start=$(($(wc -l <"$d/console.log") + 1))
	if ! monitor "$d/monitor.sock" "sendkey alt-sysrq-9" \
		"sendkey alt-sysrq-w" "sendkey alt-sysrq-l" \
		"sendkey alt-sysrq-t" 2>"$d/monitor.err"; then
		echo "(no task dump: monitor: $(cat "$d/monitor.err"))" >"$d/hang.log"
		return
	fi
	for ((i = 0; i < 30 && quiet < 3; i++)); do
		sleep 1
		if [ "$(stat -c %s "$d/console.log")" = "$size" ]; then
			quiet=$((quiet + 1))
		else
			quiet=0
			size=$(stat -c %s "$d/console.log")
		fi
	done
	tail -n +"$start" "$d/console.log" | tr -d '\r' >"$d/hang.log"
}

# boot_guest DIR KERNEL TIMEOUT MEMORY_MB APPEND [ARCH [QEMU_ARG...]]: boots
# KERNEL with DIR/initrd.gz (made by make_initramfs; nothing happens unless DIR/ready
# exists) under TCG with two vCPUs on two host threads, so that the guest's
# CPUs really run in parallel, for at most TIMEOUT seconds. The guest's
# console goes to DIR/console.log, its second serial port (the results) to
# DIR/results.log; "STATUS SECONDS" go to DIR/boot, STATUS as timeout(1)
# gives it (124: out of time). A guest out of time is dumped (guest_dump)
# before it is stopped. APPEND is added to the kernel command line.
# ARCH is x86_64 (the default, a PC) or arm64: QEMU's "virt" board with two
# Cortex-A57 cores, whose one UART is the console; the results go to a
# virtio serial port named "results" (the guest loads virtio_mmio and
# virtio_console from /modules, see guest_start), and a virtio keyboard
# takes guest_dump's sysrq keys (virtio_input binds only a virtio 1.0
# device: QEMU makes virtio-mmio ones legacy unless told otherwise).
# QEMU_ARGs are added to QEMU's (more devices: a network, a shared
# directory).
boot_guest() {
	local d=$1 rc=0 t0 pid
	local machine=(qemu-system-x86_64 -serial "file:$d/results.log")
	local console=ttyS0

	[ -f "$d/ready" ] || return 0
	if [ "${6:-x86_64}" = arm64 ]; then
		# shellcheck disable=SC2054 # commas within QEMU's options
		machine=(qemu-system-aarch64 -machine virt -cpu cortex-a57
			-global virtio-mmio.force-legacy=false
			-device virtio-serial-device
			-chardev "file,id=results,path=$d/results.log"
			-device virtserialport,chardev=results,name=results
			-device virtio-keyboard-device)
		console=ttyAMA0
	fi
	t0=$(date +%s)
	"${machine[0]}" -accel tcg,thread=multi \
		-m "$4" -smp 2 -nographic -no-reboot \
		-monitor "unix:$d/monitor.sock,server=on,wait=off" \
		-serial "file:$d/console.log" "${machine[@]:1}" \
		-kernel "$2" -initrd "$d/initrd.gz" \
		-append "console=$console panic=-1 quiet $GUEST_APPEND $5" "${@:7}" \
		</dev/null >"$d/qemu.log" 2>&1 &
	pid=$!
	echo "$pid" >"$d/qemu.pid"
	while kill -0 "$pid" 2>/dev/null &&
	      [ $(($(date +%s) - t0)) -lt "$3" ]; do
		sleep 1
	done
	if kill -0 "$pid" 2>/dev/null; then
		guest_dump "$d"
		kill "$pid" 2>/dev/null || true
		wait "$pid" || true
		rc=124
	else
		wait "$pid" || rc=$?
	fi
	rm -f "$d/qemu.pid"
	echo "$rc $(($(date +%s) - t0))" >"$d/boot"
}

# report_start, then report_results NAME DIR for each guest, then
# report_end: prints the results a guest wrote to DIR/results.log as
# "[NAME] PASS|FAIL name: detail" ("[NAME] bench: ..." for its figures,
# "[NAME] note: ..." for what it could not check), a FAIL for a guest that
# did not finish (with the end of its console), "[NAME] N passed, N failed"
# per guest, and at the end the problems and "TOOL: N passed, N failed".
# report_end's status is 0 only when every guest passed everything.
report_start() {
	total_pass=0
	total_fail=0
	problems=()
}

report_results() {
	local k=$1 d=$2 pass=0 fail=0 ended=0 load_err=0 line rc secs why

	while IFS= read -r line; do
		line=${line%$'\r'}
		case "$line" in
		PASS\ *)
			echo "[$k] $line"
			pass=$((pass + 1))
			;;
		FAIL\ *)
			echo "[$k] $line"
			fail=$((fail + 1))
			case "$line" in
			"FAIL module loads"*) load_err=1 ;;
			esac
			;;
		BENCH\ *) echo "[$k] bench: ${line#BENCH }" ;;
		NOTE\ *) echo "[$k] note: ${line#NOTE }" ;;
		START\ *) echo "[$k] kernel ${line#START }" ;;
		END) ended=1 ;;
		esac
	done <"$d/results.log"

	if [ -f "$d/ready" ] && [ "$ended" = 0 ]; then
		read -r rc secs <"$d/boot" || { rc='?'; secs='?'; }
		why=$(boot_why "$rc" "$secs")
		if [ -f "$d/hang.log" ]; then
			echo "[$k] FAIL boot: no complete result from the guest ($why); console tail at the timeout:"
			console_tail "$d/console-at-timeout.log" "[$k]   "
			echo "[$k] task dump (sysrq w, l, t) and the console after it:"
			sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' "$d/hang.log" |
				sed "s/^/[$k] dump: /"
		else
			echo "[$k] FAIL boot: no complete result from the guest ($why); console tail:"
			console_tail "$d/console.log" "[$k]   "
		fi
		fail=$((fail + 1))
		problems+=("$k: missing result ($why)")
	elif [ ! -f "$d/ready" ]; then
		problems+=("$k: module or initramfs build failed")
	fi
	if [ "$fail" -gt 0 ] && [ "$ended" = 1 ]; then
		echo "[$k] console tail:"
		console_tail "$d/console.log" "[$k]   "
	fi
	[ "$load_err" = 0 ] || problems+=("$k: module load error")
	if [ "$fail" -gt 0 ] && [ "$ended" = 1 ] && [ "$load_err" = 0 ]; then
		problems+=("$k: $fail check(s) failed")
	fi
	if [ -f "$d/boot" ]; then
		read -r _ secs <"$d/boot"
		echo "[$k] $pass passed, $fail failed (guest ran $secs s)"
	else
		echo "[$k] $pass passed, $fail failed"
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
}

report_end() {
	local p

	for p in "${problems[@]}"; do
		echo "$TOOL: FAIL $p"
	done
	echo "$TOOL: $total_pass passed, $total_fail failed"
	[ ${#problems[@]} -eq 0 ] && [ "$total_fail" -eq 0 ]
}
