// SPDX-License-Identifier: Apache-2.0
/*
 * gpio_sim_check - checks the simulated GPIO chip (mypoll_gpio_sim.ko)
 * through the GPIO character device, uAPI v2 (linux/gpio.h), as the
 * bridge's gpio device type uses it.
 *
 * Usage: gpio_sim_check [--only NAME,...]
 *        gpio_sim_check hold OFFSET
 *
 * The first form runs the checks and prints one line per check, "PASS
 * name: detail" or "FAIL name: detail". Exit status: 0 all passed, 1 a
 * check failed, 2 bad usage or no simulated chip (one line on stderr).
 * "hold OFFSET" requests that line of the simulated chip as an input,
 * prints "held /dev/gpiochipN OFFSET" and waits until it is killed: a line
 * that some other process holds, for tests of a busy line.
 *
 * The checks drive the lines through /sys/kernel/mypoll_gpio_sim/ and
 * expect nothing else to use the chip. The "removal" checks take the chip
 * away (live 0) and bring it back. Every wait has a deadline, and an alarm
 * ends the run with a FAIL line should a system call never return.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/gpio.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mypoll_common.h"

#define PROG		"gpio_sim_check"
#define SIM_LABEL	"mypoll-gpio-sim"
#define SIM_SYSFS	"/sys/kernel/mypoll_gpio_sim"
#define SIM_PARAM_LINES	"/sys/module/mypoll_gpio_sim/parameters/lines"
#define SIM_REFCNT	"/sys/module/mypoll_gpio_sim/refcnt"
#define CONSUMER	"gpio_sim_check"
/* The whole run; a hang anywhere ends it with a FAIL line. */
#define RUN_LIMIT_S	150
#define MAX_EVENTS	64
/* "/dev/" and a directory entry's name. */
#define PATH_LEN	(5 + 256)

/* The offsets each check uses, so that none sees another's state. */
enum {
	LINE_BOTH = 0,
	LINE_RISING = 1,
	LINE_OVERFLOW = 2,
	LINE_DEBOUNCE = 3,
	LINE_OUTPUT = 4,
	LINE_BUSY = 5,
	LINE_SIGIO = 6,
	LINE_REMOVAL = 7,
	LINES_NEEDED = 8,
};

static int failures;
static unsigned int sim_lines;

static void report(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void report(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s %s: ", ok ? "PASS" : "FAIL", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!ok)
		failures++;
}

#define die(...) mypoll_die(PROG, NULL, __VA_ARGS__)

static void on_alarm(int sig)
{
	static const char msg[] =
		"FAIL checker: still running after the run's limit; a call never returned\n";

	(void)sig;
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(1);
}

static void sleep_ms(unsigned int ms)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	t.tv_sec += ms / 1000 + t.tv_nsec / 1000000000L;
	t.tv_nsec %= 1000000000L;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
		;
}

/* ---- sysfs ------------------------------------------------------------- */

/* Writes @text to an attribute of the simulator: 0 or an errno value. */
static int sim_write(const char *attr, const char *text)
{
	char path[128];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", SIM_SYSFS, attr);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		err = errno;
	else if ((size_t)n != strlen(text))
		err = EIO;
	close(fd);
	return err;
}

static int sim_writef(const char *attr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int sim_writef(const char *attr, const char *fmt, ...)
{
	char text[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return sim_write(attr, text);
}

/* Reads a file into @buf, without its trailing newline: 0 or an errno. */
static int read_text(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		err = errno;
		n = 0;
	}
	close(fd);
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return err;
}

/* The '0'/'1' of line @offset in the values attribute, or '?'. */
static char sim_value(unsigned int offset)
{
	char buf[128];

	if (read_text(SIM_SYSFS "/values", buf, sizeof(buf)) ||
	    strlen(buf) != sim_lines || offset >= sim_lines)
		return '?';
	return buf[offset];
}

static long module_refcnt(void)
{
	char buf[32];

	if (read_text(SIM_REFCNT, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

/* ---- the chip ------------------------------------------------------------ */

/*
 * Finds the simulated chip's node: "/dev/gpiochipN" in @path, its open fd
 * returned, or -1 (none within @wait_ms: devtmpfs makes nodes
 * asynchronously).
 */
static int find_chip(char *path, size_t len, unsigned int wait_ms)
{
	uint64_t deadline = mypoll_now_ns() + wait_ms * 1000000ULL;
	struct gpiochip_info info;
	struct dirent *de;
	DIR *dir;
	int fd;

	for (;;) {
		dir = opendir("/dev");
		if (!dir)
			return -1;
		while ((de = readdir(dir))) {
			if (strncmp(de->d_name, "gpiochip", 8))
				continue;
			snprintf(path, len, "/dev/%s", de->d_name);
			fd = open(path, O_RDWR | O_CLOEXEC);
			if (fd < 0)
				continue;
			memset(&info, 0, sizeof(info));
			if (!ioctl(fd, GPIO_GET_CHIPINFO_IOCTL, &info) &&
			    !strcmp(info.label, SIM_LABEL)) {
				closedir(dir);
				return fd;
			}
			close(fd);
		}
		closedir(dir);
		if (mypoll_now_ns() >= deadline)
			return -1;
		sleep_ms(50);
	}
}

struct line_req {
	uint64_t flags;
	uint32_t debounce_us;		/* 0: no debounce attribute */
	bool output_value;		/* with GPIO_V2_LINE_FLAG_OUTPUT */
	uint32_t buffer_size;		/* 0: the kernel's default */
	const char *consumer;
};

/* Requests line @offset: the line fd, or -1 with errno set. */
static int request_line(int chip, unsigned int offset,
			const struct line_req *r)
{
	struct gpio_v2_line_request req;
	struct gpio_v2_line_config_attribute *a;

	memset(&req, 0, sizeof(req));
	req.offsets[0] = offset;
	req.num_lines = 1;
	snprintf(req.consumer, sizeof(req.consumer), "%s",
		 r->consumer ? r->consumer : CONSUMER);
	req.config.flags = r->flags;
	req.event_buffer_size = r->buffer_size;
	if (r->debounce_us) {
		a = &req.config.attrs[req.config.num_attrs++];
		a->attr.id = GPIO_V2_LINE_ATTR_ID_DEBOUNCE;
		a->attr.debounce_period_us = r->debounce_us;
		a->mask = 1;
	}
	if (r->flags & GPIO_V2_LINE_FLAG_OUTPUT) {
		a = &req.config.attrs[req.config.num_attrs++];
		a->attr.id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES;
		a->attr.values = r->output_value;
		a->mask = 1;
	}
	if (ioctl(chip, GPIO_V2_GET_LINE_IOCTL, &req) < 0)
		return -1;
	return req.fd;
}

static int request_input(int chip, unsigned int offset, uint64_t edges,
			 uint32_t buffer_size)
{
	struct line_req r = {
		.flags = GPIO_V2_LINE_FLAG_INPUT | edges,
		.buffer_size = buffer_size,
	};

	return request_line(chip, offset, &r);
}

/*
 * Reads the events queued on @fd without waiting (up to @max): their
 * number, or -1 with errno set.
 */
static int read_queued(int fd, struct gpio_v2_line_event *ev, int max)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int got = 0;

	while (got < max) {
		if (poll(&p, 1, 0) < 0)
			return -1;
		if (!(p.revents & POLLIN))
			break;
		n = read(fd, &ev[got], (size_t)(max - got) * sizeof(*ev));
		if (n < 0)
			return -1;
		if (n % sizeof(*ev)) {
			errno = EPROTO;
			return -1;
		}
		got += n / sizeof(*ev);
	}
	return got;
}

/* Waits up to @ms for events on @fd and reads them; as read_queued. */
static int read_within(int fd, struct gpio_v2_line_event *ev, int max,
		       unsigned int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	r = poll(&p, 1, (int)ms);
	if (r < 0)
		return -1;
	return read_queued(fd, ev, max);
}

static const char *edge_name(uint32_t id)
{
	return id == GPIO_V2_LINE_EVENT_RISING_EDGE ? "rising" :
	       id == GPIO_V2_LINE_EVENT_FALLING_EDGE ? "falling" : "?";
}

/* Puts a line that nobody has requested at @level, without any event. */
static int settle(unsigned int offset, int level)
{
	return sim_writef("pull", "%u %d", offset, level);
}

/* ---- checks ---------------------------------------------------------------- */

struct ctx {
	int chip;
	char chip_path[PATH_LEN];
};

static void check_chip(struct ctx *c)
{
	struct gpio_v2_line_info li;
	struct gpiochip_info info;
	char want[16];
	unsigned int i;

	memset(&info, 0, sizeof(info));
	if (ioctl(c->chip, GPIO_GET_CHIPINFO_IOCTL, &info) < 0) {
		report(false, "chip", "GPIO_GET_CHIPINFO_IOCTL: %s",
		       strerror(errno));
		return;
	}
	if (info.lines != sim_lines) {
		report(false, "chip", "%s has %u lines, the module parameter says %u",
		       c->chip_path, info.lines, sim_lines);
		return;
	}
	for (i = 0; i < info.lines; i++) {
		memset(&li, 0, sizeof(li));
		li.offset = i;
		if (ioctl(c->chip, GPIO_V2_GET_LINEINFO_IOCTL, &li) < 0) {
			report(false, "chip", "line %u: GPIO_V2_GET_LINEINFO_IOCTL: %s",
			       i, strerror(errno));
			return;
		}
		snprintf(want, sizeof(want), "sim%u", i);
		if (strcmp(li.name, want) ||
		    !(li.flags & GPIO_V2_LINE_FLAG_INPUT) ||
		    (li.flags & GPIO_V2_LINE_FLAG_USED)) {
			report(false, "chip", "line %u: name '%s' flags %#llx, want '%s', an unused input",
			       i, li.name, (unsigned long long)li.flags, want);
			return;
		}
	}
	report(true, "chip", "%s label %s (name %s), %u lines sim0..sim%u, all unused inputs",
	       c->chip_path, info.label, info.name, info.lines, info.lines - 1);
}

static void check_sysfs_errors(struct ctx *c)
{
	static const struct {
		const char *attr, *text;
	} bad[] = {
		{ "pull", "8 1" }, { "pull", "0 2" }, { "pull", "0" },
		{ "pull", "x 1" }, { "pull", "0 1 2" }, { "pull", "-1 0" },
		{ "pulses", "0 0" }, { "pulses", "0 1000001" },
		{ "pulses", "64 1" }, { "live", "2" }, { "live", "on" },
	};
	char text[32];
	unsigned int i;
	int err;

	(void)c;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* An offset one past the last line, whatever the count. */
		if (!strcmp(bad[i].text, "8 1"))
			snprintf(text, sizeof(text), "%u 1", sim_lines);
		else
			snprintf(text, sizeof(text), "%s", bad[i].text);
		err = sim_write(bad[i].attr, text);
		if (err != EINVAL) {
			report(false, "sysfs-errors", "%s '%s': %s, want EINVAL",
			       bad[i].attr, text, err ? strerror(err) : "accepted");
			return;
		}
	}
	report(true, "sysfs-errors", "%u bad writes to pull, pulses and live refused with EINVAL (offset %u past the last line, level 2, count 0 and 1000001, ...)",
	       i, sim_lines);
}

static void check_both_edges(struct ctx *c)
{
	enum { EDGES = 10 };
	struct gpio_v2_line_event ev[EDGES + 1], e;
	uint64_t before[EDGES], after[EDGES], prev_ts = 0;
	uint64_t late_max = 0;
	int fd, i, n, err;

	if ((err = settle(LINE_BOTH, 0))) {
		report(false, "both-edges", "pull: %s", strerror(err));
		return;
	}
	fd = request_input(c->chip, LINE_BOTH,
			   GPIO_V2_LINE_FLAG_EDGE_RISING |
			   GPIO_V2_LINE_FLAG_EDGE_FALLING, 0);
	if (fd < 0) {
		report(false, "both-edges", "request: %s", strerror(errno));
		return;
	}
	for (i = 0; i < EDGES; i++) {
		before[i] = mypoll_now_ns();
		err = sim_writef("pull", "%u %d", LINE_BOTH, !(i & 1));
		after[i] = mypoll_now_ns();
		if (err) {
			report(false, "both-edges", "pull %d: %s", i, strerror(err));
			goto out;
		}
		/* The write returns once the event is queued. */
		n = read_queued(fd, &ev[i], 2);
		if (n != 1) {
			report(false, "both-edges", "edge %d: %d event(s) queued when the pull returned, want 1%s%s",
			       i + 1, n, n < 0 ? ": " : "",
			       n < 0 ? strerror(errno) : "");
			goto out;
		}
	}
	for (i = 0; i < EDGES; i++) {
		e = ev[i];
		if (e.id != (i & 1 ? GPIO_V2_LINE_EVENT_FALLING_EDGE :
				     GPIO_V2_LINE_EVENT_RISING_EDGE) ||
		    e.offset != LINE_BOTH || e.seqno != (uint32_t)i + 1 ||
		    e.line_seqno != (uint32_t)i + 1) {
			report(false, "both-edges", "event %d: %s offset %u seqno %u line_seqno %u, want %s offset %u seqno %d",
			       i + 1, edge_name(e.id), e.offset, e.seqno,
			       e.line_seqno, i & 1 ? "falling" : "rising",
			       LINE_BOTH, i + 1);
			goto out;
		}
		if (e.timestamp_ns < prev_ts || e.timestamp_ns < before[i] ||
		    e.timestamp_ns > after[i]) {
			report(false, "both-edges", "event %d: timestamp %llu not within its pull [%llu, %llu] (CLOCK_MONOTONIC) or before the previous %llu",
			       i + 1, (unsigned long long)e.timestamp_ns,
			       (unsigned long long)before[i],
			       (unsigned long long)after[i],
			       (unsigned long long)prev_ts);
			goto out;
		}
		if (after[i] - e.timestamp_ns > late_max)
			late_max = after[i] - e.timestamp_ns;
		prev_ts = e.timestamp_ns;
	}
	n = read_within(fd, ev, EDGES, 100);
	if (n != 0) {
		report(false, "both-edges", "%d event(s) more after the %d edges", n, EDGES);
		goto out;
	}
	report(true, "both-edges", "%d edges: each queued when its pull returned, rising/falling in turn, seqno and line_seqno 1..%d, CLOCK_MONOTONIC timestamps rising and within their pull (at most %.0f us before it returned)",
	       EDGES, EDGES, late_max / 1000.0);
out:
	close(fd);
}

/* A request for one edge only gets those edges. */
static void check_one_edge(struct ctx *c, const char *name, uint64_t flag,
			   uint32_t want_id)
{
	enum { EDGES = 8 };
	struct gpio_v2_line_event ev[EDGES];
	int fd, i, n, err;

	if ((err = settle(LINE_RISING, 0))) {
		report(false, name, "pull: %s", strerror(err));
		return;
	}
	fd = request_input(c->chip, LINE_RISING, flag, 0);
	if (fd < 0) {
		report(false, name, "request: %s", strerror(errno));
		return;
	}
	for (i = 0; i < EDGES; i++) {
		err = sim_writef("pull", "%u %d", LINE_RISING, !(i & 1));
		if (err) {
			report(false, name, "pull: %s", strerror(err));
			goto out;
		}
	}
	n = read_within(fd, ev, EDGES, 100);
	if (n != EDGES / 2) {
		report(false, name, "%d event(s) for %d edges, want %d", n,
		       EDGES, EDGES / 2);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (ev[i].id != want_id || ev[i].seqno != (uint32_t)i + 1) {
			report(false, name, "event %d: %s seqno %u, want %s seqno %d",
			       i + 1, edge_name(ev[i].id), ev[i].seqno,
			       edge_name(want_id), i + 1);
			goto out;
		}
	}
	report(true, name, "%d edges, %d %s events, seqno 1..%d", EDGES, n,
	       edge_name(want_id), n);
out:
	close(fd);
	settle(LINE_RISING, 0);
}

static void check_rising_only(struct ctx *c)
{
	check_one_edge(c, "rising-only", GPIO_V2_LINE_FLAG_EDGE_RISING,
		       GPIO_V2_LINE_EVENT_RISING_EDGE);
}

static void check_falling_only(struct ctx *c)
{
	check_one_edge(c, "falling-only", GPIO_V2_LINE_FLAG_EDGE_FALLING,
		       GPIO_V2_LINE_EVENT_FALLING_EDGE);
}

static void check_overflow(struct ctx *c)
{
	enum { PULSES = 1000, BUFFER = 16 };
	struct gpio_v2_line_event ev[MAX_EVENTS];
	uint32_t prev = 0, gaps = 0, last = 0;
	uint64_t t0, t1;
	int fd, i, n, err;

	if ((err = settle(LINE_OVERFLOW, 0))) {
		report(false, "overflow", "pull: %s", strerror(err));
		return;
	}
	fd = request_input(c->chip, LINE_OVERFLOW,
			   GPIO_V2_LINE_FLAG_EDGE_RISING |
			   GPIO_V2_LINE_FLAG_EDGE_FALLING, BUFFER);
	if (fd < 0) {
		report(false, "overflow", "request: %s", strerror(errno));
		return;
	}
	t0 = mypoll_now_ns();
	err = sim_writef("pulses", "%u %d", LINE_OVERFLOW, PULSES);
	t1 = mypoll_now_ns();
	if (err) {
		report(false, "overflow", "pulses: %s", strerror(err));
		goto out;
	}
	n = read_queued(fd, ev, MAX_EVENTS);
	if (n < 0) {
		report(false, "overflow", "read: %s", strerror(errno));
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (ev[i].seqno <= prev || ev[i].line_seqno != ev[i].seqno) {
			report(false, "overflow", "event %d: seqno %u line_seqno %u after seqno %u",
			       i + 1, ev[i].seqno, ev[i].line_seqno, prev);
			goto out;
		}
		gaps += ev[i].seqno - prev - 1;
		prev = last = ev[i].seqno;
	}
	if (n + gaps != 2 * PULSES || !gaps || n != BUFFER ||
	    last != 2 * PULSES) {
		report(false, "overflow", "%d pulses (%d edges) into a buffer of %d: read %d, seqno gaps %u, last seqno %u; want read + gaps = %d, gaps > 0",
		       PULSES, 2 * PULSES, BUFFER, n, gaps, last, 2 * PULSES);
		goto out;
	}
	report(true, "overflow", "%d pulses (%d edges, %.0f ms, %.1f us an edge) into event_buffer_size %d: read %d (the newest, seqno %u..%u) + %u lost in seqno gaps = %d",
	       PULSES, 2 * PULSES, (t1 - t0) / 1e6, (t1 - t0) / 2e3 / PULSES,
	       BUFFER, n, ev[0].seqno, last, gaps, 2 * PULSES);
out:
	close(fd);
	settle(LINE_OVERFLOW, 0);
}

/*
 * One try of the debounce check: 0 done (PASS or FAIL reported), 1 the
 * toggles took too long to say anything (a vCPU stall under emulation).
 */
static int try_debounce(struct ctx *c, unsigned int period_us, bool last)
{
	struct gpio_v2_line_event ev[4];
	struct line_req r = {
		.flags = GPIO_V2_LINE_FLAG_INPUT |
			 GPIO_V2_LINE_FLAG_EDGE_RISING |
			 GPIO_V2_LINE_FLAG_EDGE_FALLING,
		.debounce_us = period_us,
	};
	struct gpio_v2_line_info li;
	uint64_t t0, t_last, debounce = 0;
	unsigned int a;
	int fd, n, err, ret = 0;

	if ((err = settle(LINE_DEBOUNCE, 0))) {
		report(false, "debounce", "pull: %s", strerror(err));
		return 0;
	}
	fd = request_line(c->chip, LINE_DEBOUNCE, &r);
	if (fd < 0) {
		report(false, "debounce", "request: %s", strerror(errno));
		return 0;
	}
	memset(&li, 0, sizeof(li));
	li.offset = LINE_DEBOUNCE;
	if (ioctl(c->chip, GPIO_V2_GET_LINEINFO_IOCTL, &li) == 0) {
		for (a = 0; a < li.num_attrs; a++)
			if (li.attrs[a].id == GPIO_V2_LINE_ATTR_ID_DEBOUNCE)
				debounce = li.attrs[a].debounce_period_us;
	}
	/* 4 pulses from low, then up: 9 edges, ending high. */
	t0 = mypoll_now_ns();
	err = sim_writef("pulses", "%u 4", LINE_DEBOUNCE);
	if (!err)
		err = sim_writef("pull", "%u 1", LINE_DEBOUNCE);
	t_last = mypoll_now_ns();
	if (err) {
		report(false, "debounce", "pulses/pull: %s", strerror(err));
		goto out;
	}
	if (t_last - t0 >= period_us * 1000ULL / 2) {
		if (last)
			report(false, "debounce", "the 9 toggles took %.1f ms, not well within the %u ms period, in every try",
			       (t_last - t0) / 1e6, period_us / 1000);
		ret = !last;
		goto out;
	}
	/* The period and then some, for the work to run. */
	n = read_within(fd, ev, 4, period_us / 1000 + 500);
	if (n > 0 && n < 4) {
		/* Anything more would come within another period. */
		sleep_ms(period_us / 1000 * 3);
		err = read_queued(fd, &ev[n], 4 - n);
		n = err < 0 ? err : n + err;
	}
	if (n != 1 || ev[0].id != GPIO_V2_LINE_EVENT_RISING_EDGE ||
	    ev[0].seqno != 1) {
		report(false, "debounce", "9 toggles within %.1f ms ending high, debounce %u us: %d event(s)%s%s, want one rising",
		       (t_last - t0) / 1e6, period_us, n,
		       n > 0 ? ", the first " : "",
		       n > 0 ? edge_name(ev[0].id) : "");
		goto out;
	}
	/*
	 * A quarter of the period: the work runs on a timer of jiffies, and
	 * under emulation jiffies can lag the clock by milliseconds when the
	 * edges come (11 ms for 20 ms seen on 6.1-rt under TCG).
	 */
	if (ev[0].timestamp_ns < t_last + period_us * 1000ULL / 4) {
		report(false, "debounce", "the rising edge came %.1f ms after the last toggle, want about the %u ms period",
		       (ev[0].timestamp_ns - (double)t_last) / 1e6,
		       period_us / 1000);
		goto out;
	}
	report(true, "debounce", "9 toggles within %.2f ms ending high, software debounce %u us (line info says %llu us): one rising edge, %.1f ms after the last toggle",
	       (t_last - t0) / 1e6, period_us, (unsigned long long)debounce,
	       (ev[0].timestamp_ns - (double)t_last) / 1e6);
out:
	close(fd);
	settle(LINE_DEBOUNCE, 0);
	return ret;
}

static void check_debounce(struct ctx *c)
{
	enum { PERIOD_US = 20000, TRIES = 5 };
	int i;

	for (i = 1; i <= TRIES; i++) {
		if (!try_debounce(c, PERIOD_US, i == TRIES))
			return;
	}
}

static int get_value(int fd)
{
	struct gpio_v2_line_values v = { .mask = 1 };

	if (ioctl(fd, GPIO_V2_LINE_GET_VALUES_IOCTL, &v) < 0)
		return -1;
	return (int)(v.bits & 1);
}

static void check_output(struct ctx *c)
{
	struct line_req r = {
		.flags = GPIO_V2_LINE_FLAG_OUTPUT,
		.output_value = true,
	};
	struct gpio_v2_line_values v = { .mask = 1 };
	int fd, i, want, got, err;
	char s;

	fd = request_line(c->chip, LINE_OUTPUT, &r);
	if (fd < 0) {
		report(false, "output", "request as output: %s", strerror(errno));
		return;
	}
	/* Requested high, then set low, high, low. */
	for (i = 0; i < 4; i++) {
		want = !(i & 1);
		if (i) {
			v.bits = (uint64_t)want;
			if (ioctl(fd, GPIO_V2_LINE_SET_VALUES_IOCTL, &v) < 0) {
				report(false, "output", "SET_VALUES %d: %s", want,
				       strerror(errno));
				goto out;
			}
		}
		got = get_value(fd);
		s = sim_value(LINE_OUTPUT);
		if (got != want || s != '0' + want) {
			report(false, "output", "set %d: GET_VALUES %d, values '%c'",
			       want, got, s);
			goto out;
		}
	}
	err = sim_writef("pull", "%u 1", LINE_OUTPUT);
	if (err != EPERM) {
		report(false, "output", "pull on an output line: %s, want EPERM",
		       err ? strerror(err) : "accepted");
		goto out;
	}
	report(true, "output", "requested high, then set 0, 1, 0 with SET_VALUES: GET_VALUES and the values attribute agree each time; pull on the output line EPERM");
out:
	close(fd);
}

static bool line_used(int chip, unsigned int offset)
{
	struct gpio_v2_line_info li;

	memset(&li, 0, sizeof(li));
	li.offset = offset;
	return ioctl(chip, GPIO_V2_GET_LINEINFO_IOCTL, &li) == 0 &&
	       (li.flags & GPIO_V2_LINE_FLAG_USED);
}

static void check_busy(struct ctx *c, const char *self)
{
	char offset[16];
	uint64_t deadline;
	int fd, fd2, status;
	pid_t pid;

	fd = request_input(c->chip, LINE_BUSY, 0, 0);
	if (fd < 0) {
		report(false, "busy", "request: %s", strerror(errno));
		return;
	}
	fd2 = request_input(c->chip, LINE_BUSY, 0, 0);
	if (fd2 >= 0 || errno != EBUSY) {
		report(false, "busy", "second request of a held line: %s, want EBUSY",
		       fd2 >= 0 ? "granted" : strerror(errno));
		if (fd2 >= 0)
			close(fd2);
		close(fd);
		return;
	}
	close(fd);

	/* The same through "hold", another process. */
	snprintf(offset, sizeof(offset), "%d", LINE_BUSY);
	pid = fork();
	if (pid < 0) {
		report(false, "busy", "fork: %s", strerror(errno));
		return;
	}
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		execl(self, self, "hold", offset, (char *)NULL);
		_exit(127);
	}
	deadline = mypoll_now_ns() + 5 * NSEC_PER_SEC;
	while (!line_used(c->chip, LINE_BUSY) && mypoll_now_ns() < deadline)
		sleep_ms(20);
	fd2 = request_input(c->chip, LINE_BUSY, 0, 0);
	if (fd2 >= 0 || errno != EBUSY) {
		report(false, "busy", "request of a line that '%s hold %s' holds: %s, want EBUSY",
		       PROG, offset, fd2 >= 0 ? "granted" : strerror(errno));
		if (fd2 >= 0)
			close(fd2);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return;
	}
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	/* The line is free once the holder is gone. */
	fd2 = request_input(c->chip, LINE_BUSY, 0, 0);
	if (fd2 < 0) {
		report(false, "busy", "request after the holder was killed: %s",
		       strerror(errno));
		return;
	}
	close(fd2);
	report(true, "busy", "a held line: a second request EBUSY, also while '%s hold %d' (another process) holds it; free again once it is killed",
	       PROG, LINE_BUSY);
}

static atomic_int sigio_count;

static void on_sigio(int sig)
{
	(void)sig;
	atomic_fetch_add(&sigio_count, 1);
}

static void check_sigio(struct ctx *c)
{
	enum { EDGES = 4 };
	struct gpio_v2_line_event ev[EDGES];
	int fd, fl, i, n, err;
	bool async_set;

	if ((err = settle(LINE_SIGIO, 0))) {
		report(false, "sigio", "pull: %s", strerror(err));
		return;
	}
	if (mypoll_sigaction(SIGIO, on_sigio, SA_RESTART) < 0) {
		report(false, "sigio", "sigaction: %s", strerror(errno));
		return;
	}
	fd = request_input(c->chip, LINE_SIGIO,
			   GPIO_V2_LINE_FLAG_EDGE_RISING |
			   GPIO_V2_LINE_FLAG_EDGE_FALLING, 0);
	if (fd < 0) {
		report(false, "sigio", "request: %s", strerror(errno));
		return;
	}
	if (fcntl(fd, F_SETOWN, getpid()) < 0 ||
	    (fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl | O_ASYNC | O_NONBLOCK) < 0) {
		report(false, "sigio", "fcntl F_SETOWN/F_SETFL O_ASYNC: %s",
		       strerror(errno));
		goto out;
	}
	fl = fcntl(fd, F_GETFL);
	async_set = fl >= 0 && (fl & O_ASYNC);
	for (i = 0; i < EDGES; i++) {
		err = sim_writef("pull", "%u %d", LINE_SIGIO, !(i & 1));
		if (err) {
			report(false, "sigio", "pull: %s", strerror(err));
			goto out;
		}
	}
	/* A signal, were one sent, would long be here. */
	sleep_ms(200);
	n = read_queued(fd, ev, EDGES);
	if (n != EDGES) {
		report(false, "sigio", "%d event(s) for %d edges", n, EDGES);
		goto out;
	}
	n = atomic_load(&sigio_count);
	if (n) {
		report(false, "sigio", "line fd: %d SIGIO(s) with O_ASYNC for %d events: the line fd does notify asynchronously",
		       n, EDGES);
		goto out;
	}
	report(true, "sigio", "line fd: no SIGIO with O_ASYNC (no .fasync): fcntl F_SETFL O_ASYNC succeeded (F_GETFL shows it %s), %d events read, 0 signals in 200 ms",
	       async_set ? "set" : "clear", EDGES);
out:
	close(fd);
	signal(SIGIO, SIG_IGN);
	settle(LINE_SIGIO, 0);
}

/* ---- removal ------------------------------------------------------------ */

struct waiter {
	int fd;
	bool use_epoll;
	uint64_t deadline_ms;
	uint64_t start_ns;
	/* Results. */
	int ret, err;
	unsigned int revents;
	uint64_t woke_ns;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	struct pollfd p = { .fd = w->fd, .events = POLLIN };
	struct epoll_event e;
	int ep;

	w->start_ns = mypoll_now_ns();
	if (w->use_epoll) {
		ep = mypoll_epoll_watch(w->fd);
		if (ep < 0) {
			w->ret = -1;
			w->err = errno;
			return NULL;
		}
		w->ret = epoll_wait(ep, &e, 1, (int)w->deadline_ms);
		w->err = errno;
		if (w->ret > 0)
			w->revents = e.events;
		close(ep);
	} else {
		w->ret = poll(&p, 1, (int)w->deadline_ms);
		w->err = errno;
		w->revents = p.revents;
	}
	w->woke_ns = mypoll_now_ns();
	return NULL;
}

static void events_text(char *buf, size_t len, unsigned int ev)
{
	snprintf(buf, len, "%s%s%s%s",
		 ev & POLLIN ? "IN|" : "", ev & POLLHUP ? "HUP|" : "",
		 ev & POLLERR ? "ERR|" : "", ev & ~(POLLIN | POLLHUP | POLLERR) ? "other|" : "");
	if (*buf)
		buf[strlen(buf) - 1] = '\0';
	else
		snprintf(buf, len, "none");
}

static void waiter_text(char *buf, size_t len, const struct waiter *w,
			uint64_t begun_ns, const char *what)
{
	char ev[32];

	/* poll() looks at the fds once more when its timeout ends. */
	bool timed_out = w->woke_ns - w->start_ns >=
			 (w->deadline_ms - 50) * 1000000ULL;

	if (w->ret > 0 && timed_out) {
		events_text(ev, sizeof(ev), w->revents);
		snprintf(buf, len, "%s not woken, found %s when its %llu ms timeout ended",
			 what, ev, (unsigned long long)w->deadline_ms);
	} else if (w->ret > 0) {
		events_text(ev, sizeof(ev), w->revents);
		snprintf(buf, len, "%s woken %.0f ms after live 0 began, with %s",
			 what, ((double)w->woke_ns - begun_ns) / 1e6, ev);
	} else if (w->ret == 0) {
		snprintf(buf, len, "%s not woken (timed out after %llu ms)",
			 what, (unsigned long long)w->deadline_ms);
	} else {
		snprintf(buf, len, "%s failed: %s", what, strerror(w->err));
	}
}

/*
 * After a removal: brings the chip back, finds its node and checks that a
 * new request sees edges. Returns false after a FAIL line.
 */
static bool bring_back(struct ctx *c, const char *name, char *detail,
		       size_t len)
{
	struct gpio_v2_line_event ev[2];
	char old[PATH_LEN];
	int fd, n, err;

	snprintf(old, sizeof(old), "%s", c->chip_path);
	err = sim_write("live", "1");
	if (err) {
		report(false, name, "live 1: %s", strerror(err));
		return false;
	}
	close(c->chip);
	c->chip = find_chip(c->chip_path, sizeof(c->chip_path), 5000);
	if (c->chip < 0) {
		report(false, name, "live 1: no chip labelled %s within 5 s",
		       SIM_LABEL);
		return false;
	}
	settle(LINE_REMOVAL, 0);
	fd = request_input(c->chip, LINE_REMOVAL,
			   GPIO_V2_LINE_FLAG_EDGE_RISING |
			   GPIO_V2_LINE_FLAG_EDGE_FALLING, 0);
	if (fd < 0) {
		report(false, name, "live 1: request on %s: %s", c->chip_path,
		       strerror(errno));
		return false;
	}
	err = sim_writef("pull", "%u 1", LINE_REMOVAL);
	n = err ? -1 : read_queued(fd, ev, 2);
	close(fd);
	settle(LINE_REMOVAL, 0);
	if (n != 1 || ev[0].id != GPIO_V2_LINE_EVENT_RISING_EDGE ||
	    ev[0].seqno != 1) {
		report(false, name, "live 1: %s, a rising edge gave %d event(s)%s",
		       c->chip_path, n, err ? " (pull failed)" : "");
		return false;
	}
	snprintf(detail, len, "live 1: back as %s (was %s), a new request gets its edges",
		 c->chip_path, old);
	return true;
}

/*
 * The request whose chip the removal checks take away, with both edges and
 * no consumer label. With a label, the edge interrupt has a directory
 * /proc/irq/N/LABEL; on 6.1, gpiochip_remove() frees the interrupt
 * descriptor with the request's handler still on it, and removing
 * /proc/irq/N, not empty, makes remove_proc_entry() warn (a WARNING with a
 * stack trace; see driver/README.md). Without a label there is no such
 * directory, and the kernel log check keeps its meaning.
 */
static int request_removable(int chip)
{
	struct line_req r = {
		.flags = GPIO_V2_LINE_FLAG_INPUT |
			 GPIO_V2_LINE_FLAG_EDGE_RISING |
			 GPIO_V2_LINE_FLAG_EDGE_FALLING,
		.consumer = "",
	};

	return request_line(chip, LINE_REMOVAL, &r);
}

/* Waits up to @ms for @path to go; true when it is gone. */
static bool node_gone(const char *path, unsigned int ms)
{
	uint64_t deadline = mypoll_now_ns() + ms * 1000000ULL;
	struct stat st;

	while (stat(path, &st) == 0) {
		if (mypoll_now_ns() >= deadline)
			return false;
		sleep_ms(20);
	}
	return true;
}

/*
 * live 0 while a line is requested with edges and a poll() and an
 * epoll_wait() wait on it: what each learns, and what the fd does after.
 */
static void check_removal(struct ctx *c)
{
	enum { WAIT_MS = 1500 };
	struct waiter wp = { .deadline_ms = WAIT_MS };
	struct waiter we = { .use_epoll = true, .deadline_ms = WAIT_MS };
	char a[128], b[128], back[3 * PATH_LEN], ev[32], path[PATH_LEN];
	struct gpio_v2_line_event e;
	struct pollfd p;
	pthread_t tp, te;
	uint64_t t0, removed;
	bool gone;
	int fd, err, read_err, get_err, pr;
	ssize_t n;
	long ref;

	settle(LINE_REMOVAL, 0);
	fd = request_removable(c->chip);
	if (fd < 0) {
		report(false, "removal", "request: %s", strerror(errno));
		return;
	}
	wp.fd = fd;
	we.fd = fd;
	if (mypoll_thread_start(&tp, wait_thread, &wp) ||
	    mypoll_thread_start(&te, wait_thread, &we)) {
		report(false, "removal", "pthread_create failed");
		close(fd);
		return;
	}
	/* Both are in their wait well before this. */
	sleep_ms(200);
	snprintf(path, sizeof(path), "%s", c->chip_path);
	t0 = mypoll_now_ns();
	err = sim_write("live", "0");
	removed = mypoll_now_ns();
	pthread_join(tp, NULL);
	pthread_join(te, NULL);
	if (err) {
		report(false, "removal", "live 0: %s", strerror(err));
		close(fd);
		return;
	}
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	pr = poll(&p, 1, 0);
	events_text(ev, sizeof(ev), pr > 0 ? p.revents : 0);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	n = read(fd, &e, sizeof(e));
	read_err = n < 0 ? errno : 0;
	get_err = get_value(fd) < 0 ? errno : 0;
	gone = node_gone(path, 2000);
	waiter_text(a, sizeof(a), &wp, t0, "poll()");
	waiter_text(b, sizeof(b), &we, t0, "epoll_wait()");
	close(fd);
	/* A requested line holds a module reference until gpiolib lets go. */
	ref = module_refcnt();
	report(true, "removal", "live 0 took %.1f ms with the line requested; %s; %s; poll() after: %s; read: %s; GET_VALUES: %s; %s %s; module refcnt %ld after close",
	       (removed - t0) / 1e6, a, b, ev,
	       n < 0 ? strerror(read_err) : "an event",
	       get_err ? strerror(get_err) : "succeeded", path,
	       gone ? "removed" : "still there 2 s later", ref);
	if (bring_back(c, "removal", back, sizeof(back)))
		report(true, "removal-back", "%s", back);
}

static void on_usr1(int sig)
{
	(void)sig;
}

struct reader {
	int fd;
	ssize_t n;
	int err;
	uint64_t done_ns;
};

static void *read_thread(void *arg)
{
	struct reader *r = arg;
	struct gpio_v2_line_event e;
	sigset_t set;

	/* SIGUSR1 may interrupt this thread's read, and only that. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	r->n = read(r->fd, &e, sizeof(e));
	r->err = errno;
	r->done_ns = mypoll_now_ns();
	return NULL;
}

struct remover {
	int err;
	uint64_t done_ns;
};

static void *remove_thread(void *arg)
{
	struct remover *rm = arg;

	rm->err = sim_write("live", "0");
	rm->done_ns = mypoll_now_ns();
	return NULL;
}

/*
 * live 0 while a thread is blocked in read() on a line: whether the
 * removal waits for it, and what the read returns.
 */
static void check_removal_read(struct ctx *c)
{
	enum { GRACE_MS = 1000 };
	struct reader r = { .n = -2 };
	struct remover rm = { .err = -1 };
	char back[3 * PATH_LEN], rd[128], path[PATH_LEN];
	pthread_t tr, trm;
	uint64_t t0, signalled = 0;
	bool waited, gone;
	int fd;

	if (mypoll_sigaction(SIGUSR1, on_usr1, 0) < 0) {
		report(false, "removal-read", "sigaction: %s", strerror(errno));
		return;
	}
	settle(LINE_REMOVAL, 0);
	fd = request_removable(c->chip);
	if (fd < 0) {
		report(false, "removal-read", "request: %s", strerror(errno));
		return;
	}
	r.fd = fd;
	if (mypoll_thread_start(&tr, read_thread, &r)) {
		report(false, "removal-read", "pthread_create failed");
		close(fd);
		return;
	}
	sleep_ms(200);
	snprintf(path, sizeof(path), "%s", c->chip_path);
	t0 = mypoll_now_ns();
	if (mypoll_thread_start(&trm, remove_thread, &rm)) {
		report(false, "removal-read", "pthread_create failed");
		pthread_kill(tr, SIGUSR1);
		pthread_join(tr, NULL);
		close(fd);
		return;
	}
	/* The removal gets its grace; then the reader is interrupted. */
	while (!__atomic_load_n(&rm.done_ns, __ATOMIC_ACQUIRE) &&
	       mypoll_now_ns() - t0 < GRACE_MS * 1000000ULL)
		sleep_ms(10);
	waited = !__atomic_load_n(&rm.done_ns, __ATOMIC_ACQUIRE);
	if (!__atomic_load_n(&r.done_ns, __ATOMIC_ACQUIRE)) {
		signalled = mypoll_now_ns();
		pthread_kill(tr, SIGUSR1);
	}
	pthread_join(tr, NULL);
	pthread_join(trm, NULL);
	close(fd);
	if (rm.err) {
		report(false, "removal-read", "live 0: %s", strerror(rm.err));
		return;
	}
	if (r.n < 0)
		snprintf(rd, sizeof(rd), "the read returned %s %.0f ms after live 0 began%s",
			 strerror(r.err), (r.done_ns - t0) / 1e6,
			 signalled ? " (SIGUSR1 sent)" : "");
	else
		snprintf(rd, sizeof(rd), "the read returned %zd bytes", r.n);
	gone = node_gone(path, 2000);
	if (waited)
		report(true, "removal-read", "live 0 waits for a blocked read(): it returned %.0f ms after it began, only after the reader was interrupted by a signal at %.0f ms; %s; %s %s",
		       (rm.done_ns - t0) / 1e6,
		       ((double)signalled - t0) / 1e6, rd, path,
		       gone ? "removed" : "still there");
	else
		report(true, "removal-read", "live 0 returned after %.1f ms with a read() blocked on a line; %s; %s %s",
		       (rm.done_ns - t0) / 1e6, rd, path,
		       gone ? "removed" : "still there");
	if (bring_back(c, "removal-read", back, sizeof(back)))
		report(true, "removal-read-back", "%s", back);
}

/* ---- main --------------------------------------------------------------- */

struct check {
	const char *name;
	void (*fn)(struct ctx *c);
	bool by_default;
};

static const char *self_path;

static void check_busy_self(struct ctx *c)
{
	check_busy(c, self_path);
}

static const struct check checks[] = {
	{ "chip", check_chip, true },
	{ "sysfs-errors", check_sysfs_errors, true },
	{ "both-edges", check_both_edges, true },
	{ "rising-only", check_rising_only, true },
	{ "falling-only", check_falling_only, true },
	{ "overflow", check_overflow, true },
	{ "debounce", check_debounce, true },
	{ "output", check_output, true },
	{ "busy", check_busy_self, true },
	{ "sigio", check_sigio, true },
	{ "removal", check_removal, true },
	{ "removal-read", check_removal_read, true },
};

#define NCHECKS (sizeof(checks) / sizeof(checks[0]))

static void usage(FILE *f)
{
	unsigned int i;

	fprintf(f,
"Usage: %s [--only NAME,...]\n"
"       %s hold OFFSET\n"
"Checks the simulated GPIO chip (mypoll_gpio_sim.ko) through the GPIO\n"
"character device; prints PASS|FAIL name: detail per check. Exit status 0\n"
"when all pass, 1 when one fails, 2 on bad usage or no simulated chip.\n"
"hold OFFSET requests that line as an input and waits until killed.\n"
"Checks:", PROG, PROG);
	for (i = 0; i < NCHECKS; i++)
		fprintf(f, " %s", checks[i].name);
	fputc('\n', f);
}

static int hold(const char *arg)
{
	char path[PATH_LEN], *end;
	unsigned long offset;
	int chip, fd;

	offset = strtoul(arg, &end, 10);
	if (!*arg || *end)
		die("hold: bad offset '%s'", arg);
	chip = find_chip(path, sizeof(path), 0);
	if (chip < 0)
		die("no GPIO chip labelled %s", SIM_LABEL);
	fd = request_input(chip, (unsigned int)offset, 0, 0);
	if (fd < 0)
		die("hold: request of %s line %lu: %s", path, offset,
		    strerror(errno));
	printf("held %s %lu\n", path, offset);
	fflush(stdout);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	char buf[32];
	struct ctx c;
	unsigned int i;
	int a;

	self_path = argv[0];
	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-h") || !strcmp(argv[a], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[a], "--only") && a + 1 < argc) {
			only = argv[++a];
		} else if (!strncmp(argv[a], "--only=", 7)) {
			only = argv[a] + 7;
		} else if (!strcmp(argv[a], "hold") && a + 2 == argc) {
			return hold(argv[a + 1]);
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (only) {
		const char *p = only;

		while (*p) {
			size_t len = strcspn(p, ",");
			bool known = false;

			for (i = 0; i < NCHECKS; i++)
				known |= strlen(checks[i].name) == len &&
					 !strncmp(checks[i].name, p, len);
			if (!known)
				die("--only: unknown check '%.*s' (see --help)",
				    (int)len, p);
			p += len + (p[len] == ',');
		}
	}

	if (read_text(SIM_PARAM_LINES, buf, sizeof(buf)))
		die("%s: %s (is mypoll_gpio_sim loaded?)", SIM_PARAM_LINES,
		    strerror(errno));
	sim_lines = (unsigned int)strtoul(buf, NULL, 10);
	if (sim_lines < LINES_NEEDED)
		die("the checks need %d lines, the chip has %u", LINES_NEEDED,
		    sim_lines);
	c.chip = find_chip(c.chip_path, sizeof(c.chip_path), 5000);
	if (c.chip < 0)
		die("no GPIO chip labelled %s (write 1 to %s/live)", SIM_LABEL,
		    SIM_SYSFS);

	signal(SIGALRM, on_alarm);
	alarm(RUN_LIMIT_S);
	for (i = 0; i < NCHECKS; i++) {
		if (only ? mypoll_selected(only, checks[i].name) : checks[i].by_default)
			checks[i].fn(&c);
	}
	close(c.chip);
	return failures ? 1 : 0;
}
