# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=sh
# Helpers of the QEMU guests' /init scripts (scripts/qemu/init and
# scripts/qemu/e2e-init), busybox sh. Packed into each initramfs as
# /guest-lib.sh and sourced by /init.
#
# Results go to file descriptor 3 (see guest_start), one line each:
# "PASS|FAIL name: detail", and "END" last.

# Mounts what every guest needs, points fd 3 at the second serial port
# (ttyS1; a virtio serial port on arm64) so that kernel messages on the
# console (ttyS0, ttyAMA0) can never mix into the results, says "START
# <kernel>" and notes where the kernel log stands, so that only what comes
# after counts (check_kernel_log).
guest_start() {
	/bin/busybox --install -s /bin
	export PATH=/bin
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mkdir -p /tmp
	mount -t tmpfs tmpfs /tmp
	# The kernel's own modules the guest needs first, in this order: on
	# arm64 the virtio transport and serial port that carry the results
	# (the "virt" board has one UART, the console) and the virtio keyboard.
	if [ -f /modules/order ]; then
		while read -r m; do
			insmod "/modules/$m"
		done </modules/order
	fi
	# The virtio serial port first: arm64's kernel has a /dev/ttyS1 with no
	# UART behind it. A write to the port returns once the host has the
	# data.
	if [ -f /modules/order ] && results_port=$(virtio_port results); then
		exec 3>"$results_port"
	elif [ -c /dev/ttyS1 ]; then
		exec 3>/dev/ttyS1
	else
		exec 3>/dev/console
	fi
	say "START $(uname -r)"
	dmesg_base=$(dmesg | wc -l)
}

say() {
	echo "$*" >&3
}

# One line from a file (stderr of a tool), flattened and cut to 400
# characters so that a result line stays readable.
oneline() {
	tr '\n' ' ' <"$1" | sed 's/ *$//' | cut -c1-400
}

# Seconds since boot.
now() {
	cut -d' ' -f1 /proc/uptime | cut -d. -f1
}

# Runs last in finish(); an init script redefines it to save its logs.
at_finish() {
	:
}

finish() {
	at_finish
	sync
	say END
	poweroff -f
	sleep 60
}

# wait_for present|gone NODE...: up to 5 s until every device node is there
# or gone (devtmpfs creates and removes them asynchronously).
wait_for() {
	want=$1
	shift
	i=0
	while [ $i -lt 50 ]; do
		ok=1
		for n in "$@"; do
			case "$want" in
			present) [ -c "$n" ] || ok=0 ;;
			gone) [ ! -e "$n" ] || ok=0 ;;
			esac
		done
		[ $ok = 1 ] && return 0
		usleep 100000
		i=$((i + 1))
	done
	return 1
}

wait_nodes() {
	wait_for present "$@"
}

# virtio_port NAME: prints the device node of the virtio serial port that
# the host named NAME (its number, /dev/vportNpM, depends on the order in
# which the virtio devices were probed, and there is no udev for
# /dev/virtio-ports/NAME), once it is there; waits up to 5 s.
virtio_port() {
	i=0
	while [ $i -lt 50 ]; do
		for f in /sys/class/virtio-ports/*/name; do
			if [ "$(cat "$f" 2>/dev/null)" = "$1" ]; then
				f=${f%/name}
				if [ -c "/dev/${f##*/}" ]; then
					echo "/dev/${f##*/}"
					return 0
				fi
			fi
		done
		usleep 100000
		i=$((i + 1))
	done
	return 1
}

# load [-q] NAME ARGS...: insmod /mypoll.ko ARGS with a FAIL line, and a
# PASS line unless -q (where the load is only a step of a larger check);
# non-zero on failure.
load() {
	quiet=0
	if [ "$1" = -q ]; then
		quiet=1
		shift
	fi
	name=$1
	shift
	if insmod /mypoll.ko "$@" 2>/tmp/insmod.err; then
		[ $quiet = 1 ] || say "PASS $name: insmod mypoll.ko${*:+ $*}"
		return 0
	fi
	say "FAIL $name: insmod mypoll.ko${*:+ $*}: $(oneline /tmp/insmod.err)"
	return 1
}

# unload NAME [NODE...]: rmmod mypoll with a PASS or FAIL line; the device
# nodes given must be gone after it, and the module out of /proc/modules.
unload() {
	name=$1
	shift
	if ! rmmod mypoll 2>/tmp/rmmod.err; then
		say "FAIL $name: rmmod mypoll: $(oneline /tmp/rmmod.err)"
		return 1
	fi
	if ! wait_for gone "$@"; then
		say "FAIL $name: rmmod done, but a device node is still there"
		return 1
	fi
	if grep -q '^mypoll ' /proc/modules; then
		say "FAIL $name: still listed in /proc/modules"
		return 1
	fi
	say "PASS $name: rmmod mypoll${1:+, device nodes gone}"
	return 0
}

# run_checker PREFIX CMD ARGS...: runs a checker that prints "PASS|FAIL
# name: detail" lines and passes them on with PREFIX in the name. Streamed
# (a shell loop, not sed), so that the lines before a check that never
# returns still reach the port. Its stderr stays in /tmp/check.err.
run_checker() {
	prefix=$1
	shift
	rm -f /tmp/check.rc
	: >/tmp/check.out
	{
		"$@" 2>/tmp/check.err
		echo $? >/tmp/check.rc
	} | while IFS= read -r line; do
		echo "$line" >>/tmp/check.out
		case "$line" in
		"PASS "* | "FAIL "*) say "${line%% *} $prefix${line#* }" ;;
		*) say "$line" ;;
		esac
	done
	rc=$(cat /tmp/check.rc 2>/dev/null || echo "?")
	# The end of a stack trace says most.
	tail -n 5 /tmp/check.err >/tmp/check.tail
	if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
		say "FAIL ${prefix}checker: exit $rc: $(oneline /tmp/check.tail)"
	elif [ "$rc" = 1 ] && ! grep -q '^FAIL' /tmp/check.out; then
		say "FAIL ${prefix}checker: exit 1 without a FAIL line"
	fi
}

# What check_kernel_log fails on: warnings, oopses and the reports of the
# kernel's debug options (lockdep, KASAN, KCSAN, DEBUG_ATOMIC_SLEEP,
# DEBUG_OBJECTS, kmemleak).
KERNEL_LOG_BAD='WARNING|BUG|Oops|Call Trace|general protection|refcount_t'
KERNEL_LOG_BAD="$KERNEL_LOG_BAD|possible circular locking"
KERNEL_LOG_BAD="$KERNEL_LOG_BAD|possible recursive locking|inconsistent lock state"
KERNEL_LOG_BAD="$KERNEL_LOG_BAD|Invalid wait context|data-race|KASAN|ODEBUG"
KERNEL_LOG_BAD="$KERNEL_LOG_BAD|sleeping function called from invalid context"
KERNEL_LOG_BAD="$KERNEL_LOG_BAD|suspicious RCU usage|suspected memory leak"

# A report the kernel is known to make for a reason outside the project,
# set by a guest that provokes it on purpose (an ERE matching the line before
# the report): from that line to the report's "---[ end trace", it is shown
# as a NOTE, not failed. Empty: none.
KERNEL_LOG_KNOWN=

# A FAIL line per warning the kernel logged since guest_start, or one PASS.
check_kernel_log() {
	dmesg | tail -n +$((dmesg_base + 1)) >/tmp/dmesg.new
	if [ -n "$KERNEL_LOG_KNOWN" ]; then
		rm -f /tmp/dmesg.known
		awk -v known="$KERNEL_LOG_KNOWN" '
			$0 ~ known { skip = 1; print > "/tmp/dmesg.known"; next }
			skip { if (/---\[ end trace/) skip = 0; next }
			{ print }' /tmp/dmesg.new >/tmp/dmesg.rest
		mv /tmp/dmesg.rest /tmp/dmesg.new
		if [ -s /tmp/dmesg.known ]; then
			while IFS= read -r line; do
				say "NOTE kernel log, a known report: $line"
			done </tmp/dmesg.known
		fi
	fi
	grep -E "$KERNEL_LOG_BAD" /tmp/dmesg.new >/tmp/dmesg.bad
	if [ -s /tmp/dmesg.bad ]; then
		while IFS= read -r line; do
			say "FAIL kernel log: $line"
		done </tmp/dmesg.bad
	else
		say "PASS kernel log: no WARNING, BUG, Oops, Call Trace or debug report"
	fi
	# Under TCG a host that deschedules a vCPU thread makes any timer
	# interrupt look long (10 ms once on 6.1-RT, on a quiet host): shown, not
	# failed. The module's own time in the timer is checked by stress/irq-time.
	dmesg | tail -n +$((dmesg_base + 1)) | grep 'hrtimer: interrupt took' | while IFS= read -r line; do
		say "NOTE kernel log: $line"
	done
}

# irq_trace_start: records every run of the timer interrupt handler
# (hrtimer_interrupt) and of the module's timer callback (mypoll_timer_fn,
# so the module must be loaded) with the function_graph tracer. Non-zero
# when the kernel cannot trace them.
irq_trace_start() {
	tr=/sys/kernel/tracing
	[ -e $tr/current_tracer ] || mount -t tracefs tracefs $tr 2>/dev/null
	[ -e $tr/current_tracer ] || return 1
	echo 0 >$tr/tracing_on
	echo nop >$tr/current_tracer
	[ -e $tr/set_ftrace_filter ] || return 1
	echo hrtimer_interrupt 2>/dev/null >$tr/set_ftrace_filter || return 1
	echo mypoll_timer_fn 2>/dev/null >>$tr/set_ftrace_filter || return 1
	echo funcgraph-tail >$tr/trace_options
	echo 8192 >$tr/buffer_size_kb
	echo function_graph >$tr/current_tracer || return 1
	: >$tr/trace
	echo 1 >$tr/tracing_on
}

# irq_trace_stop: stops the tracer and prints, for hrtimer_interrupt and then
# mypoll_timer_fn, the runs recorded and their median, 99th percentile and
# longest duration in microseconds: "N P50 P99 MAX N P50 P99 MAX".
irq_trace_stop() {
	tr=/sys/kernel/tracing
	echo 0 >$tr/tracing_on
	awk '{
		f = /hrtimer_interrupt/ ? 1 : /mypoll_timer_fn/ ? 2 : 0
		if (!f)
			next
		for (i = 1; i < NF; i++)
			if ($(i + 1) == "us" && $i ~ /^[0-9.]+$/)
				print f, $i
	}' $tr/trace >/tmp/irq.durations
	echo nop >$tr/current_tracer
	: >$tr/set_ftrace_filter
	for f in 1 2; do
		awk -v f=$f '$1 == f { print $2 }' /tmp/irq.durations |
			sort -n >/tmp/irq.sorted
		awk '{ d[NR] = $1 } END {
			if (!NR) { printf "0 0 0 0 "; exit }
			p99 = int(NR * 0.99); if (p99 < NR * 0.99) p99++
			printf "%d %.1f %.1f %.1f ", NR, d[int((NR + 1) / 2)],
				d[p99], d[NR]
		}' /tmp/irq.sorted
	done
	echo
}

# kmemleak_check: with CONFIG_DEBUG_KMEMLEAK, scans for leaks (objects must
# be unreferenced for 5 s before they count) and says PASS, or FAIL with
# the first lines of each report. kmemleak_clear forgets what was
# suspected before, so that only what comes after counts.
kmemleak_file=/sys/kernel/debug/kmemleak
kmemleak_clear() {
	[ -e $kmemleak_file ] ||
		mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	[ -e $kmemleak_file ] || return 0
	echo scan >$kmemleak_file
	echo clear >$kmemleak_file
}

kmemleak_check() {
	if [ ! -e $kmemleak_file ]; then
		say "FAIL kmemleak: $kmemleak_file is missing"
		return
	fi
	sleep 6
	echo scan >$kmemleak_file
	echo scan >$kmemleak_file
	cat $kmemleak_file >/tmp/kmemleak.out
	if [ -s /tmp/kmemleak.out ]; then
		grep -E 'unreferenced object|\[<' /tmp/kmemleak.out | head -n 20 |
			while IFS= read -r line; do
				say "FAIL kmemleak: $line"
			done
	else
		say "PASS kmemleak: no leak suspected after the module was unloaded"
	fi
}

# gpio_sim_unload NAME: rmmod mypoll_gpio_sim with a PASS or FAIL line; its
# sysfs directory must be gone after it. Non-zero on failure.
gpio_sim_unload() {
	if ! rmmod mypoll_gpio_sim 2>/tmp/rmmod.err; then
		say "FAIL $1: rmmod mypoll_gpio_sim: $(oneline /tmp/rmmod.err) (refcnt $(cat /sys/module/mypoll_gpio_sim/refcnt 2>/dev/null))"
		return 1
	fi
	if [ -e /sys/kernel/mypoll_gpio_sim ] ||
	   grep -q '^mypoll_gpio_sim ' /proc/modules; then
		say "FAIL $1: rmmod done, but the module or /sys/kernel/mypoll_gpio_sim is still there"
		return 1
	fi
	say "PASS $1: rmmod mypoll_gpio_sim, /sys/kernel/mypoll_gpio_sim gone"
}

# gpio_sim_checks: the simulated GPIO chip (/mypoll_gpio_sim.ko) through
# /gpio_sim_check: bad parameters refused at load, the checks, a clean
# unload; then, loaded again, the checks that take the chip away while a
# line is requested, and an unload after them.
gpio_sim_checks() {
	for bad in lines=0 lines=65; do
		if insmod /mypoll_gpio_sim.ko $bad 2>/tmp/insmod.err; then
			say "FAIL gpio/module refuses $bad: insmod succeeded"
			rmmod mypoll_gpio_sim
		elif ! grep -q 'Invalid argument' /tmp/insmod.err; then
			say "FAIL gpio/module refuses $bad: want EINVAL: $(oneline /tmp/insmod.err)"
		elif grep -q '^mypoll_gpio_sim ' /proc/modules; then
			say "FAIL gpio/module refuses $bad: insmod failed, but the module is listed in /proc/modules"
		else
			say "PASS gpio/module refuses $bad: $(oneline /tmp/insmod.err)"
		fi
	done
	if ! insmod /mypoll_gpio_sim.ko 2>/tmp/insmod.err; then
		say "FAIL gpio/module loads: insmod mypoll_gpio_sim.ko: $(oneline /tmp/insmod.err)"
		return
	fi
	say "PASS gpio/module loads: insmod mypoll_gpio_sim.ko"
	run_checker "gpio/" /gpio_sim_check --only \
		chip,sysfs-errors,both-edges,rising-only,falling-only,overflow,debounce,output,busy,sigio
	gpio_sim_unload "gpio/module unloads" || return
	if ! insmod /mypoll_gpio_sim.ko 2>/tmp/insmod.err; then
		say "FAIL gpio/module loads again: insmod mypoll_gpio_sim.ko: $(oneline /tmp/insmod.err)"
		return
	fi
	run_checker "gpio/" /gpio_sim_check --only removal,removal-read
	# Before 6.12 gpiolib never drops the module references of the lines
	# that were requested when their chip was removed (see driver/README.md):
	# there the module cannot be unloaded any more.
	kernel=$(uname -r)
	kmajor=${kernel%%.*}
	kminor=${kernel#*.}
	kminor=${kminor%%[!0-9]*}
	if [ "$kmajor" -gt 6 ] || { [ "$kmajor" -eq 6 ] && [ "$kminor" -ge 12 ]; }; then
		gpio_sim_unload "gpio/module unloads after removals"
	elif rmmod mypoll_gpio_sim 2>/tmp/rmmod.err; then
		say "FAIL gpio/module stays after removals: rmmod succeeded, but gpiolib of $kernel was expected to keep the references of the lines requested at the removals"
	else
		say "PASS gpio/module stays after removals: rmmod refused ($(oneline /tmp/rmmod.err)), refcnt $(cat /sys/module/mypoll_gpio_sim/refcnt): gpiolib of $kernel keeps the module references of lines requested when their chip was removed"
	fi
}
