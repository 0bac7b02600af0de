// SPDX-License-Identifier: Apache-2.0
/*
 * sigio_eventfd_epoll - read a mypoll device driven by SIGIO.
 *
 * The SIGIO handler only writes to an eventfd; the main loop sleeps in
 * epoll_wait() on that eventfd and, once woken, drains the device with
 * nonblocking reads until EAGAIN. Records are printed, or with --bench
 * timed: latency of paced events, then throughput of bursts, or with
 * --stream written as one JSON line each for a WebSocket server that sends
 * each line of its program as a message (websocketd), taking commands from
 * stdin.
 *
 * The source is a mypoll device node, or with --emulate a SOCK_SEQPACKET
 * socketpair fed by a producer thread (socketpair_producer.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "mypoll_common.h"
#include "socketpair_producer.h"

#define READ_BUF_BYTES	(64 * 1024)
#define RATE_MAX	1000000U
#define SECONDS_MAX	86400.0
#define SAMPLES_MAX	10000000ULL	/* paced latencies kept in memory */
#define STALL_NS	(10 * NSEC_PER_SEC)
#define BURST_DEFAULT	65536U
#define STREAM_OUT_BYTES (64 * 1024)	/* holds a whole read as lines */
#define COMMAND_MAX	64		/* longest stdin command line */

_Static_assert(READ_BUF_BYTES >= SP_MSG_MAX,
	       "a read must hold the largest emulated message");

enum phase {
	PH_DISCARD,	/* keep seq continuity only */
	PH_PRINT,
	PH_PACED,
	PH_BURST,
	PH_STREAM,	/* one JSON line per record (--stream) */
};

struct opts {
	const char *path;
	int emulate;
	int bench;
	int stream;
	unsigned int rate;	/* 0 = not given */
	double seconds;
	uint32_t burst;		/* 0 = not given */
	unsigned int bursts;
	uint64_t count;		/* 0 = no limit */
	int seconds_set;
	int bursts_set;
};

/* What the records read so far add up to, per phase. */
struct tally {
	enum phase phase;
	uint64_t next_seq;	/* whole run; 0 = no record seen yet */
	uint64_t records;	/* records of the phase's type */
	uint64_t limit;		/* PRINT, PACED: stop counting there */
	uint64_t missing;	/* seq numbers skipped */
	uint64_t overrun_lost;	/* sum of OVERRUN lost fields */
	int64_t *lat;		/* PACED: latency (ns) of each record */
	uint64_t last_ns;	/* read time of the last counted record */
};

static const char *prog = "sigio_eventfd_epoll";
static int efd = -1;
static volatile sig_atomic_t stop_req;

/* The source, and what has to be undone on exit. */
static int src_fd = -1;
static const char *src_name;
static struct sp_producer *producer;
static int period_saved;
static uint32_t old_period;

static void cleanup(void);

/* One line on stderr: "prog: KIND message". */
static void report(const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", prog, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static _Noreturn void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("", fmt, ap);
	va_end(ap);
	cleanup();
	exit(1);
}

static void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("warning: ", fmt, ap);
	va_end(ap);
}

static void cleanup(void)
{
	if (period_saved) {
		period_saved = 0;
		if (ioctl(src_fd, MYPOLL_IOC_SET_PERIOD, &old_period) < 0)
			warn("%s: cannot restore period %u us: %s", src_name,
			     old_period, strerror(errno));
	}
	if (producer) {
		struct sp_producer *p = producer;

		producer = NULL;
		sp_producer_stop(p, NULL, 0);
	}
}

/* ---- signals ---------------------------------------------------------- */

static void on_sigio(int sig)
{
	(void)sig;
	mypoll_eventfd_kick(efd);
}

static void on_stop(int sig)
{
	stop_req = 1;
	on_sigio(sig);
}

static void setup_signals(void)
{
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd < 0)
		die("eventfd: %s", strerror(errno));
	if (mypoll_sigio_handlers(on_sigio, on_stop) < 0)
		die("sigaction: %s", strerror(errno));
}

/* ---- options ---------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [options] DEVICE\n"
"       %s [options] --emulate\n"
"\n"
"Read mypoll records, woken by SIGIO through an eventfd and epoll.\n"
"Without --bench or --stream, print one line per record.\n"
"\n"
"  --emulate      read an emulated device (socketpair + producer thread)\n"
"  --rate HZ      paced event rate, 1..%u (default: device setting,\n"
"                 10 with --emulate, 1000 with --bench, off with --stream)\n"
"  --count N      stop after N events (not with --bench)\n"
"  --bench        measure: paced latency, then burst throughput\n"
"  --stream       one JSON line per record, stdout flushed after each read,\n"
"                 for websocketd; commands on stdin, one a line:\n"
"                 'rate HZ' (0 = off) and 'burst N'; ends at stdin's end\n"
"                 (a file's commands run at once; its end ends nothing)\n"
"  --seconds S    paced phase length (default 5)\n"
"  --burst N      events per burst, 1..%u (default 65536, capped by the\n"
"                 device's queue capacity)\n"
"  --bursts K     number of bursts (default 20)\n"
"  -h, --help     show this help\n"
"\n"
"--bench prints:\n"
"  paced rate_hz=R events=N gaps=G latency_us p50=X p99=X p999=X max=X\n"
"  burst events=N lost=L seconds=T events_per_s=E\n"
"--stream prints, per record (lost only in overrun records):\n"
"  {\"seq\":N,\"tsNs\":T,\"type\":\"timer\"[,\"lost\":L]}\n",
		prog, prog, RATE_MAX, MYPOLL_BURST_MAX);
}

static uint64_t parse_uint(const char *opt, const char *s, uint64_t min,
			   uint64_t max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	return v;
bad:
	die("%s: invalid value '%s' (expected %llu..%llu)", opt, s,
	    (unsigned long long)min, (unsigned long long)max);
}

static double parse_seconds(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	if ((*s < '0' || *s > '9') && *s != '.')
		goto bad;
	v = strtod(s, &end);
	if (errno || *end || !(v > 0.0) || v > SECONDS_MAX)
		goto bad;
	return v;
bad:
	die("%s: invalid value '%s' (expected seconds, > 0 and <= %.0f)",
	    opt, s, SECONDS_MAX);
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	int i, only_args = 0;

	memset(o, 0, sizeof(*o));
	o->seconds = 5.0;
	o->bursts = 20;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq;
		char name[32];
		size_t nlen;

		if (only_args || a[0] != '-' || !a[1]) {
			if (o->path)
				die("unexpected argument '%s' (see --help)", a);
			o->path = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_args = 1;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		}
		if (!strcmp(a, "--emulate")) {
			o->emulate = 1;
			continue;
		}
		if (!strcmp(a, "--bench")) {
			o->bench = 1;
			continue;
		}
		if (!strcmp(a, "--stream")) {
			o->stream = 1;
			continue;
		}

		/* The rest take a value: "--opt VALUE" or "--opt=VALUE". */
		eq = strchr(a, '=');
		nlen = eq ? (size_t)(eq - a) : strlen(a);
		if (nlen >= sizeof(name))
			nlen = sizeof(name) - 1;
		memcpy(name, a, nlen);
		name[nlen] = '\0';
		if (strcmp(name, "--rate") && strcmp(name, "--count") &&
		    strcmp(name, "--seconds") && strcmp(name, "--burst") &&
		    strcmp(name, "--bursts"))
			die("unknown option '%s' (see --help)", a);
		if (eq) {
			val = eq + 1;
		} else {
			if (i + 1 >= argc)
				die("option '%s' needs a value (see --help)",
				    name);
			val = argv[++i];
		}

		if (!strcmp(name, "--rate")) {
			o->rate = parse_uint(name, val, 1, RATE_MAX);
		} else if (!strcmp(name, "--count")) {
			o->count = parse_uint(name, val, 1, UINT64_MAX);
		} else if (!strcmp(name, "--seconds")) {
			o->seconds = parse_seconds(name, val);
			o->seconds_set = 1;
		} else if (!strcmp(name, "--burst")) {
			o->burst = parse_uint(name, val, 1, MYPOLL_BURST_MAX);
		} else {
			o->bursts = parse_uint(name, val, 1, 1000000);
			o->bursts_set = 1;
		}
	}

	if (o->emulate && o->path)
		die("give either DEVICE or --emulate, not both");
	if (!o->emulate && !o->path)
		die("no device given (see --help)");
	if (o->bench && o->count)
		die("--count cannot be used with --bench");
	if (o->bench && o->stream)
		die("give either --bench or --stream, not both");
	if (!o->bench && (o->seconds_set || o->burst || o->bursts_set))
		die("--seconds, --burst and --bursts need --bench");
}

/* ---- reading ---------------------------------------------------------- */

static _Noreturn void went_away(void)
{
	char msg[160];
	int err;

	/* Nothing left to restore the period on. */
	period_saved = 0;
	if (producer) {
		struct sp_producer *p = producer;

		producer = NULL;
		err = sp_producer_stop(p, msg, sizeof(msg));
		if (err)
			die("%s: %s", src_name, msg);
	}
	die("%s: device went away", src_name);
}

/*
 * --stream's line: what a client needs to find gaps and latency, and short,
 * since websocketd sends each line as its own WebSocket message.
 */
static void stream_event(const struct mypoll_event *ev)
{
	char tbuf[24];

	printf("{\"seq\":%llu,\"tsNs\":%llu,\"type\":\"%s\"",
	       (unsigned long long)ev->seq, (unsigned long long)ev->ts_ns,
	       mypoll_type_name(ev->type, tbuf, sizeof(tbuf)));
	if (ev->type == MYPOLL_EV_OVERRUN)
		printf(",\"lost\":%u", (unsigned int)ev->lost);
	fputs("}\n", stdout);
}

static void account(struct tally *t, const struct mypoll_event *ev,
		    uint64_t now)
{
	if (ev->type == MYPOLL_EV_OVERRUN) {
		/* Not a generated event: carries no place in the sequence. */
		t->overrun_lost += ev->lost;
		if (t->phase == PH_PRINT)
			mypoll_print_event(stdout, ev, now);
		else if (t->phase == PH_STREAM)
			stream_event(ev);
		return;
	}

	if (t->next_seq && ev->seq != t->next_seq)
		t->missing += ev->seq > t->next_seq ?
			      ev->seq - t->next_seq : 1;
	t->next_seq = ev->seq + 1;

	switch (t->phase) {
	case PH_PRINT:
		if (!t->limit || t->records < t->limit) {
			mypoll_print_event(stdout, ev, now);
			t->records++;
		}
		break;
	case PH_STREAM:
		if (!t->limit || t->records < t->limit) {
			stream_event(ev);
			t->records++;
		}
		break;
	case PH_PACED:
		if (ev->type == MYPOLL_EV_TIMER && t->records < t->limit) {
			t->lat[t->records++] = (int64_t)(now - ev->ts_ns);
			t->last_ns = now;
		}
		break;
	case PH_BURST:
		if (ev->type == MYPOLL_EV_BURST) {
			t->records++;
			t->last_ns = now;
		}
		break;
	case PH_DISCARD:
		break;
	}
}

static _Noreturn void client_gone(void);

/*
 * --stream: what one read returned goes out in one write, so that the
 * server gets it at once and may send it together.
 */
static void stream_flush(void)
{
	if (fflush(stdout) == EOF) {
		if (errno == EPIPE)
			client_gone();
		die("stdout: %s", strerror(errno));
	}
}

/* Read until the source is empty (EAGAIN) or a stop was asked for. */
static void drain(struct tally *t)
{
	static struct mypoll_event buf[READ_BUF_BYTES / MYPOLL_RECORD_SIZE];

	while (!stop_req) {
		ssize_t n = read(src_fd, buf, sizeof(buf));
		uint64_t now = mypoll_now_ns();
		ssize_t i;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			if (errno == ENODEV)
				went_away();
			die("%s: read: %s", src_name, strerror(errno));
		}
		if (n == 0)
			went_away();
		if (n % MYPOLL_RECORD_SIZE)
			die("%s: read returned %zd bytes, not whole records",
			    src_name, n);
		for (i = 0; i < n / MYPOLL_RECORD_SIZE; i++)
			account(t, &buf[i], now);
		if (t->phase == PH_STREAM)
			stream_flush();
	}
}

/* Sleep until the SIGIO handler (or a stop signal) kicks the eventfd. */
static void wait_kick(int epfd, int timeout_ms)
{
	struct epoll_event ev;
	uint64_t v;
	int n;

	n = epoll_wait(epfd, &ev, 1, timeout_ms);
	if (n < 0) {
		if (errno == EINTR)
			return;
		die("epoll_wait: %s", strerror(errno));
	}
	if (n > 0)
		while (read(efd, &v, sizeof(v)) < 0 && errno == EINTR)
			;
}

/* ---- source ----------------------------------------------------------- */

static void dev_ioctl(unsigned long req, const char *name, void *arg)
{
	if (ioctl(src_fd, req, arg) < 0) {
		if (errno == ENODEV)
			went_away();
		die("%s: %s: %s", src_name, name, strerror(errno));
	}
}

static void set_period(uint32_t us)
{
	dev_ioctl(MYPOLL_IOC_SET_PERIOD, "MYPOLL_IOC_SET_PERIOD", &us);
}

static void save_period(void)
{
	if (period_saved)
		return;
	dev_ioctl(MYPOLL_IOC_GET_PERIOD, "MYPOLL_IOC_GET_PERIOD", &old_period);
	period_saved = 1;
}

/* Open the source; returns the device's queue capacity (0 if emulated). */
static uint32_t open_source(const struct opts *o)
{
	struct mypoll_stats st;
	uint32_t capacity = 0;
	int err;

	if (o->emulate) {
		src_name = "emulated device";
		producer = sp_producer_start(&src_fd);
		if (!producer)
			die("%s: %s", src_name, strerror(errno));
	} else {
		src_name = o->path;
		/* Read-write: setting the period and bursts need it. */
		src_fd = open(o->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (src_fd < 0)
			die("%s: %s", o->path, strerror(errno));
		err = mypoll_probe(src_fd, &st);
		if (err == ENOTTY || err == EINVAL)
			die("%s: not a mypoll device", o->path);
		if (err == ENODEV)
			went_away();
		if (err)
			die("%s: MYPOLL_IOC_GET_STATS: %s", o->path,
			    strerror(err));
		capacity = st.capacity;
	}

	/* SIGIO to this process on every new record. */
	err = mypoll_set_async(src_fd, 1, 0);
	if (err)
		die("%s: O_ASYNC: %s", src_name, strerror(err));
	return capacity;
}

static void start_paced(const struct opts *o, unsigned int rate,
			uint64_t count)
{
	int err;

	if (!o->emulate) {
		save_period();
		set_period(rate ? 1000000U / rate : 0);
		return;
	}
	err = sp_producer_paced(producer, rate, count);
	if (err)
		die("%s: %s", src_name, strerror(err));
}

/* Queue @n BURST events now. */
static void start_burst(const struct opts *o, uint32_t n)
{
	if (o->emulate) {
		int err = sp_producer_burst(producer, n);

		if (err)
			die("%s: %s", src_name, strerror(err));
	} else {
		dev_ioctl(MYPOLL_IOC_BURST, "MYPOLL_IOC_BURST", &n);
	}
}

/* ---- modes ------------------------------------------------------------ */

static int run_print(const struct opts *o, int epfd)
{
	struct tally t = { .phase = PH_PRINT, .limit = o->count };
	unsigned int rate = o->rate;

	/* Line buffered: a pipe reader sees each record as it comes. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (o->emulate && !rate)
		rate = 10;
	if (rate)
		start_paced(o, rate, o->count);

	/* Records queued before O_ASYNC was set raised no SIGIO. */
	drain(&t);
	while (!stop_req && !(t.limit && t.records >= t.limit)) {
		wait_kick(epfd, -1);
		drain(&t);
	}
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest rank: the smallest sample with @permille of all at or below it. */
static double pct_us(const int64_t *s, uint64_t n, unsigned int permille)
{
	uint64_t rank;

	if (!n)
		return 0.0;
	rank = (n * permille + 999) / 1000;
	if (rank < 1)
		rank = 1;
	return (double)s[rank - 1] / NSEC_PER_USEC;
}

static void check_stop(void)
{
	if (stop_req)
		die("interrupted");
}

static void bench_paced(const struct opts *o, int epfd, struct tally *t,
			unsigned int rate)
{
	uint64_t target, start, deadline, lost, n;
	double want = (double)rate * o->seconds + 0.5;

	if (want < 1.0)
		want = 1.0;
	if (want > (double)SAMPLES_MAX)
		die("--rate x --seconds is more than %llu events",
		    (unsigned long long)SAMPLES_MAX);
	target = (uint64_t)want;

	t->lat = malloc(target * sizeof(*t->lat));
	if (!t->lat)
		die("out of memory for %llu samples",
		    (unsigned long long)target);
	t->phase = PH_PACED;
	t->limit = target;
	t->records = t->missing = t->overrun_lost = 0;

	start = mypoll_now_ns();
	/* Allow for a late start and slow periods before giving up. */
	deadline = start + (uint64_t)(o->seconds * NSEC_PER_SEC) +
		   NSEC_PER_SEC + 2 * (NSEC_PER_SEC / rate);
	start_paced(o, rate, target);

	while (t->records + t->overrun_lost < target) {
		uint64_t now = mypoll_now_ns();
		int ms;

		check_stop();
		if (now >= deadline) {
			warn("paced phase timed out: %llu of %llu events",
			     (unsigned long long)t->records,
			     (unsigned long long)target);
			break;
		}
		ms = (int)((deadline - now) / 1000000) + 1;
		wait_kick(epfd, ms > 1000 ? 1000 : ms);
		drain(t);
	}

	start_paced(o, 0, 0);
	/* Whatever the timer sent after the last counted record. */
	t->phase = PH_DISCARD;
	drain(t);
	check_stop();

	n = t->records;
	qsort(t->lat, n, sizeof(*t->lat), cmp_i64);
	lost = t->missing > t->overrun_lost ? t->missing : t->overrun_lost;
	printf("paced rate_hz=%u events=%llu gaps=%llu latency_us p50=%.1f p99=%.1f p999=%.1f max=%.1f\n",
	       rate, (unsigned long long)n, (unsigned long long)lost,
	       pct_us(t->lat, n, 500), pct_us(t->lat, n, 990),
	       pct_us(t->lat, n, 999),
	       n ? (double)t->lat[n - 1] / NSEC_PER_USEC : 0.0);
	fflush(stdout);
	free(t->lat);
	t->lat = NULL;
}

static void bench_burst(const struct opts *o, int epfd, struct tally *t,
			uint32_t burst)
{
	uint64_t t0 = 0, lost, elapsed;
	unsigned int k;
	double secs;

	t->phase = PH_BURST;
	t->records = t->missing = t->overrun_lost = 0;
	t->last_ns = 0;

	for (k = 0; k < o->bursts; k++) {
		uint64_t base = t->records + t->overrun_lost;
		uint64_t progress = mypoll_now_ns(), seen = base;

		if (!k)
			t0 = progress;
		start_burst(o, burst);

		/* An OVERRUN record accounts for events that never come. */
		while (t->records + t->overrun_lost - base < burst) {
			uint64_t now;

			check_stop();
			wait_kick(epfd, 1000);
			drain(t);
			now = mypoll_now_ns();
			if (t->records + t->overrun_lost != seen) {
				seen = t->records + t->overrun_lost;
				progress = now;
			} else if (now - progress > STALL_NS) {
				die("burst %u: no events for %llu s (%llu of %u read)",
				    k + 1,
				    (unsigned long long)(STALL_NS / NSEC_PER_SEC),
				    (unsigned long long)(seen - base), burst);
			}
		}
	}
	check_stop();

	elapsed = t->last_ns > t0 ? t->last_ns - t0 : 0;
	secs = (double)elapsed / NSEC_PER_SEC;
	lost = t->missing > t->overrun_lost ? t->missing : t->overrun_lost;
	printf("burst events=%llu lost=%llu seconds=%.3f events_per_s=%.0f\n",
	       (unsigned long long)t->records, (unsigned long long)lost, secs,
	       secs > 0.0 ? (double)t->records / secs : 0.0);
	fflush(stdout);
}

static int run_bench(const struct opts *o, int epfd, uint32_t capacity)
{
	struct tally t = { .phase = PH_DISCARD };
	unsigned int rate = o->rate ? o->rate : 1000;
	uint32_t burst = o->burst ? o->burst : BURST_DEFAULT;

	if (!o->emulate) {
		/* A burst is queued at once: more than fits would overrun. */
		if (!capacity)
			die("%s: device reports a queue capacity of 0",
			    src_name);
		if (burst > capacity) {
			if (o->burst)
				warn("--burst %u capped to the queue capacity %u",
				     burst, capacity);
			burst = capacity;
		}
		/* Start from a quiet, empty queue. */
		save_period();
		set_period(0);
	}
	drain(&t);

	bench_paced(o, epfd, &t, rate);
	bench_burst(o, epfd, &t, burst);
	return 0;
}

/*
 * The server closed our stdin or stdout: its client went away. Not an
 * error; the device's period is put back as on any exit.
 */
static _Noreturn void client_gone(void)
{
	cleanup();
	exit(0);
}

/* One stdin command of --stream: "rate HZ" or "burst N". */
static void stream_command(const struct opts *o, char *line)
{
	char *end = line + strlen(line);
	const char *arg;

	while (end > line && (end[-1] == '\r' || end[-1] == ' '))
		*--end = '\0';
	if (!*line)
		return;
	if (!strncmp(line, "rate ", 5)) {
		arg = line + 5;
		/* 0 is allowed here: it stops the timer. */
		start_paced(o, (unsigned int)parse_uint("stdin: rate", arg, 0,
							RATE_MAX), 0);
	} else if (!strncmp(line, "burst ", 6)) {
		arg = line + 6;
		start_burst(o, (uint32_t)parse_uint("stdin: burst", arg, 1,
						    MYPOLL_BURST_MAX));
	} else {
		die("stdin: unknown command '%s' (expected 'rate HZ' or 'burst N')",
		    line);
	}
}

/*
 * Run the complete command lines waiting on stdin; 0 at its end of file.
 * Byte by byte: commands come a few a second at most, and nothing read
 * past a line's end has to be kept for later.
 */
static int read_commands(const struct opts *o)
{
	static char line[COMMAND_MAX + 1];
	static size_t len;
	char c;

	for (;;) {
		ssize_t n = read(STDIN_FILENO, &c, 1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 1;
			die("stdin: %s", strerror(errno));
		}
		if (n == 0)
			return 0;
		if (c == '\n') {
			line[len] = '\0';
			len = 0;
			stream_command(o, line);
		} else if (len < COMMAND_MAX) {
			line[len++] = c;
		} else {
			line[len] = '\0';
			die("stdin: command longer than %d bytes: '%s...'",
			    COMMAND_MAX, line);
		}
	}
}

static int run_stream(const struct opts *o, int epfd)
{
	static char out[STREAM_OUT_BYTES];
	struct tally t = { .phase = PH_STREAM, .limit = o->count };
	struct epoll_event evs[2];
	int fl, n, i;

	/* Fully buffered: stream_flush() writes once per read. */
	setvbuf(stdout, out, _IOFBF, sizeof(out));
	/* A closed stdout is the client going away: EPIPE, not a signal. */
	if (mypoll_sigaction(SIGPIPE, SIG_IGN, 0) < 0)
		die("sigaction(SIGPIPE): %s", strerror(errno));

	if (!o->emulate)
		save_period();
	if (o->rate)
		start_paced(o, o->rate, 0);
	else if (!o->emulate)
		set_period(0);

	fl = fcntl(STDIN_FILENO, F_GETFL);
	if (fl < 0 || fcntl(STDIN_FILENO, F_SETFL, fl | O_NONBLOCK) < 0)
		die("stdin: O_NONBLOCK: %s", strerror(errno));
	if (mypoll_epoll_add(epfd, STDIN_FILENO, EPOLLIN) < 0) {
		if (errno != EPERM)
			die("stdin: epoll: %s", strerror(errno));
		/*
		 * A file or /dev/null, which epoll cannot watch: its commands
		 * run now, and its end ends nothing (a signal or --count does).
		 */
		while (read_commands(o))
			;
	}

	/* Records queued before O_ASYNC was set raised no SIGIO. */
	drain(&t);
	while (!stop_req && !(t.limit && t.records >= t.limit)) {
		n = epoll_wait(epfd, evs, 2, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("epoll_wait: %s", strerror(errno));
		}
		for (i = 0; i < n; i++) {
			uint64_t v;

			if (evs[i].data.fd == STDIN_FILENO) {
				if (!read_commands(o))
					client_gone();
			} else {
				while (read(efd, &v, sizeof(v)) < 0 &&
				       errno == EINTR)
					;
			}
		}
		drain(&t);
	}
	stream_flush();
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	uint32_t capacity;
	int epfd, ret;

	parse_args(argc, argv, &o);
	/* Handlers first: the default action of SIGIO kills the process. */
	setup_signals();
	capacity = open_source(&o);

	epfd = mypoll_epoll_watch(efd);
	if (epfd < 0)
		die("epoll: %s", strerror(errno));

	if (o.bench)
		ret = run_bench(&o, epfd, capacity);
	else if (o.stream)
		ret = run_stream(&o, epfd);
	else
		ret = run_print(&o, epfd);

	cleanup();
	if (fflush(stdout) == EOF)
		die("stdout: %s", strerror(errno));
	close(epfd);
	close(src_fd);
	return ret;
}
