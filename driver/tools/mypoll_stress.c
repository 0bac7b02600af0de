// SPDX-License-Identifier: GPL-2.0
/*
 * mypoll_stress: loads a mypoll device the way that hurts most and prints
 * what it saw, one "PASS|FAIL name: detail" line per run, like
 * mypoll_check.
 *
 *   mypoll_stress readers [-n N] [-p US] [-s S] DEVICE
 *	N readers with O_ASYNC (SIGIO to this process) while the timer runs
 *	at US microseconds for S seconds: the load that shows how long the
 *	timer's interrupt takes with many readers. FAIL when the run lasts
 *	more than 2 s longer than asked.
 *   mypoll_stress kill [-n N] [-b COUNT] [-t MS] [-l LIMIT_MS] DEVICE
 *	a child opens N readers with O_ASYNC and starts a burst of COUNT
 *	events; MS later it gets SIGKILL. FAIL when reaping it takes longer
 *	than LIMIT_MS.
 *   mypoll_stress smp [-s S] DEVICE
 *	for S seconds, at once: threads that open and close the device,
 *	toggling O_ASYNC; two threads reading one file; a thread of bursts; a
 *	thread of writes; a thread of stats; the timer at its shortest period.
 *	Then the record and counter invariants of the shared file.
 *
 * The timer is put back to its period before the run at the end. Exit
 * status 0 when the run passed, 1 when it failed, 2 on bad usage or a
 * system call that failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mypoll_common.h"

#define PERIOD_MIN_US	100U
#define READ_RECORDS	64
#define OPENERS		2
#define SHARED_READERS	2
/* Seconds a readers run may last beyond those asked. */
#define READERS_SLACK_S	2

static const char *prog = "mypoll_stress";
static const char *path;
static uint32_t old_period;
static bool period_saved;
static atomic_uint sigio_count;
static atomic_bool stop;

static void restore_period(void)
{
	int fd;

	if (!period_saved)
		return;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		if (!ioctl(fd, MYPOLL_IOC_SET_PERIOD, &old_period))
			period_saved = false;
		close(fd);
	}
}

#define die(...)	mypoll_die(prog, restore_period, __VA_ARGS__)

static void on_sigio(int sig)
{
	(void)sig;
	atomic_fetch_add(&sigio_count, 1);
}

static void on_stop(int sig)
{
	restore_period();
	_exit(128 + sig);
}

/*
 * Sleeps until @ms from now. The deadline is absolute: a signal handler
 * that interrupts the sleep must not add its own time to the sleep, or a
 * stream of SIGIOs (one every 35 us is enough under TCG) makes it endless.
 */
static void sleep_ms(unsigned int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

static int dev_open(int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		die("%s: open: %s", path, strerror(errno));
	return fd;
}

static void set_period(int fd, uint32_t us)
{
	if (ioctl(fd, MYPOLL_IOC_SET_PERIOD, &us) < 0)
		die("%s: MYPOLL_IOC_SET_PERIOD %u: %s", path, us,
		    strerror(errno));
}

static void get_stats(int fd, struct mypoll_stats *st)
{
	int err = mypoll_probe(fd, st);

	if (err)
		die("%s: MYPOLL_IOC_GET_STATS: %s", path, strerror(err));
}

/* Saves the period to put back at the end; the device must be a mypoll. */
static void setup(void)
{
	struct mypoll_stats st;
	int fd = dev_open(O_RDWR | O_NONBLOCK), err;

	err = mypoll_probe(fd, &st);
	if (err == ENOTTY || err == EINVAL)
		die("%s: not a mypoll device", path);
	if (err)
		die("%s: MYPOLL_IOC_GET_STATS: %s", path, strerror(err));
	if (ioctl(fd, MYPOLL_IOC_GET_PERIOD, &old_period) < 0)
		die("%s: MYPOLL_IOC_GET_PERIOD: %s", path, strerror(errno));
	period_saved = true;
	close(fd);
	if (mypoll_sigio_handlers(on_sigio, on_stop) < 0)
		die("sigaction: %s", strerror(errno));
}

/* Room for @n more files than the soft limit allows by default. */
static void want_files(unsigned int n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("getrlimit: %s", strerror(errno));
	if (rl.rlim_cur >= n + 64)
		return;
	rl.rlim_cur = n + 64;
	if (rl.rlim_max < rl.rlim_cur)
		rl.rlim_max = rl.rlim_cur;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("setrlimit(RLIMIT_NOFILE, %u): %s", n + 64,
		    strerror(errno));
}

/* @n files with O_ASYNC set, signals to this process. */
static int *open_readers(unsigned int n)
{
	int *fds = calloc(n, sizeof(*fds)), err;
	unsigned int i;

	if (!fds)
		die("out of memory");
	want_files(n);
	for (i = 0; i < n; i++) {
		fds[i] = dev_open(O_RDONLY | O_NONBLOCK);
		err = mypoll_set_async(fds[i], 1, 0);
		if (err)
			die("O_ASYNC: %s", strerror(err));
	}
	return fds;
}

static void close_readers(int *fds, unsigned int n)
{
	while (n--)
		close(fds[n]);
	free(fds);
}

/* ---- readers ------------------------------------------------------------ */

/*
 * Handles the readers' SIGIOs for the whole process (its threads start with
 * every signal blocked), so that the thread that times the run and stops
 * the timer is never interrupted: SIGIOs that come faster than a thread
 * can handle them would otherwise keep it in its handler for good.
 */
static void *sigio_sink(void *arg)
{
	sigset_t none;

	(void)arg;
	sigemptyset(&none);
	for (;;)
		sigsuspend(&none);
	return NULL;
}

static int run_readers(unsigned int n, uint32_t period, unsigned int secs)
{
	struct mypoll_stats s0, s1;
	int *fds = open_readers(n), ctl = dev_open(O_RDWR | O_NONBLOCK), err;
	uint64_t t0, t1;
	bool late;
	sigset_t sigio;
	pthread_t sink;

	err = mypoll_thread_start(&sink, sigio_sink, NULL);
	if (err)
		die("pthread_create: %s", strerror(err));
	sigemptyset(&sigio);
	sigaddset(&sigio, SIGIO);
	pthread_sigmask(SIG_BLOCK, &sigio, NULL);
	get_stats(ctl, &s0);
	t0 = mypoll_now_ns();
	set_period(ctl, period);
	sleep_ms(secs * 1000);
	set_period(ctl, 0);
	t1 = mypoll_now_ns();
	get_stats(ctl, &s1);
	close(ctl);
	close_readers(fds, n);
	/*
	 * The load must last as long as asked, however many signals come:
	 * READERS_SLACK_S covers stopping the timer on a slow, busy guest.
	 */
	late = t1 - t0 > (secs + READERS_SLACK_S) * NSEC_PER_SEC;
	printf("%s readers: %u O_ASYNC readers, timer at %u us for %.1f s (asked %u s): %llu events generated (%.0f/s), %u SIGIO handled\n",
	       late ? "FAIL" : "PASS", n, period, (double)(t1 - t0) / 1e9,
	       secs, (unsigned long long)(s1.generated - s0.generated),
	       (double)(s1.generated - s0.generated) * 1e9 / (double)(t1 - t0),
	       atomic_load(&sigio_count));
	return late;
}

/* ---- kill --------------------------------------------------------------- */

static int run_kill(unsigned int n, uint32_t count, unsigned int after_ms,
		    unsigned int limit_ms)
{
	int pipefd[2], status, fd;
	uint64_t t_kill, t_reaped;
	double ms;
	pid_t pid;
	char c;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		int *fds = open_readers(n);

		(void)fds;
		fd = dev_open(O_RDWR);
		/* Tell the parent the burst is about to start. */
		if (write(pipefd[1], "g", 1) != 1)
			_exit(3);
		if (ioctl(fd, MYPOLL_IOC_BURST, &count) < 0)
			_exit(4);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &c, 1) != 1) {
		waitpid(pid, &status, 0);
		die("the child died before its burst (status 0x%x)", status);
	}
	close(pipefd[0]);
	sleep_ms(after_ms);
	t_kill = mypoll_now_ns();
	if (kill(pid, SIGKILL) < 0)
		die("kill: %s", strerror(errno));
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	}
	t_reaped = mypoll_now_ns();
	ms = (double)(t_reaped - t_kill) / 1e6;
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
		printf("FAIL kill: the child was not killed but ended with status 0x%x (the burst of %u was over within %u ms)\n",
		       status, count, after_ms);
		return 1;
	}
	printf("%s kill: SIGKILL %u ms into a burst of %u with %u O_ASYNC readers: reaped in %.1f ms (limit %u ms)\n",
	       ms <= limit_ms ? "PASS" : "FAIL", after_ms, count, n, ms,
	       limit_ms);
	return ms <= limit_ms ? 0 : 1;
}

/* ---- smp ---------------------------------------------------------------- */

struct shared_reader {
	int fd;
	pthread_t t;
	uint64_t records, overruns, lost, reads;
	char error[200];
};

static atomic_ullong opens, toggles, bursts, writes, stats_calls;
static char smp_error[200];
static pthread_mutex_t error_lock = PTHREAD_MUTEX_INITIALIZER;

static void __attribute__((format(printf, 1, 2))) smp_fail(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&error_lock);
	if (!smp_error[0]) {
		va_start(ap, fmt);
		vsnprintf(smp_error, sizeof(smp_error), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&error_lock);
	atomic_store(&stop, true);
}

/*
 * Reads one file together with another thread. Each read() returns a
 * contiguous run of records, so within a thread seq only grows, and an
 * OVERRUN record's seq is that of the last event lost.
 */
static void *shared_reader(void *arg)
{
	struct shared_reader *r = arg;
	struct mypoll_event ev[READ_RECORDS];
	struct pollfd p = { .fd = r->fd, .events = POLLIN };
	uint64_t last = 0;
	ssize_t got;
	int i;

	while (!atomic_load(&stop)) {
		got = read(r->fd, ev, sizeof(ev));
		if (got < 0 && errno == EAGAIN) {
			poll(&p, 1, 50);
			continue;
		}
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0 || got % MYPOLL_RECORD_SIZE) {
			smp_fail("shared read returned %zd (%s)", got,
				 got < 0 ? strerror(errno) : "not whole records");
			break;
		}
		r->reads++;
		for (i = 0; i < got / MYPOLL_RECORD_SIZE; i++) {
			if (ev[i].type < MYPOLL_EV_TIMER ||
			    ev[i].type > MYPOLL_EV_OVERRUN ||
			    ev[i].len > MYPOLL_PAYLOAD_MAX) {
				smp_fail("record seq=%llu: type %u len %u",
					 (unsigned long long)ev[i].seq,
					 ev[i].type, ev[i].len);
				return NULL;
			}
			if (ev[i].seq <= last && ev[i].type != MYPOLL_EV_OVERRUN) {
				smp_fail("seq %llu after %llu in one thread",
					 (unsigned long long)ev[i].seq,
					 (unsigned long long)last);
				return NULL;
			}
			if (ev[i].type == MYPOLL_EV_OVERRUN) {
				r->overruns++;
				r->lost += ev[i].lost;
				if (!ev[i].lost) {
					smp_fail("OVERRUN record with lost 0");
					return NULL;
				}
			} else {
				r->records++;
			}
			last = ev[i].seq;
		}
	}
	return NULL;
}

/* Opens and closes files, toggling O_ASYNC on them while events flow. */
static void *opener(void *arg)
{
	struct mypoll_event ev[8];
	unsigned int i = 0;
	int fd, err;

	(void)arg;
	while (!atomic_load(&stop)) {
		fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			smp_fail("open: %s", strerror(errno));
			break;
		}
		atomic_fetch_add(&opens, 1);
		for (int k = 0; k < 4; k++) {
			err = mypoll_set_async(fd, (k + i) & 1, 0);
			if (err) {
				smp_fail("O_ASYNC: %s", strerror(err));
				break;
			}
			atomic_fetch_add(&toggles, 1);
			if (read(fd, ev, sizeof(ev)) < 0 && errno != EAGAIN &&
			    errno != EINTR) {
				smp_fail("read: %s", strerror(errno));
				break;
			}
		}
		/* Every other file closes with O_ASYNC still set. */
		close(fd);
		i++;
	}
	return NULL;
}

/* A thread that does one thing to the device every millisecond or so. */
struct producer {
	int fd;
	const char *what;
	int (*once)(int fd, uint32_t *state);	/* 0 or an errno value */
	atomic_ullong *count;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	uint32_t state = 1;
	int err;

	while (!atomic_load(&stop)) {
		err = p->once(p->fd, &state);
		if (err && err != EINTR) {
			smp_fail("%s: %s", p->what, strerror(err));
			break;
		}
		atomic_fetch_add(p->count, 1);
		sleep_ms(1);
	}
	return NULL;
}

/* A burst of 1 to 4096 events, sizes from a linear congruential sequence. */
static int burst_once(int fd, uint32_t *state)
{
	uint32_t count;

	*state = *state * 1103515245U + 12345U;
	count = 1 + (*state >> 8) % 4096;
	return ioctl(fd, MYPOLL_IOC_BURST, &count) < 0 ? errno : 0;
}

static int write_once(int fd, uint32_t *state)
{
	(void)state;
	return write(fd, "smp", 3) < 0 ? errno : 0;
}

static void *stats_reader(void *arg)
{
	int fd = *(int *)arg;
	struct mypoll_stats st;
	uint64_t last = 0;

	while (!atomic_load(&stop)) {
		if (mypoll_probe(fd, &st)) {
			smp_fail("MYPOLL_IOC_GET_STATS: %s", strerror(errno));
			break;
		}
		if (st.queued > st.capacity || st.generated < last) {
			smp_fail("stats: queued %u capacity %u generated %llu after %llu",
				 st.queued, st.capacity,
				 (unsigned long long)st.generated,
				 (unsigned long long)last);
			break;
		}
		last = st.generated;
		atomic_fetch_add(&stats_calls, 1);
		sleep_ms(2);
	}
	return NULL;
}

static int run_smp(unsigned int secs)
{
	struct shared_reader rd[SHARED_READERS];
	struct producer bp = { .what = "MYPOLL_IOC_BURST", .once = burst_once,
			       .count = &bursts };
	struct producer wp = { .what = "write", .once = write_once,
			       .count = &writes };
	pthread_t op[OPENERS], bt, wt, st;
	struct mypoll_stats s0, s1;
	struct mypoll_event ev[READ_RECORDS];
	uint64_t records = 0, overruns = 0, lost = 0, reads = 0, since;
	int shared, ctl, i, err;
	ssize_t got;

	shared = dev_open(O_RDONLY | O_NONBLOCK);
	ctl = dev_open(O_RDWR | O_NONBLOCK);
	get_stats(shared, &s0);
	set_period(ctl, PERIOD_MIN_US);
	bp.fd = wp.fd = ctl;

	for (i = 0; i < SHARED_READERS; i++) {
		memset(&rd[i], 0, sizeof(rd[i]));
		rd[i].fd = shared;
		err = mypoll_thread_start(&rd[i].t, shared_reader, &rd[i]);
		if (err)
			die("pthread_create: %s", strerror(err));
	}
	for (i = 0; i < OPENERS; i++) {
		err = mypoll_thread_start(&op[i], opener, NULL);
		if (err)
			die("pthread_create: %s", strerror(err));
	}
	if ((err = mypoll_thread_start(&bt, produce, &bp)) ||
	    (err = mypoll_thread_start(&wt, produce, &wp)) ||
	    (err = mypoll_thread_start(&st, stats_reader, &ctl)))
		die("pthread_create: %s", strerror(err));

	for (i = 0; i < (int)secs * 10 && !atomic_load(&stop); i++)
		sleep_ms(100);
	atomic_store(&stop, true);
	for (i = 0; i < SHARED_READERS; i++)
		pthread_join(rd[i].t, NULL);
	for (i = 0; i < OPENERS; i++)
		pthread_join(op[i], NULL);
	pthread_join(bt, NULL);
	pthread_join(wt, NULL);
	pthread_join(st, NULL);
	set_period(ctl, 0);

	/* What is left on the shared file, then its books must balance. */
	while ((got = read(shared, ev, sizeof(ev))) > 0) {
		for (i = 0; i < got / MYPOLL_RECORD_SIZE; i++) {
			if (ev[i].type == MYPOLL_EV_OVERRUN) {
				overruns++;
				lost += ev[i].lost;
			} else {
				records++;
			}
		}
	}
	for (i = 0; i < SHARED_READERS; i++) {
		records += rd[i].records;
		overruns += rd[i].overruns;
		lost += rd[i].lost;
		reads += rd[i].reads;
	}
	get_stats(shared, &s1);
	close(shared);
	close(ctl);
	if (smp_error[0]) {
		printf("FAIL smp: %s\n", smp_error);
		return 1;
	}
	since = s1.generated - s0.generated;
	if (s1.delivered != records || s1.lost != lost || s1.queued ||
	    records + lost != since) {
		printf("FAIL smp: shared file read %llu records, lost %llu (stats: delivered %llu, lost %llu, queued %u); %llu events since it was opened\n",
		       (unsigned long long)records, (unsigned long long)lost,
		       (unsigned long long)s1.delivered,
		       (unsigned long long)s1.lost, s1.queued,
		       (unsigned long long)since);
		return 1;
	}
	printf("PASS smp: %u s, %llu events; one file read by %d threads: %llu records in %llu reads, %llu OVERRUN records (lost %llu), balanced with stats; %llu opens, %llu O_ASYNC toggles, %llu bursts, %llu writes, %llu stats calls, timer at %u us\n",
	       secs, (unsigned long long)since, SHARED_READERS,
	       (unsigned long long)records, (unsigned long long)reads,
	       (unsigned long long)overruns, (unsigned long long)lost,
	       (unsigned long long)atomic_load(&opens),
	       (unsigned long long)atomic_load(&toggles),
	       (unsigned long long)atomic_load(&bursts),
	       (unsigned long long)atomic_load(&writes),
	       (unsigned long long)atomic_load(&stats_calls), PERIOD_MIN_US);
	return 0;
}

/* ---- main --------------------------------------------------------------- */

static _Noreturn void usage(int status)
{
	fprintf(status ? stderr : stdout,
"Usage: %s readers [-n N] [-p US] [-s S] DEVICE\n"
"       %s kill [-n N] [-b COUNT] [-t MS] [-l LIMIT_MS] DEVICE\n"
"       %s smp [-s S] DEVICE\n"
"  -n  O_ASYNC readers (readers: 300, kill: 200)\n"
"  -p  timer period in us for readers (default 100)\n"
"  -s  seconds (readers: 5, smp: 10)\n"
"  -b  events of the burst (default %u)\n"
"  -t  ms from the start of the burst to SIGKILL (default 300)\n"
"  -l  most ms the reaping may take (default 1000)\n",
		prog, prog, prog, MYPOLL_BURST_MAX);
	exit(status);
}

static unsigned int number(const char *s, unsigned long lo, unsigned long hi)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || !*s || v < lo || v > hi)
		die("bad number '%s' (%lu..%lu)", s, lo, hi);
	return (unsigned int)v;
}

int main(int argc, char **argv)
{
	unsigned int n = 0, secs = 0, after = 300, limit = 1000;
	uint32_t period = PERIOD_MIN_US, count = MYPOLL_BURST_MAX;
	const char *mode;
	int opt, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage(2);
	mode = argv[1];
	if (!strcmp(mode, "-h") || !strcmp(mode, "--help"))
		usage(0);
	optind = 2;
	while ((opt = getopt(argc, argv, "n:p:s:b:t:l:h")) != -1) {
		switch (opt) {
		case 'n': n = number(optarg, 1, 100000); break;
		case 'p': period = number(optarg, PERIOD_MIN_US, 1000000); break;
		case 's': secs = number(optarg, 1, 3600); break;
		case 'b': count = number(optarg, 1, MYPOLL_BURST_MAX); break;
		case 't': after = number(optarg, 0, 60000); break;
		case 'l': limit = number(optarg, 1, 600000); break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	if (optind != argc - 1)
		usage(2);
	path = argv[optind];
	setup();

	if (!strcmp(mode, "readers"))
		rc = run_readers(n ? n : 300, period, secs ? secs : 5);
	else if (!strcmp(mode, "kill"))
		rc = run_kill(n ? n : 200, count, after, limit);
	else if (!strcmp(mode, "smp"))
		rc = run_smp(secs ? secs : 10);
	else
		usage(2);
	restore_period();
	return rc;
}
