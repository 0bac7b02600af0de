// SPDX-License-Identifier: Apache-2.0
/*
 * mypoll_check - conformance checker for the mypoll device.
 *
 * Usage: mypoll_check [--period-us N] [--only NAME,...] DEVICE [DEVICE...]
 *
 * Runs every check against the first DEVICE and prints one line per check,
 * "PASS name: detail" or "FAIL name: detail"; with two to four devices it
 * also checks that they are independent. Exit status: 0 all passed, 1 a check
 * failed, 2 bad usage or a device that is missing, is not a mypoll device or
 * went away (one line on stderr).
 *
 * Every wait has a timeout, and a watchdog thread ends the run with a FAIL
 * line should a system call never return.
 *
 * The device's timer is switched off while the checks run, so that the only
 * events are the ones the checks generate; its period is restored at exit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "mypoll_common.h"

#define MAX_DEVS	4
#define WAIT_MS		3000	/* an event must arrive within this */
#define QUIET_MS	300	/* window in which no signal may arrive */
#define WAKE_LIMIT_MS	1000	/* a sleeper must wake this soon after an event */
#define CHECK_LIMIT_S	60	/* watchdog: one check never takes longer */
#define TIMER_EVENTS	25
#define DRAIN_BURST	200U
#define HANDLER_BURST	64U
#define READ_CHUNK	16	/* records per read() in the drain check */

static const char *prog = "mypoll_check";

struct dev {
	const char *path;
	dev_t rdev;
	uint32_t old_period;
	bool period_saved;
};

static struct dev devs[MAX_DEVS];
static int ndevs;
static uint32_t test_period_us = 20000;

/* The eventfd the SIGIO handler writes, and what the handler did. */
static int efd = -1;
static atomic_uint sig_entered, sig_done;
/* F_SETSIG signal, blocked everywhere and read from a signalfd. */
static int sig_rt;
static int sfd = -1;

/* Watchdog: the check in progress and when it must be over. */
static const char *volatile cur_check;
static atomic_llong cur_deadline_ns;

struct ctx {
	const struct dev *dev;
	char detail[320];
};

typedef bool (*check_fn)(struct ctx *c);

/* ---- errors ----------------------------------------------------------- */

/* Put every device back to its own period; async-signal-safe, silent. */
static void restore_periods(void)
{
	int i, fd;

	for (i = 0; i < ndevs; i++) {
		if (!devs[i].period_saved)
			continue;
		fd = open(devs[i].path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!ioctl(fd, MYPOLL_IOC_SET_PERIOD, &devs[i].old_period))
			devs[i].period_saved = false;
		close(fd);
	}
}

/* One line on stderr, the periods put back, exit status 2. */
#define die(...)	mypoll_die(prog, restore_periods, __VA_ARGS__)

static _Noreturn void gone(const struct dev *d)
{
	/* Nothing left to restore the period on. */
	((struct dev *)d)->period_saved = false;
	die("%s: device went away", d->path);
}

/* Errors that mean the device is no longer there end the run. */
static void check_gone(const struct dev *d, int err)
{
	if (err == ENODEV || err == ENXIO || err == ENOENT)
		gone(d);
}

/* The detail of the check's line; returns @ok, so a check can end with it. */
static bool __attribute__((format(printf, 3, 4)))
verdict(struct ctx *c, bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	return ok;
}

#define fail(c, ...)	verdict(c, false, __VA_ARGS__)
#define pass(c, ...)	verdict(c, true, __VA_ARGS__)

/* ---- signals ---------------------------------------------------------- */

/*
 * The only work done in signal context: bump the eventfd. The two counters
 * are instrumentation for the "handler" check (lock-free atomics are
 * async-signal-safe), not a second channel.
 */
static void on_sigio(int sig)
{
	(void)sig;
	atomic_fetch_add(&sig_entered, 1);
	mypoll_eventfd_kick(efd);
	atomic_fetch_add(&sig_done, 1);
}

/* Only there to interrupt a blocking read() with EINTR. */
static void on_alarm(int sig)
{
	(void)sig;
}

static void on_stop(int sig)
{
	restore_periods();
	_exit(128 + sig);
}

static void setup_signals(void)
{
	sigset_t set;

	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd < 0)
		die("eventfd: %s", strerror(errno));
	if (mypoll_sigio_handlers(on_sigio, on_stop) < 0)
		die("sigaction: %s", strerror(errno));
	/* No SA_RESTART: the alarm must end a read that never wakes. */
	if (mypoll_sigaction(SIGALRM, on_alarm, 0) < 0)
		die("sigaction: %s", strerror(errno));

	/*
	 * The real-time signal is blocked before any thread exists, so every
	 * thread inherits the mask and it can only end up in the signalfd.
	 */
	sig_rt = SIGRTMIN + 1;
	sigemptyset(&set);
	sigaddset(&set, sig_rt);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		die("sigprocmask: %s", strerror(errno));
	sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0)
		die("signalfd: %s", strerror(errno));
}

/* ---- time and waiting -------------------------------------------------- */

static void sleep_ms(int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int ms_left(uint64_t deadline)
{
	uint64_t now = mypoll_now_ns();

	return now >= deadline ? 0 : (int)((deadline - now + 999999) / 1000000);
}

/* poll() one fd; returns revents, 0 on timeout, -1 with errno on error. */
static int wait_fd(int fd, short events, int timeout_ms)
{
	uint64_t deadline = mypoll_now_ns() + (uint64_t)timeout_ms * 1000000;
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	for (;;) {
		n = poll(&p, 1, ms_left(deadline));
		if (n > 0)
			return p.revents;
		if (!n)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

/* Wait until the SIGIO handler has run more often than @base. */
static unsigned int wait_sigio(unsigned int base, int timeout_ms)
{
	uint64_t deadline = mypoll_now_ns() + (uint64_t)timeout_ms * 1000000;

	while (atomic_load(&sig_done) == base && ms_left(deadline))
		sleep_ms(2);
	return atomic_load(&sig_done);
}

/* Read and reset the eventfd counter; 0 when it was not signalled. */
static uint64_t take_eventfd(void)
{
	uint64_t v = 0;

	while (read(efd, &v, sizeof(v)) < 0) {
		if (errno != EINTR)
			return 0;
	}
	return v;
}

static void drain_signalfd(void)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) > 0 || errno == EINTR)
		;
}

/* ---- device access ------------------------------------------------------ */

static int dev_open(struct ctx *c, int flags)
{
	int fd = open(c->dev->path, flags | O_CLOEXEC);

	if (fd < 0) {
		check_gone(c->dev, errno);
		die("%s: open: %s", c->dev->path, strerror(errno));
	}
	return fd;
}

/* ioctl(); returns 0 or the errno value. */
static int dev_ioctl(struct ctx *c, int fd, unsigned long req, void *arg)
{
	if (ioctl(fd, req, arg) < 0) {
		check_gone(c->dev, errno);
		return errno;
	}
	return 0;
}

/* MYPOLL_IOC_GET_STATS; false with detail on error. */
static bool get_stats(struct ctx *c, int fd, struct mypoll_stats *st)
{
	int err;

	memset(st, 0, sizeof(*st));
	err = dev_ioctl(c, fd, MYPOLL_IOC_GET_STATS, st);
	if (err)
		return fail(c, "MYPOLL_IOC_GET_STATS: %s", strerror(err));
	return true;
}

/* MYPOLL_IOC_BURST of @n; false with detail on error. */
static bool burst(struct ctx *c, int fd, uint32_t n)
{
	int err = dev_ioctl(c, fd, MYPOLL_IOC_BURST, &n);

	if (err)
		return fail(c, "MYPOLL_IOC_BURST %u: %s", n, strerror(err));
	return true;
}

/* write() the whole buffer as one event; false with detail on error. */
static bool dev_write(struct ctx *c, int fd, const void *buf, size_t n)
{
	ssize_t r;

	do {
		r = write(fd, buf, n);
	} while (r < 0 && errno == EINTR);
	if (r < 0) {
		check_gone(c->dev, errno);
		return fail(c, "write(%zu): %s", n, strerror(errno));
	}
	if ((size_t)r != n)
		return fail(c, "write(%zu) returned %zd", n, r);
	return true;
}

static bool record_ok(struct ctx *c, const struct mypoll_event *ev)
{
	if (ev->type < MYPOLL_EV_TIMER || ev->type > MYPOLL_EV_OVERRUN)
		return fail(c, "record seq=%llu has type %u",
			    (unsigned long long)ev->seq, ev->type);
	if (ev->len > MYPOLL_PAYLOAD_MAX)
		return fail(c, "record seq=%llu has len %u > %u",
			    (unsigned long long)ev->seq, ev->len,
			    MYPOLL_PAYLOAD_MAX);
	return true;
}

/*
 * Read what the nonblocking @fd has queued into @ev (at most @max records)
 * until EAGAIN, waiting up to @timeout_ms for at least @want records in all.
 * Returns the number of records, or -1 with the detail set.
 */
static int collect(struct ctx *c, int fd, struct mypoll_event *ev, int max,
		   int want, int timeout_ms)
{
	uint64_t deadline = mypoll_now_ns() + (uint64_t)timeout_ms * 1000000;
	int n = 0, i, r;
	ssize_t got;

	while (n < max) {
		got = read(fd, ev + n, (size_t)(max - n) * MYPOLL_RECORD_SIZE);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == EAGAIN) {
			if (n >= want || !ms_left(deadline))
				break;
			r = wait_fd(fd, POLLIN, ms_left(deadline));
			if (r < 0) {
				fail(c, "poll: %s", strerror(errno));
				return -1;
			}
			continue;
		}
		if (got < 0) {
			check_gone(c->dev, errno);
			fail(c, "read: %s", strerror(errno));
			return -1;
		}
		if (!got)
			gone(c->dev);
		if (got % MYPOLL_RECORD_SIZE ||
		    got > (ssize_t)(max - n) * MYPOLL_RECORD_SIZE) {
			fail(c, "read of %d bytes returned %zd",
			     (max - n) * MYPOLL_RECORD_SIZE, got);
			return -1;
		}
		for (i = 0; i < got / MYPOLL_RECORD_SIZE; i++)
			if (!record_ok(c, &ev[n + i]))
				return -1;
		n += (int)(got / MYPOLL_RECORD_SIZE);
	}
	return n;
}

/* Records @ev[0..n) are @type with seq first, first+1, ...; else detail. */
static bool contiguous(struct ctx *c, const struct mypoll_event *ev, int n,
		       unsigned int type)
{
	int i;

	for (i = 0; i < n; i++) {
		if (ev[i].type != type)
			return fail(c, "record %d (seq=%llu) has type %u, want %u",
				    i, (unsigned long long)ev[i].seq,
				    ev[i].type, type);
		if (i && ev[i].seq != ev[i - 1].seq + 1)
			return fail(c, "seq jumps from %llu to %llu",
				    (unsigned long long)ev[i - 1].seq,
				    (unsigned long long)ev[i].seq);
	}
	return true;
}

static bool is_manual(const struct mypoll_event *ev, const char *text)
{
	size_t n = strlen(text);

	return ev->type == MYPOLL_EV_MANUAL && ev->len == n &&
	       !memcmp(ev->payload, text, n);
}

/*
 * A new O_RDWR | O_NONBLOCK open of the device with O_ASYNC set, plain
 * SIGIO to this process; -1 with detail on error.
 */
static int open_async(struct ctx *c)
{
	int fd = dev_open(c, O_RDWR | O_NONBLOCK);
	int err = mypoll_set_async(fd, true, 0);

	if (!err)
		return fd;
	close(fd);
	fail(c, "setting O_ASYNC: %s", strerror(err));
	return -1;
}

/* ---- checks ------------------------------------------------------------- */

static bool check_sigio(struct ctx *c)
{
	unsigned int base = atomic_load(&sig_done), now;
	int fd = open_async(c);
	bool ok;

	if (fd < 0)
		return false;
	ok = dev_write(c, fd, "sigio", 5);
	if (ok) {
		now = wait_sigio(base, WAIT_MS);
		ok = now != base ?
		     pass(c, "SIGIO after a write (%u signal(s))", now - base) :
		     fail(c, "no SIGIO within %d ms of a write", WAIT_MS);
	}
	close(fd);
	take_eventfd();
	return ok;
}

static bool check_siginfo(struct ctx *c)
{
	struct signalfd_siginfo si;
	unsigned int base = atomic_load(&sig_done);
	int fd, err, r;
	bool ok;

	drain_signalfd();
	fd = dev_open(c, O_RDWR | O_NONBLOCK);
	err = mypoll_set_async(fd, true, sig_rt);
	if (err) {
		close(fd);
		return fail(c, "F_SETSIG SIGRTMIN+1 and O_ASYNC: %s",
			    strerror(err));
	}
	if (!dev_write(c, fd, "siginfo", 7)) {
		close(fd);
		return false;
	}
	r = wait_fd(sfd, POLLIN, WAIT_MS);
	if (r <= 0 || read(sfd, &si, sizeof(si)) != sizeof(si))
		ok = fail(c, "no SIGRTMIN+1 within %d ms of a write%s", WAIT_MS,
			  atomic_load(&sig_done) != base ?
			  " (a plain SIGIO came instead)" : "");
	else if (si.ssi_signo != (uint32_t)sig_rt)
		ok = fail(c, "got signal %u, want SIGRTMIN+1 (%d)",
			  si.ssi_signo, sig_rt);
	else if (si.ssi_code != POLL_IN)
		ok = fail(c, "si_code=%d, want POLL_IN (%d)", si.ssi_code,
			  POLL_IN);
	else if (si.ssi_fd != fd)
		ok = fail(c, "si_fd=%d, want the device fd %d", si.ssi_fd, fd);
	else if (!(si.ssi_band & POLLIN))
		ok = fail(c, "si_band=0x%x lacks POLLIN",
			  (unsigned int)si.ssi_band);
	else
		ok = pass(c, "SIGRTMIN+1 with si_code=POLL_IN si_fd=%d si_band=0x%x",
			  si.ssi_fd, (unsigned int)si.ssi_band);
	close(fd);
	drain_signalfd();
	return ok;
}

/* epoll_wait() on one fd, retried on EINTR; returns the count or -1. */
static int epoll_one(int ep, struct epoll_event *out, int timeout_ms)
{
	uint64_t deadline = mypoll_now_ns() + (uint64_t)timeout_ms * 1000000;
	int n;

	for (;;) {
		n = epoll_wait(ep, out, 1, ms_left(deadline));
		if (n >= 0 || errno != EINTR)
			return n;
	}
}

static bool check_eventfd(struct ctx *c)
{
	struct epoll_event out;
	struct mypoll_event rec[4];
	uint64_t t0, v;
	int ep, fd, n;
	bool ok = false;

	ep = mypoll_epoll_watch(efd);
	if (ep < 0)
		return fail(c, "epoll on the eventfd: %s", strerror(errno));
	take_eventfd();
	fd = open_async(c);
	if (fd < 0)
		goto out;
	t0 = mypoll_now_ns();
	if (!dev_write(c, fd, "eventfd", 7))
		goto out;
	n = epoll_one(ep, &out, WAIT_MS);
	if (n < 0) {
		fail(c, "epoll_wait: %s", strerror(errno));
		goto out;
	}
	if (!n || out.data.fd != efd) {
		fail(c, "epoll_wait did not wake on the eventfd within %d ms",
		     WAIT_MS);
		goto out;
	}
	t0 = mypoll_now_ns() - t0;
	v = take_eventfd();
	n = collect(c, fd, rec, 4, 1, WAIT_MS);
	if (n < 0)
		goto out;
	if (n != 1 || !is_manual(&rec[0], "eventfd")) {
		fail(c, "epoll_wait woke, then the drain read %d record(s), want the one written",
		     n);
		goto out;
	}
	ok = pass(c, "epoll_wait woke on the eventfd (counter %llu) %.1f ms after the write; drained 1 record",
		  (unsigned long long)v, (double)t0 / 1e6);
out:
	if (fd >= 0)
		close(fd);
	close(ep);
	return ok;
}

static bool check_handler(struct ctx *c)
{
	static struct mypoll_event rec[HANDLER_BURST + 1];
	struct epoll_event out;
	unsigned int base, entered, done;
	uint64_t v;
	int ep, fd, n;
	bool ok = false;

	ep = mypoll_epoll_watch(efd);
	if (ep < 0)
		return fail(c, "epoll on the eventfd: %s", strerror(errno));
	take_eventfd();
	base = atomic_load(&sig_done);
	fd = open_async(c);
	if (fd < 0)
		goto out;
	if (!burst(c, fd, HANDLER_BURST))
		goto out;
	n = epoll_one(ep, &out, WAIT_MS);
	if (n <= 0) {
		fail(c, "no eventfd wakeup within %d ms of a burst", WAIT_MS);
		goto out;
	}
	/* Let stragglers in, then compare what the handler did. */
	sleep_ms(100);
	n = collect(c, fd, rec, HANDLER_BURST + 1, HANDLER_BURST, WAIT_MS);
	if (n < 0)
		goto out;
	sleep_ms(50);
	entered = atomic_load(&sig_entered);
	done = atomic_load(&sig_done);
	v = take_eventfd();
	if (entered != done)
		fail(c, "%u handler run(s) did not complete", entered - done);
	else if (done == base)
		fail(c, "no handler run for a burst of %u", HANDLER_BURST);
	else if (v != done - base)
		fail(c, "eventfd counted %llu, handler ran %u time(s)",
		     (unsigned long long)v, done - base);
	else if (n != (int)HANDLER_BURST)
		fail(c, "handler fine, but %d of %u burst records read", n,
		     HANDLER_BURST);
	else
		ok = pass(c, "%u handler run(s) for %u events (signals coalesce), all completed, eventfd counted %llu, %d records drained",
			  done - base, HANDLER_BURST, (unsigned long long)v, n);
out:
	if (fd >= 0)
		close(fd);
	close(ep);
	return ok;
}

static bool check_drain(struct ctx *c)
{
	static struct mypoll_event rec[DRAIN_BURST + READ_CHUNK];
	struct mypoll_stats st;
	uint32_t want;
	int fd, n = 0, reads = 0, most = 0, r;
	ssize_t got;
	bool ok = false;

	fd = dev_open(c, O_RDWR | O_NONBLOCK);
	if (!get_stats(c, fd, &st))
		goto out;
	want = st.capacity < DRAIN_BURST ? st.capacity : DRAIN_BURST;
	if (!want) {
		fail(c, "queue capacity is 0");
		goto out;
	}
	if (!burst(c, fd, want))
		goto out;
	r = wait_fd(fd, POLLIN, WAIT_MS);
	if (r <= 0) {
		fail(c, "not readable within %d ms of a burst", WAIT_MS);
		goto out;
	}
	/* One pass: a burst is queued by the time the ioctl returns. */
	for (;;) {
		if (n + READ_CHUNK > (int)(DRAIN_BURST + READ_CHUNK)) {
			fail(c, "more than %u records queued after a burst of %u",
			     DRAIN_BURST, want);
			goto out;
		}
		got = read(fd, rec + n, READ_CHUNK * MYPOLL_RECORD_SIZE);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == EAGAIN)
			break;
		if (got <= 0) {
			check_gone(c->dev, got ? errno : ENODEV);
			fail(c, "read: %s", strerror(errno));
			goto out;
		}
		if (got % MYPOLL_RECORD_SIZE ||
		    got > READ_CHUNK * MYPOLL_RECORD_SIZE) {
			fail(c, "read of %d bytes returned %zd",
			     READ_CHUNK * MYPOLL_RECORD_SIZE, got);
			goto out;
		}
		reads++;
		if (got / MYPOLL_RECORD_SIZE > most)
			most = (int)(got / MYPOLL_RECORD_SIZE);
		n += (int)(got / MYPOLL_RECORD_SIZE);
	}
	if (n != (int)want) {
		fail(c, "burst of %u: %d record(s) read before EAGAIN", want, n);
		goto out;
	}
	if (!contiguous(c, rec, n, MYPOLL_EV_BURST))
		goto out;
	ok = pass(c, "burst of %u: %d records in %d reads (up to %d a read) until EAGAIN, seq %llu..%llu contiguous",
		  want, n, reads, most, (unsigned long long)rec[0].seq,
		  (unsigned long long)rec[n - 1].seq);
out:
	close(fd);
	return ok;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Median of the intervals between the @n records' ts_ns, in ns. */
static uint64_t median_interval(const struct mypoll_event *rec, int n)
{
	static uint64_t gap[TIMER_EVENTS * 4];
	int i;

	for (i = 1; i < n; i++)
		gap[i - 1] = rec[i].ts_ns - rec[i - 1].ts_ns;
	qsort(gap, n - 1, sizeof(gap[0]), cmp_u64);
	return gap[(n - 1) / 2];
}

static bool check_timer(struct ctx *c)
{
	static struct mypoll_event rec[TIMER_EVENTS * 4];
	uint64_t t_set, t_read, deadline, max_lat = 0, lat_sum = 0;
	uint32_t period = test_period_us, got_period = 0, off = 0;
	double mean_us, median_us, lo, hi;
	int fd, err, n = 0, r, i;
	bool ok = false;

	fd = dev_open(c, O_RDWR | O_NONBLOCK);
	t_set = mypoll_now_ns();
	err = dev_ioctl(c, fd, MYPOLL_IOC_SET_PERIOD, &period);
	if (err) {
		fail(c, "MYPOLL_IOC_SET_PERIOD %u: %s", period, strerror(err));
		goto out;
	}
	err = dev_ioctl(c, fd, MYPOLL_IOC_GET_PERIOD, &got_period);
	if (err || got_period != period) {
		fail(c, "MYPOLL_IOC_GET_PERIOD returned %u (%s), set %u",
		     got_period, err ? strerror(err) : "ok", period);
		goto out;
	}
	deadline = t_set + (uint64_t)period * 1000 * TIMER_EVENTS * 2 +
		   2 * NSEC_PER_SEC;
	while (n < TIMER_EVENTS && ms_left(deadline)) {
		r = collect(c, fd, rec + n, TIMER_EVENTS * 4 - n, 1,
			    ms_left(deadline));
		if (r < 0)
			goto out;
		t_read = mypoll_now_ns();
		for (i = n; i < n + r; i++) {
			/* Stamped after the period was set, before the read. */
			if (rec[i].ts_ns < t_set || rec[i].ts_ns > t_read) {
				fail(c, "seq=%llu ts_ns=%llu outside [%llu, %llu] (set period, read)",
				     (unsigned long long)rec[i].seq,
				     (unsigned long long)rec[i].ts_ns,
				     (unsigned long long)t_set,
				     (unsigned long long)t_read);
				goto out;
			}
			if (t_read - rec[i].ts_ns > max_lat)
				max_lat = t_read - rec[i].ts_ns;
			lat_sum += t_read - rec[i].ts_ns;
			if (i && rec[i].ts_ns <= rec[i - 1].ts_ns) {
				fail(c, "ts_ns not increasing at seq=%llu",
				     (unsigned long long)rec[i].seq);
				goto out;
			}
		}
		n += r;
		if (n >= TIMER_EVENTS * 4 - 1)
			break;
	}
	if (n < TIMER_EVENTS) {
		fail(c, "%d timer event(s) in %.1f s at period %u us, want %d",
		     n, (double)(mypoll_now_ns() - t_set) / 1e9, period,
		     TIMER_EVENTS);
		goto out;
	}
	if (!contiguous(c, rec, n, MYPOLL_EV_TIMER))
		goto out;
	/*
	 * The median: a host that stops the guest's vCPUs for half a second
	 * (TCG on a busy host) makes the timer skip the periods it missed,
	 * which stretches the mean but not the median; a wrong period moves
	 * both.
	 */
	mean_us = (double)(rec[n - 1].ts_ns - rec[0].ts_ns) / (n - 1) / 1e3;
	median_us = (double)median_interval(rec, n) / 1e3;
	lo = period * 0.8;
	hi = period * 1.2;
	if (median_us < lo || median_us > hi) {
		fail(c, "median interval %.0f us (mean %.0f us) over %d events, want %u us +-20%%",
		     median_us, mean_us, n, period);
		goto out;
	}
	/* Read promptly, an event must not wait for long in the queue. */
	if (max_lat > NSEC_PER_SEC) {
		fail(c, "an event was read %.0f ms after its ts_ns",
		     (double)max_lat / 1e6);
		goto out;
	}
	ok = pass(c, "period %u us: median interval %.0f us (mean %.0f us) over %d events; read %.2f ms after ts_ns on average, %.2f ms at most",
		  period, median_us, mean_us, n, (double)lat_sum / n / 1e6,
		  (double)max_lat / 1e6);
out:
	/* Off again for the remaining checks; the old one returns at exit. */
	err = dev_ioctl(c, fd, MYPOLL_IOC_SET_PERIOD, &off);
	if (err && ok)
		ok = fail(c, "cannot stop the timer: %s", strerror(err));
	close(fd);
	return ok;
}

static bool check_payload(struct ctx *c)
{
	static const char short_msg[] = "hello mypoll";
	struct mypoll_event rec[4];
	char long_msg[64];
	ssize_t r;
	int fd, n, i;
	bool ok = false;

	for (i = 0; i < (int)sizeof(long_msg); i++)
		long_msg[i] = (char)('A' + i % 26);
	fd = dev_open(c, O_RDWR | O_NONBLOCK);
	if (!dev_write(c, fd, short_msg, strlen(short_msg)))
		goto out;
	/* A write takes what fits in one record and says so. */
	do {
		r = write(fd, long_msg, sizeof(long_msg));
	} while (r < 0 && errno == EINTR);
	if (r != MYPOLL_PAYLOAD_MAX) {
		fail(c, "write of %zu bytes returned %zd (%s), want %d",
		     sizeof(long_msg), r, r < 0 ? strerror(errno) : "no error",
		     MYPOLL_PAYLOAD_MAX);
		goto out;
	}
	n = collect(c, fd, rec, 4, 2, WAIT_MS);
	if (n < 0)
		goto out;
	if (n != 2) {
		fail(c, "2 writes gave %d record(s)", n);
		goto out;
	}
	if (!contiguous(c, rec, n, MYPOLL_EV_MANUAL))
		goto out;
	if (!is_manual(&rec[0], short_msg)) {
		fail(c, "12-byte write: len=%u payload differs", rec[0].len);
		goto out;
	}
	if (rec[1].len != MYPOLL_PAYLOAD_MAX ||
	    memcmp(rec[1].payload, long_msg, MYPOLL_PAYLOAD_MAX)) {
		fail(c, "64-byte write: len=%u, want the first %d bytes",
		     rec[1].len, MYPOLL_PAYLOAD_MAX);
		goto out;
	}
	/* Bytes past len are not data; stale kernel memory must not show. */
	for (i = (int)strlen(short_msg); i < MYPOLL_PAYLOAD_MAX; i++) {
		if (rec[0].payload[i]) {
			fail(c, "payload byte %d past len=%u is 0x%02x, not 0",
			     i, rec[0].len, rec[0].payload[i]);
			goto out;
		}
	}
	if (rec[0].lost || rec[1].lost) {
		fail(c, "MANUAL record with lost=%u", rec[0].lost | rec[1].lost);
		goto out;
	}
	ok = pass(c, "a write of 12 bytes returned 12 and was kept whole; of 64 bytes returned 40 and kept the first 40");
out:
	close(fd);
	return ok;
}

static bool check_short_read(struct ctx *c)
{
	static const size_t sizes[] = { 1, 32, 63 };
	struct mypoll_event rec[2];
	ssize_t r;
	size_t i;
	int fd, n;
	bool ok = false;

	fd = dev_open(c, O_RDWR | O_NONBLOCK);
	if (!dev_write(c, fd, "short", 5))
		goto out;
	if (wait_fd(fd, POLLIN, WAIT_MS) <= 0) {
		fail(c, "not readable within %d ms of a write", WAIT_MS);
		goto out;
	}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		do {
			r = read(fd, rec, sizes[i]);
		} while (r < 0 && errno == EINTR);
		if (r >= 0 || errno != EINVAL) {
			check_gone(c->dev, errno);
			fail(c, "read of %zu bytes returned %zd (%s), want EINVAL",
			     sizes[i], r, r < 0 ? strerror(errno) : "no error");
			goto out;
		}
	}
	/* A zero-length read succeeds with 0, as on evdev. */
	do {
		r = read(fd, rec, 0);
	} while (r < 0 && errno == EINTR);
	if (r != 0) {
		fail(c, "read of 0 bytes returned %zd (%s), want 0", r,
		     r < 0 ? strerror(errno) : "no error");
		goto out;
	}
	/* The refused reads must not have eaten the record. */
	n = collect(c, fd, rec, 2, 1, WAIT_MS);
	if (n < 0)
		goto out;
	if (n != 1 || !is_manual(&rec[0], "short")) {
		fail(c, "after the refused reads, %d record(s) left, want the one written",
		     n);
		goto out;
	}
	ok = pass(c, "reads of 1, 32, 63 bytes: EINVAL; of 0 bytes: 0; the queued record then read whole");
out:
	close(fd);
	return ok;
}

struct delayed_write {
	int fd;
	int delay_ms;
	int err;
};

static void *delayed_writer(void *arg)
{
	struct delayed_write *w = arg;

	sleep_ms(w->delay_ms);
	w->err = write(w->fd, "wake", 4) == 4 ? 0 : errno ? errno : EIO;
	return NULL;
}

static bool check_blocking_read(struct ctx *c)
{
	struct delayed_write w = { .delay_ms = 100 };
	struct mypoll_event rec[4];
	pthread_t t;
	uint64_t t0, dt;
	ssize_t r;
	int fd, err;
	bool ok = false;

	fd = dev_open(c, O_RDWR);
	w.fd = dev_open(c, O_RDWR | O_NONBLOCK);
	err = mypoll_thread_start(&t, delayed_writer, &w);
	if (err) {
		close(w.fd);
		close(fd);
		return fail(c, "pthread_create: %s", strerror(err));
	}
	/* The alarm ends a read that never wakes (EINTR). */
	t0 = mypoll_now_ns();
	alarm(WAIT_MS / 1000 + 1);
	r = read(fd, rec, sizeof(rec));
	err = errno;
	alarm(0);
	if (r < 0 && err != EINTR)
		check_gone(c->dev, err);
	dt = mypoll_now_ns() - t0;
	pthread_join(t, NULL);

	if (w.err)
		fail(c, "write from the other thread: %s", strerror(w.err));
	else if (r < 0 && err == EINTR)
		fail(c, "blocking read did not wake within %d s of a write 100 ms in",
		     WAIT_MS / 1000 + 1);
	else if (r < 0)
		fail(c, "read: %s", strerror(err));
	else if (r != MYPOLL_RECORD_SIZE || !is_manual(&rec[0], "wake"))
		fail(c, "blocking read returned %zd bytes, want the one record written",
		     r);
	else if (dt < 80 * 1000000ULL)
		fail(c, "blocking read returned after %.1f ms, before the write at 100 ms",
		     (double)dt / 1e6);
	else if (dt > WAKE_LIMIT_MS * 1000000ULL)
		fail(c, "blocking read returned only after %.0f ms, not woken by the write at 100 ms",
		     (double)dt / 1e6);
	else
		ok = pass(c, "blocking read woke %.1f ms after start, write at 100 ms",
			  (double)dt / 1e6);
	close(w.fd);
	close(fd);
	return ok;
}

/*
 * What epoll (on @ep_all: IN, RDNORM and OUT) and poll() report now: EPOLLIN
 * exactly when @want_in, EPOLLOUT always.
 */
static bool readiness(struct ctx *c, int ep_all, int fd, bool want_in,
		      const char *when)
{
	struct pollfd p = {
		.fd = fd, .events = POLLIN | POLLRDNORM | POLLOUT,
	};
	struct epoll_event out;
	int n;

	n = epoll_one(ep_all, &out, 0);
	if (n < 0)
		return fail(c, "epoll_wait: %s", strerror(errno));
	if (!n || !(out.events & EPOLLOUT))
		return fail(c, "%s: no EPOLLOUT (events=0x%x)", when,
			    n ? out.events : 0);
	if (!!(out.events & EPOLLIN) != want_in)
		return fail(c, "%s: EPOLLIN %s (events=0x%x)", when,
			    want_in ? "missing" : "set", out.events);
	if (want_in && !(out.events & EPOLLRDNORM))
		return fail(c, "%s: EPOLLIN without EPOLLRDNORM (events=0x%x)",
			    when, out.events);
	/* poll() goes through the same .poll; it must agree. */
	n = poll(&p, 1, 0);
	if (n < 0 && errno != EINTR)
		return fail(c, "poll: %s", strerror(errno));
	if (n > 0 && (!(p.revents & POLLOUT) ||
		      !!(p.revents & POLLIN) != want_in))
		return fail(c, "%s: poll() revents=0x%x disagree with epoll",
			    when, p.revents);
	return true;
}

/*
 * Sleep in epoll_wait() (@ep_in set) or poll() (@ep_in < 0) on @fd while
 * another thread writes 100 ms in: the sleeper must be woken by the event,
 * not find it at a timeout. Returns the wake time in ms, or -1 with detail.
 */
static double wake_on_write(struct ctx *c, int ep_in, int fd, int wfd)
{
	struct delayed_write w = { .fd = wfd, .delay_ms = 100 };
	const char *how = ep_in >= 0 ? "epoll_wait" : "poll";
	struct epoll_event out;
	pthread_t t;
	uint64_t t0, dt;
	int n, err;

	t0 = mypoll_now_ns();
	err = mypoll_thread_start(&t, delayed_writer, &w);
	if (err) {
		fail(c, "pthread_create: %s", strerror(err));
		return -1;
	}
	if (ep_in >= 0) {
		n = epoll_one(ep_in, &out, WAIT_MS);
		if (n > 0 && !(out.events & EPOLLIN))
			n = 0;
	} else {
		n = wait_fd(fd, POLLIN, WAIT_MS);
		n = n > 0 ? !!(n & POLLIN) : n;
	}
	err = errno;
	dt = mypoll_now_ns() - t0;
	pthread_join(t, NULL);
	if (w.err) {
		fail(c, "write from the other thread: %s", strerror(w.err));
		return -1;
	}
	if (n < 0) {
		fail(c, "%s: %s", how, strerror(err));
		return -1;
	}
	if (!n) {
		fail(c, "%s waiting for POLLIN not woken within %d ms of a write",
		     how, WAIT_MS);
		return -1;
	}
	if (dt > WAKE_LIMIT_MS * 1000000ULL) {
		fail(c, "%s woke %.0f ms after the write, not by it", how,
		     (double)dt / 1e6 - 100);
		return -1;
	}
	return (double)dt / 1e6 - 100;
}

static bool add_epoll(struct ctx *c, int ep, int fd, uint32_t events)
{
	if (mypoll_epoll_add(ep, fd, events) < 0)
		return fail(c, "epoll_ctl: %s", strerror(errno));
	return true;
}

/* Read the one "wake" record the writer thread generated. */
static bool drain_wake(struct ctx *c, int fd)
{
	struct mypoll_event rec[4];
	int n = collect(c, fd, rec, 4, 1, WAIT_MS);

	if (n < 0)
		return false;
	if (n != 1 || !is_manual(&rec[0], "wake"))
		return fail(c, "drained %d record(s), want the one written", n);
	return true;
}

static bool check_poll(struct ctx *c)
{
	unsigned int base = atomic_load(&sig_done);
	int ep_all, ep_in, fd, wfd, fl;
	double ms_epoll, ms_poll;
	bool ok = false;

	ep_all = epoll_create1(EPOLL_CLOEXEC);
	ep_in = epoll_create1(EPOLL_CLOEXEC);
	fd = dev_open(c, O_RDWR | O_NONBLOCK);
	wfd = dev_open(c, O_RDWR | O_NONBLOCK);
	if (ep_all < 0 || ep_in < 0) {
		fail(c, "epoll_create1: %s", strerror(errno));
		goto out;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || (fl & O_ASYNC)) {
		fail(c, "a fresh open has O_ASYNC set");
		goto out;
	}
	/*
	 * EPOLLOUT is always ready, so a set that asks for it re-polls the
	 * device every time; only a set of EPOLLIN alone needs a wakeup.
	 */
	if (!add_epoll(c, ep_all, fd, EPOLLIN | EPOLLRDNORM | EPOLLOUT) ||
	    !add_epoll(c, ep_in, fd, EPOLLIN))
		goto out;
	if (!readiness(c, ep_all, fd, false, "empty queue"))
		goto out;
	ms_epoll = wake_on_write(c, ep_in, fd, wfd);
	if (ms_epoll < 0)
		goto out;
	if (!readiness(c, ep_all, fd, true, "after a write") ||
	    !drain_wake(c, fd) ||
	    !readiness(c, ep_all, fd, false, "after draining"))
		goto out;
	ms_poll = wake_on_write(c, -1, fd, wfd);
	if (ms_poll < 0 || !drain_wake(c, fd) ||
	    !readiness(c, ep_all, fd, false, "after draining again"))
		goto out;
	if (atomic_load(&sig_done) != base) {
		fail(c, "SIGIO arrived without O_ASYNC");
		goto out;
	}
	ok = pass(c, "without O_ASYNC: epoll_wait and poll woken %.1f/%.1f ms after a write, EPOLLIN|EPOLLRDNORM until drained, EPOLLOUT always; no SIGIO",
		  ms_epoll, ms_poll);
out:
	close(wfd);
	close(fd);
	if (ep_in >= 0)
		close(ep_in);
	if (ep_all >= 0)
		close(ep_all);
	return ok;
}

static bool check_two_readers(struct ctx *c)
{
	struct mypoll_event a[16], b[16];
	int fa, fb, na, nb, i;
	bool ok = false;

	fa = dev_open(c, O_RDWR | O_NONBLOCK);
	fb = dev_open(c, O_RDWR | O_NONBLOCK);
	if (!dev_write(c, fa, "two", 3))
		goto out;
	if (!burst(c, fb, 10))
		goto out;
	na = collect(c, fa, a, 16, 11, WAIT_MS);
	if (na < 0)
		goto out;
	nb = collect(c, fb, b, 16, 11, WAIT_MS);
	if (nb < 0)
		goto out;
	if (na != 11 || nb != 11) {
		fail(c, "11 events: reader 1 got %d, reader 2 got %d", na, nb);
		goto out;
	}
	for (i = 0; i < 11; i++) {
		if (memcmp(&a[i], &b[i], sizeof(a[i]))) {
			fail(c, "record %d differs: seq %llu vs %llu", i,
			     (unsigned long long)a[i].seq,
			     (unsigned long long)b[i].seq);
			goto out;
		}
	}
	if (!is_manual(&a[0], "two") || !contiguous(c, a + 1, 10,
						    MYPOLL_EV_BURST) ||
	    a[1].seq != a[0].seq + 1) {
		if (!c->detail[0])
			fail(c, "records are not the write then the burst");
		goto out;
	}
	ok = pass(c, "both readers got the same 11 records, seq %llu..%llu",
		  (unsigned long long)a[0].seq, (unsigned long long)a[10].seq);
out:
	close(fb);
	close(fa);
	return ok;
}

#define STAT_EQ(st, field, want, what)					\
	((st).field == (want) ? true :					\
	 fail(c, "%s: " #field "=%llu, want %llu", what,		\
	      (unsigned long long)(st).field, (unsigned long long)(want)))

static bool check_stats(struct ctx *c)
{
	struct mypoll_event rec[16];
	struct mypoll_stats s0, s, sb;
	uint32_t period = 1;
	int fa, fb, err, n, k;
	bool ok = false;

	fa = dev_open(c, O_RDWR | O_NONBLOCK);
	fb = dev_open(c, O_RDWR | O_NONBLOCK);
	if (!get_stats(c, fa, &s0))
		goto out;
	err = dev_ioctl(c, fa, MYPOLL_IOC_GET_PERIOD, &period);
	if (err) {
		fail(c, "MYPOLL_IOC_GET_PERIOD: %s", strerror(err));
		goto out;
	}
	if (!STAT_EQ(s0, readers, 2, "two open files") ||
	    !STAT_EQ(s0, delivered, 0, "fresh reader") ||
	    !STAT_EQ(s0, queued, 0, "fresh reader") ||
	    !STAT_EQ(s0, lost, 0, "fresh reader") ||
	    !STAT_EQ(s0, period_us, period, "against GET_PERIOD"))
		goto out;
	if (!s0.capacity || (s0.capacity & (s0.capacity - 1))) {
		fail(c, "capacity=%u is not a power of two", s0.capacity);
		goto out;
	}
	/* 3 writes and a burst of 7: 10 events. */
	if (!dev_write(c, fa, "s1", 2) || !dev_write(c, fa, "s2", 2) ||
	    !dev_write(c, fb, "s3", 2))
		goto out;
	if (!burst(c, fa, 7))
		goto out;
	if (wait_fd(fa, POLLIN, WAIT_MS) <= 0) {
		fail(c, "not readable within %d ms", WAIT_MS);
		goto out;
	}
	if (!get_stats(c, fa, &s))
		goto out;
	if (!STAT_EQ(s, generated, s0.generated + 10, "after 10 events") ||
	    !STAT_EQ(s, queued, 10, "after 10 events") ||
	    !STAT_EQ(s, delivered, 0, "after 10 events"))
		goto out;
	/* Read 4, then the rest, and compare each time. */
	for (k = 0; k < 4; k += n) {
		n = collect(c, fa, rec + k, 4 - k, 4 - k, WAIT_MS);
		if (n <= 0) {
			if (!n)
				fail(c, "queued records not readable");
			goto out;
		}
	}
	if (!get_stats(c, fa, &s))
		goto out;
	if (!STAT_EQ(s, delivered, 4, "after reading 4") ||
	    !STAT_EQ(s, queued, 6, "after reading 4"))
		goto out;
	n = collect(c, fa, rec + 4, 12, 6, WAIT_MS);
	if (n < 0)
		goto out;
	if (!get_stats(c, fa, &s) || !get_stats(c, fb, &sb))
		goto out;
	if (!STAT_EQ(s, delivered, (uint64_t)(4 + n), "after draining") ||
	    !STAT_EQ(s, delivered, 10, "after draining") ||
	    !STAT_EQ(s, queued, 0, "after draining") ||
	    !STAT_EQ(s, lost, 0, "after draining") ||
	    !STAT_EQ(sb, queued, 10, "other reader") ||
	    !STAT_EQ(sb, delivered, 0, "other reader") ||
	    !STAT_EQ(sb, generated, s.generated, "other reader") ||
	    !STAT_EQ(sb, capacity, s.capacity, "other reader"))
		goto out;
	close(fb);
	fb = -1;
	if (!get_stats(c, fa, &s))
		goto out;
	if (!STAT_EQ(s, readers, 1, "after closing one"))
		goto out;
	ok = pass(c, "generated +10, queued 10/6/0, delivered 0/4/10, lost 0, capacity %u, readers 2 then 1, period_us %u",
		  s.capacity, s.period_us);
out:
	if (fb >= 0)
		close(fb);
	close(fa);
	return ok;
}

static bool check_overrun(struct ctx *c)
{
	struct mypoll_event *rec = NULL, mark[2];
	struct mypoll_stats s0, s;
	uint64_t prev, lost_sum = 0, pending = 0, got_burst = 0;
	uint32_t total;
	int fd, n, i, overruns = 0;
	bool ok = false, have_pending = false;

	fd = dev_open(c, O_RDWR | O_NONBLOCK);
	if (!get_stats(c, fd, &s0))
		goto out;
	if (!s0.capacity || s0.capacity > MYPOLL_BURST_MAX / 4) {
		fail(c, "capacity=%u out of range", s0.capacity);
		goto out;
	}
	/* A marker gives the seq just before the burst. */
	if (!dev_write(c, fd, "mark", 4))
		goto out;
	n = collect(c, fd, mark, 2, 1, WAIT_MS);
	if (n < 0)
		goto out;
	if (n != 1 || !is_manual(&mark[0], "mark")) {
		fail(c, "marker write gave %d record(s)", n);
		goto out;
	}
	prev = mark[0].seq;
	total = 2 * s0.capacity + 10;
	if (!burst(c, fd, total))
		goto out;
	if (wait_fd(fd, POLLIN, WAIT_MS) <= 0) {
		fail(c, "not readable within %d ms of a burst", WAIT_MS);
		goto out;
	}
	if (!get_stats(c, fd, &s))
		goto out;
	if (s.queued > s.capacity) {
		fail(c, "queued=%u > capacity=%u", s.queued, s.capacity);
		goto out;
	}
	rec = calloc((size_t)s0.capacity + 2, sizeof(*rec));
	if (!rec) {
		fail(c, "out of memory");
		goto out;
	}
	n = collect(c, fd, rec, (int)s0.capacity + 2, 1, WAIT_MS);
	if (n < 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (rec[i].type == MYPOLL_EV_OVERRUN) {
			if (have_pending) {
				fail(c, "two OVERRUN records in a row at %d", i);
				goto out;
			}
			overruns++;
			have_pending = true;
			pending = rec[i].lost;
			lost_sum += rec[i].lost;
			/* Its seq is that of the last event lost. */
			if (rec[i].seq != prev + rec[i].lost) {
				fail(c, "OVERRUN seq=%llu lost=%u after seq %llu, want seq %llu",
				     (unsigned long long)rec[i].seq,
				     rec[i].lost, (unsigned long long)prev,
				     (unsigned long long)(prev + rec[i].lost));
				goto out;
			}
			continue;
		}
		if (rec[i].type != MYPOLL_EV_BURST) {
			fail(c, "record %d: type %u in a burst", i, rec[i].type);
			goto out;
		}
		if (rec[i].seq - prev - 1 != (have_pending ? pending : 0)) {
			fail(c, "seq %llu -> %llu (gap %llu) %s%llu",
			     (unsigned long long)prev,
			     (unsigned long long)rec[i].seq,
			     (unsigned long long)(rec[i].seq - prev - 1),
			     have_pending ? "after OVERRUN lost=" :
			     "without an OVERRUN record; lost=",
			     (unsigned long long)pending);
			goto out;
		}
		have_pending = false;
		pending = 0;
		prev = rec[i].seq;
		got_burst++;
	}
	if (!overruns) {
		fail(c, "burst of %u into a queue of %u: no OVERRUN record",
		     total, s0.capacity);
		goto out;
	}
	if (have_pending) {
		fail(c, "OVERRUN record is the last one read");
		goto out;
	}
	if (got_burst + lost_sum != total) {
		fail(c, "read %llu + lost %llu != burst of %u",
		     (unsigned long long)got_burst,
		     (unsigned long long)lost_sum, total);
		goto out;
	}
	if (!get_stats(c, fd, &s))
		goto out;
	if (!STAT_EQ(s, lost, lost_sum, "after draining") ||
	    !STAT_EQ(s, queued, 0, "after draining") ||
	    !STAT_EQ(s, generated, s0.generated + 1 + total, "after draining"))
		goto out;
	ok = pass(c, "burst of %u into %u slots: %d OVERRUN record(s), lost %llu = seq gap, %llu read, stats.lost %llu",
		  total, s0.capacity, overruns, (unsigned long long)lost_sum,
		  (unsigned long long)got_burst, (unsigned long long)s.lost);
out:
	free(rec);
	close(fd);
	return ok;
}

/* Generate events through @gen for a while; returns false on error. */
static bool generate(struct ctx *c, int gen, int count, int gap_ms)
{
	int i;

	for (i = 0; i < count; i++) {
		if (!dev_write(c, gen, "quiet", 5))
			return false;
		sleep_ms(gap_ms);
	}
	return true;
}

/* @fd gets SIGIO for a write; after clearing O_ASYNC or close, none may. */
static bool check_async_off(struct ctx *c, bool by_close)
{
	unsigned int base, now;
	int fd, gen, err;
	bool ok = false;

	gen = dev_open(c, O_RDWR | O_NONBLOCK);
	base = atomic_load(&sig_done);
	fd = open_async(c);
	if (fd < 0)
		goto out;
	if (!dev_write(c, gen, "before", 6))
		goto out;
	if (wait_sigio(base, WAIT_MS) == base) {
		fail(c, "no SIGIO with O_ASYNC set, nothing to compare with");
		goto out;
	}
	if (by_close) {
		close(fd);
		fd = -1;
	} else {
		err = mypoll_set_async(fd, false, 0);
		if (err) {
			fail(c, "clearing O_ASYNC: %s", strerror(err));
			goto out;
		}
	}
	/* A signal already on its way lands now, not in the window. */
	sleep_ms(20);
	base = atomic_load(&sig_done);
	if (!generate(c, gen, 20, QUIET_MS / 20))
		goto out;
	sleep_ms(100);
	now = atomic_load(&sig_done);
	if (now != base)
		fail(c, "%u SIGIO(s) after %s while 20 events were generated",
		     now - base, by_close ? "close" : "clearing O_ASYNC");
	else
		ok = pass(c, "SIGIO before, none in %d ms and 20 events after %s",
			  QUIET_MS + 100,
			  by_close ? "close" : "clearing O_ASYNC");
out:
	if (fd >= 0)
		close(fd);
	close(gen);
	take_eventfd();
	return ok;
}

static bool check_async_clear(struct ctx *c)
{
	return check_async_off(c, false);
}

static bool check_async_close(struct ctx *c)
{
	return check_async_off(c, true);
}

static bool check_devices(struct ctx *c)
{
	struct mypoll_event rec[MAX_DEVS][16];
	struct mypoll_stats before[MAX_DEVS], after[MAX_DEVS];
	struct ctx dc[MAX_DEVS];
	int fd[MAX_DEVS], n[MAX_DEVS], i, j;
	bool ok = false;

	for (i = 0; i < ndevs; i++) {
		dc[i].dev = &devs[i];
		dc[i].detail[0] = '\0';
		fd[i] = dev_open(&dc[i], O_RDWR | O_NONBLOCK);
	}
	for (i = 0; i < ndevs; i++) {
		if (!get_stats(&dc[i], fd[i], &before[i])) {
			fail(c, "%s: %s", devs[i].path, dc[i].detail);
			goto out;
		}
	}
	/* Device i gets a write and a burst of i: i + 1 events. */
	for (i = 0; i < ndevs; i++) {
		char msg[8];

		snprintf(msg, sizeof(msg), "dev%d", i);
		if (!dev_write(&dc[i], fd[i], msg, strlen(msg)) ||
		    (i && !burst(&dc[i], fd[i], (uint32_t)i))) {
			fail(c, "%s: %s", devs[i].path, dc[i].detail);
			goto out;
		}
	}
	for (i = 0; i < ndevs; i++) {
		char msg[8];

		n[i] = collect(&dc[i], fd[i], rec[i], 16, i + 1, WAIT_MS);
		if (n[i] < 0) {
			fail(c, "%s: %s", devs[i].path, dc[i].detail);
			goto out;
		}
		/* Let anything that leaked from another device show. */
		sleep_ms(20);
		j = collect(&dc[i], fd[i], rec[i] + n[i], 16 - n[i], 0, 0);
		if (j < 0) {
			fail(c, "%s: %s", devs[i].path, dc[i].detail);
			goto out;
		}
		n[i] += j;
		snprintf(msg, sizeof(msg), "dev%d", i);
		if (n[i] != i + 1 || !is_manual(&rec[i][0], msg)) {
			fail(c, "%s: %d record(s) for its own %d event(s)%s",
			     devs[i].path, n[i], i + 1,
			     n[i] && rec[i][0].type == MYPOLL_EV_MANUAL ?
			     " (payload of another device?)" : "");
			goto out;
		}
		/* seq counts this device's events only. */
		for (j = 0; j < n[i]; j++) {
			if (rec[i][j].seq != before[i].generated + 1 + j) {
				fail(c, "%s: seq=%llu, want %llu (its own count)",
				     devs[i].path,
				     (unsigned long long)rec[i][j].seq,
				     (unsigned long long)(before[i].generated +
							  1 + j));
				goto out;
			}
		}
		if (!get_stats(&dc[i], fd[i], &after[i])) {
			fail(c, "%s: %s", devs[i].path, dc[i].detail);
			goto out;
		}
		if (after[i].generated != before[i].generated + i + 1 ||
		    after[i].readers != 1) {
			fail(c, "%s: generated +%llu readers=%u, want +%d and 1",
			     devs[i].path,
			     (unsigned long long)(after[i].generated -
						  before[i].generated),
			     after[i].readers, i + 1);
			goto out;
		}
	}
	ok = pass(c, "%d devices: each saw only its own 1..%d events, seq and counters independent",
		  ndevs, ndevs);
out:
	for (i = 0; i < ndevs; i++)
		close(fd[i]);
	return ok;
}

/* ---- errors the ABI promises ------------------------------------------- */

struct named_ioctl {
	unsigned long req;
	const char *name;
};

static const char *errname(int err)
{
	return err ? strerror(err) : "success";
}

/* ioctl() that must fail with @want; false with detail otherwise. */
static bool ioctl_fails(struct ctx *c, int fd, unsigned long req, void *arg,
			int want, const char *what)
{
	int err = dev_ioctl(c, fd, req, arg);

	if (err != want)
		return fail(c, "%s: %s, want %s", what, errname(err),
			    strerror(want));
	return true;
}

static bool check_period_range(struct ctx *c)
{
	static const uint32_t bad[] = { 1, 99 };
	static const uint32_t good[] = { 100, 0 };
	uint32_t v, got;
	char what[48];
	size_t i;
	int fd, err;
	bool ok = false;

	fd = dev_open(c, O_RDWR | O_NONBLOCK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = bad[i];
		snprintf(what, sizeof(what), "SET_PERIOD %u", v);
		if (!ioctl_fails(c, fd, MYPOLL_IOC_SET_PERIOD, &v, EINVAL, what))
			goto out;
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = good[i];
		err = dev_ioctl(c, fd, MYPOLL_IOC_SET_PERIOD, &v);
		if (!err)
			err = dev_ioctl(c, fd, MYPOLL_IOC_GET_PERIOD, &got);
		if (err) {
			fail(c, "SET_PERIOD %u: %s", v, strerror(err));
			goto out;
		}
		if (got != v) {
			fail(c, "SET_PERIOD %u, then GET_PERIOD gave %u", v, got);
			goto out;
		}
	}
	ok = pass(c, "SET_PERIOD 1 and 99: EINVAL; 100 (the shortest) and 0 (off) set and read back");
out:
	v = 0;
	dev_ioctl(c, fd, MYPOLL_IOC_SET_PERIOD, &v);
	close(fd);
	return ok;
}

static bool check_burst_range(struct ctx *c)
{
	static const uint32_t bad[] = { 0, MYPOLL_BURST_MAX + 1 };
	struct mypoll_stats s0, s1;
	uint32_t v;
	char what[48];
	size_t i;
	int fd;
	bool ok = false;

	fd = dev_open(c, O_RDWR | O_NONBLOCK);
	if (!get_stats(c, fd, &s0))
		goto out;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = bad[i];
		snprintf(what, sizeof(what), "BURST %u", v);
		if (!ioctl_fails(c, fd, MYPOLL_IOC_BURST, &v, EINVAL, what))
			goto out;
	}
	if (!get_stats(c, fd, &s1))
		goto out;
	if (s1.generated != s0.generated || s1.queued) {
		fail(c, "refused bursts generated %llu event(s), %u queued",
		     (unsigned long long)(s1.generated - s0.generated),
		     s1.queued);
		goto out;
	}
	ok = pass(c, "BURST 0 and %u: EINVAL, no event generated",
		  MYPOLL_BURST_MAX + 1);
out:
	close(fd);
	return ok;
}

static bool check_unknown_ioctl(struct ctx *c)
{
	static const struct named_ioctl bad[] = {
		{ _IO(MYPOLL_IOC_MAGIC, 0), "_IO(magic, 0)" },
		{ _IOR(MYPOLL_IOC_MAGIC, 5, __u32), "_IOR(magic, 5, u32)" },
		{ _IOW(MYPOLL_IOC_MAGIC, 1, __u32),
		  "GET_PERIOD's number as _IOW" },
		{ _IOR(MYPOLL_IOC_MAGIC, 4, __u32),
		  "GET_STATS's number with a u32" },
		{ _IOR(MYPOLL_IOC_MAGIC ^ 1, 1, __u32), "another magic" },
	};
	struct mypoll_stats st;
	size_t i;
	int fd;
	bool ok = false;

	fd = dev_open(c, O_RDWR | O_NONBLOCK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&st, 0, sizeof(st));
		if (!ioctl_fails(c, fd, bad[i].req, &st, ENOTTY, bad[i].name))
			goto out;
	}
	ok = pass(c, "%zu unknown commands (other numbers, directions, sizes, magic): ENOTTY",
		  sizeof(bad) / sizeof(bad[0]));
out:
	close(fd);
	return ok;
}

static bool check_efault(struct ctx *c)
{
	static const struct named_ioctl reqs[] = {
		{ MYPOLL_IOC_GET_PERIOD, "GET_PERIOD" },
		{ MYPOLL_IOC_SET_PERIOD, "SET_PERIOD" },
		{ MYPOLL_IOC_BURST, "BURST" },
		{ MYPOLL_IOC_GET_STATS, "GET_STATS" },
	};
	struct mypoll_stats s0, s1;
	struct mypoll_event rec[2];
	long page = sysconf(_SC_PAGESIZE);
	void *bad;
	ssize_t r;
	size_t i;
	int fd, n;
	bool ok = false;

	/* A mapping with no access: every copy from or to it faults. */
	bad = mmap(NULL, (size_t)page, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (bad == MAP_FAILED)
		return fail(c, "mmap: %s", strerror(errno));
	fd = dev_open(c, O_RDWR | O_NONBLOCK);
	if (!get_stats(c, fd, &s0))
		goto out;
	r = write(fd, bad, 5);
	if (r >= 0 || errno != EFAULT) {
		fail(c, "write from an unmapped buffer: %zd (%s), want EFAULT",
		     r, r < 0 ? strerror(errno) : "no error");
		goto out;
	}
	if (!dev_write(c, fd, "efault", 6))
		goto out;
	if (wait_fd(fd, POLLIN, WAIT_MS) <= 0) {
		fail(c, "not readable within %d ms of a write", WAIT_MS);
		goto out;
	}
	r = read(fd, bad, MYPOLL_RECORD_SIZE);
	if (r >= 0 || errno != EFAULT) {
		fail(c, "read into an unmapped buffer: %zd (%s), want EFAULT",
		     r, r < 0 ? strerror(errno) : "no error");
		goto out;
	}
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		if (!ioctl_fails(c, fd, reqs[i].req, bad, EFAULT, reqs[i].name))
			goto out;
	/* The record that could not be copied is gone, as documented. */
	n = collect(c, fd, rec, 2, 0, 0);
	if (n < 0)
		goto out;
	if (!get_stats(c, fd, &s1))
		goto out;
	if (n || s1.queued || s1.delivered != s0.delivered ||
	    s1.generated != s0.generated + 1) {
		fail(c, "after the faults: %d record(s) read, queued %u, delivered +%llu, generated +%llu; want 0, 0, +0, +1",
		     n, s1.queued,
		     (unsigned long long)(s1.delivered - s0.delivered),
		     (unsigned long long)(s1.generated - s0.generated));
		goto out;
	}
	ok = pass(c, "write, read and the 4 ioctls with an unmapped buffer: EFAULT; no event from the write, the record the read could not copy dropped");
out:
	close(fd);
	munmap(bad, (size_t)page);
	return ok;
}

static bool check_zero_write(struct ctx *c)
{
	struct mypoll_stats s0, s1;
	ssize_t r;
	int fd;
	bool ok = false;

	fd = dev_open(c, O_RDWR | O_NONBLOCK);
	if (!get_stats(c, fd, &s0))
		goto out;
	do {
		r = write(fd, "x", 0);
	} while (r < 0 && errno == EINTR);
	if (r != 0) {
		fail(c, "write of 0 bytes returned %zd (%s), want 0", r,
		     r < 0 ? strerror(errno) : "no error");
		goto out;
	}
	if (!get_stats(c, fd, &s1))
		goto out;
	if (s1.generated != s0.generated || s1.queued) {
		fail(c, "write of 0 bytes generated %llu event(s)",
		     (unsigned long long)(s1.generated - s0.generated));
		goto out;
	}
	ok = pass(c, "write of 0 bytes returned 0 and generated nothing");
out:
	close(fd);
	return ok;
}

static bool check_read_only(struct ctx *c)
{
	struct mypoll_stats st;
	uint32_t v = 5000, period;
	ssize_t r;
	int fd, err;
	bool ok = false;

	fd = dev_open(c, O_RDONLY | O_NONBLOCK);
	if (!ioctl_fails(c, fd, MYPOLL_IOC_SET_PERIOD, &v, EPERM,
			 "SET_PERIOD on a read-only file") ||
	    !ioctl_fails(c, fd, MYPOLL_IOC_BURST, &v, EPERM,
			 "BURST on a read-only file"))
		goto out;
	err = dev_ioctl(c, fd, MYPOLL_IOC_GET_PERIOD, &period);
	if (err) {
		fail(c, "GET_PERIOD on a read-only file: %s", strerror(err));
		goto out;
	}
	if (period) {
		fail(c, "the refused SET_PERIOD changed the period to %u",
		     period);
		goto out;
	}
	if (!get_stats(c, fd, &st))
		goto out;
	if (st.queued) {
		fail(c, "the refused BURST queued %u event(s)", st.queued);
		goto out;
	}
	r = write(fd, "ro", 2);
	if (r >= 0 || errno != EBADF) {
		fail(c, "write to a read-only file: %zd (%s), want EBADF", r,
		     r < 0 ? strerror(errno) : "no error");
		goto out;
	}
	ok = pass(c, "read-only file: SET_PERIOD and BURST EPERM, write EBADF; GET_PERIOD and GET_STATS work");
out:
	close(fd);
	return ok;
}

/* Writes @text to the sysfs file @path; 0 or the errno value. */
static int sysfs_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, text, strlen(text)) < 0)
		err = errno;
	close(fd);
	return err;
}

static bool sysfs_read(struct ctx *c, const char *path, uint32_t *v)
{
	char buf[32];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail(c, "open %s: %s", path, strerror(errno));
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (r <= 0)
		return fail(c, "read %s: %s", path,
			    r < 0 ? strerror(errno) : "empty");
	buf[r] = 0;
	if (sscanf(buf, "%u", v) != 1 || buf[r - 1] != '\n')
		return fail(c, "%s holds '%s', want a number and a newline",
			    path, buf);
	return true;
}

static bool check_sysfs(struct ctx *c)
{
	static const char *const bad[] = { "1", "99", "abc", "-1", "\n" };
	char path[96];
	uint32_t v, got;
	size_t i;
	int fd, err;
	bool ok = false;

	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/period_us",
		 major(c->dev->rdev), minor(c->dev->rdev));
	fd = dev_open(c, O_RDWR | O_NONBLOCK);
	if (!sysfs_read(c, path, &v))
		goto out;
	if (v) {
		fail(c, "%s reads %u, but the checker set the period to 0",
		     path, v);
		goto out;
	}
	if (access(path, W_OK)) {
		ok = pass(c, "%s reads the period; not writable by this user (%s), so only read",
			  path, strerror(errno));
		goto out;
	}
	err = sysfs_write(path, "5000\n");
	if (!err)
		err = dev_ioctl(c, fd, MYPOLL_IOC_GET_PERIOD, &got);
	if (err || got != 5000 || !sysfs_read(c, path, &v) || v != 5000) {
		if (!err)
			fail(c, "wrote 5000 to %s, GET_PERIOD gives %u, the file %u",
			     path, got, v);
		else
			fail(c, "writing 5000 to %s: %s", path, strerror(err));
		goto out;
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = sysfs_write(path, bad[i]);
		if (err != EINVAL) {
			fail(c, "writing '%s' to %s: %s, want EINVAL", bad[i],
			     path, errname(err));
			goto out;
		}
	}
	err = sysfs_write(path, "0");
	if (!err)
		err = dev_ioctl(c, fd, MYPOLL_IOC_GET_PERIOD, &got);
	if (err || got) {
		fail(c, "writing 0 to %s: %s, period %u", path, errname(err),
		     got);
		goto out;
	}
	ok = pass(c, "%s: reads the period, 5000 and 0 set it (GET_PERIOD agrees), '1', '99', 'abc', '-1', an empty line: EINVAL",
		  path);
out:
	/* The other checks expect the timer off. */
	v = 0;
	dev_ioctl(c, fd, MYPOLL_IOC_SET_PERIOD, &v);
	close(fd);
	return ok;
}

/* ---- driver ------------------------------------------------------------- */

static const struct check {
	const char *name;
	check_fn fn;
	bool multi;	/* needs two or more devices */
} checks[] = {
	{ "sigio", check_sigio, false },
	{ "siginfo", check_siginfo, false },
	{ "eventfd", check_eventfd, false },
	{ "handler", check_handler, false },
	{ "drain", check_drain, false },
	{ "payload", check_payload, false },
	{ "short-read", check_short_read, false },
	{ "blocking-read", check_blocking_read, false },
	{ "poll", check_poll, false },
	{ "two-readers", check_two_readers, false },
	{ "stats", check_stats, false },
	{ "overrun", check_overrun, false },
	{ "timer", check_timer, false },
	{ "async-clear", check_async_clear, false },
	{ "async-close", check_async_close, false },
	{ "period-range", check_period_range, false },
	{ "burst-range", check_burst_range, false },
	{ "unknown-ioctl", check_unknown_ioctl, false },
	{ "efault", check_efault, false },
	{ "zero-write", check_zero_write, false },
	{ "read-only", check_read_only, false },
	{ "sysfs", check_sysfs, false },
	{ "devices", check_devices, true },
};

#define NCHECKS	(sizeof(checks) / sizeof(checks[0]))

/* Ends the run should a check get stuck in a system call. */
static void *watchdog(void *arg)
{
	char line[160];
	long long dl;
	int len;

	(void)arg;
	for (;;) {
		sleep_ms(200);
		dl = atomic_load(&cur_deadline_ns);
		if (!dl || mypoll_now_ns() < (uint64_t)dl)
			continue;
		len = snprintf(line, sizeof(line),
			       "FAIL %s: no result within %d s (stuck in a system call)\n",
			       cur_check, CHECK_LIMIT_S);
		fflush(stdout);
		if (write(STDOUT_FILENO, line, (size_t)len) < 0)
			_exit(1);
		restore_periods();
		_exit(1);
	}
	return NULL;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
"Usage: %s [--period-us N] [--only NAME,...] DEVICE [DEVICE2 DEVICE3 DEVICE4]\n"
"\n"
"Check a mypoll device against its ABI. One line per check:\n"
"  PASS name: detail   or   FAIL name: detail\n"
"Exit status 0 when all pass, 1 when one fails, 2 on bad usage or a\n"
"device that is missing, not a mypoll device, or went away.\n"
"\n"
"  --period-us N   timer period for the timer check (default 20000)\n"
"  --only NAMES    run only these checks (comma separated)\n"
"\n"
"Checks (\"devices\" runs with two or more devices):\n ",
		prog);
	for (i = 0; i < NCHECKS; i++)
		fprintf(f, " %s", checks[i].name);
	fputc('\n', f);
}

static uint32_t parse_period(const char *s)
{
	unsigned long v;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1000 || v > 1000000)
		goto bad;
	return (uint32_t)v;
bad:
	die("--period-us: invalid value '%s' (expected 1000..1000000)", s);
}

/* Open, check it is a mypoll device, switch its timer off. */
static void setup_device(struct dev *d)
{
	struct mypoll_stats st;
	struct stat sb;
	uint32_t off = 0;
	int fd, err, i;

	/* Setting the period needs a file open for writing. */
	fd = open(d->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		die("%s: %s", d->path, strerror(errno));
	if (fstat(fd, &sb) < 0)
		die("%s: %s", d->path, strerror(errno));
	if (!S_ISCHR(sb.st_mode))
		die("%s: not a mypoll device", d->path);
	err = mypoll_probe(fd, &st);
	if (err == ENOTTY || err == EINVAL)
		die("%s: not a mypoll device", d->path);
	if (err == ENODEV)
		gone(d);
	if (err)
		die("%s: MYPOLL_IOC_GET_STATS: %s", d->path, strerror(err));
	for (i = 0; &devs[i] != d; i++)
		if (devs[i].rdev == sb.st_rdev)
			die("%s: same device as %s", d->path, devs[i].path);
	d->rdev = sb.st_rdev;

	if (ioctl(fd, MYPOLL_IOC_GET_PERIOD, &d->old_period) < 0) {
		check_gone(d, errno);
		die("%s: MYPOLL_IOC_GET_PERIOD: %s", d->path, strerror(errno));
	}
	d->period_saved = true;
	if (ioctl(fd, MYPOLL_IOC_SET_PERIOD, &off) < 0) {
		check_gone(d, errno);
		die("%s: MYPOLL_IOC_SET_PERIOD 0: %s", d->path,
		    strerror(errno));
	}
	close(fd);
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	struct ctx c;
	pthread_t wd;
	size_t i;
	int failed = 0, ran = 0, a, err;
	bool ok, only_args = false;

	/* Each line as it comes: the harness reads a serial console. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (a = 1; a < argc; a++) {
		const char *arg = argv[a];

		if (only_args || arg[0] != '-' || !arg[1]) {
			if (ndevs == MAX_DEVS)
				die("at most %d devices (see --help)", MAX_DEVS);
			devs[ndevs++].path = arg;
		} else if (!strcmp(arg, "--")) {
			only_args = true;
		} else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(arg, "--period-us") ||
			   !strcmp(arg, "--only")) {
			if (a + 1 >= argc)
				die("option '%s' needs a value (see --help)",
				    arg);
			if (arg[2] == 'p')
				test_period_us = parse_period(argv[++a]);
			else
				only = argv[++a];
		} else if (!strncmp(arg, "--period-us=", 12)) {
			test_period_us = parse_period(arg + 12);
		} else if (!strncmp(arg, "--only=", 7)) {
			only = arg + 7;
		} else {
			die("unknown option '%s' (see --help)", arg);
		}
	}
	if (!ndevs)
		die("no device given (see --help)");
	if (only) {
		const char *p = only;

		/* Every name given must be a check. */
		while (*p) {
			size_t len = strcspn(p, ",");
			bool known = false;

			for (i = 0; i < NCHECKS; i++)
				if (strlen(checks[i].name) == len &&
				    !strncmp(checks[i].name, p, len))
					known = true;
			if (!known)
				die("--only: unknown check '%.*s' (see --help)",
				    (int)len, p);
			p += len + (p[len] == ',');
		}
	}

	setup_signals();
	for (a = 0; a < ndevs; a++)
		setup_device(&devs[a]);
	/* A timer tick already under way is not one of ours. */
	sleep_ms(20);

	err = mypoll_thread_start(&wd, watchdog, NULL);
	if (err)
		die("pthread_create: %s", strerror(err));

	for (i = 0; i < NCHECKS; i++) {
		if (!mypoll_selected(only, checks[i].name))
			continue;
		if (checks[i].multi && ndevs < 2)
			continue;
		memset(&c, 0, sizeof(c));
		c.dev = &devs[0];
		cur_check = checks[i].name;
		atomic_store(&cur_deadline_ns, (long long)(mypoll_now_ns() +
				(uint64_t)CHECK_LIMIT_S * NSEC_PER_SEC));
		ok = checks[i].fn(&c);
		atomic_store(&cur_deadline_ns, 0);
		printf("%s %s: %s\n", ok ? "PASS" : "FAIL", checks[i].name,
		       c.detail[0] ? c.detail : "(no detail)");
		ran++;
		failed += !ok;
	}
	restore_periods();
	if (!ran)
		die("no check selected (see --help)");
	return failed ? 1 : 0;
}
