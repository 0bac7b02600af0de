// SPDX-License-Identifier: Apache-2.0
/*
 * Helpers shared by the mypoll user-space tools.
 */
#define _GNU_SOURCE	/* F_SETSIG */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "mypoll_common.h"

void mypoll_die(const char *prog, void (*cleanup)(void), const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fflush(stdout);
	fprintf(stderr, "%s: %s\n", prog, msg);
	if (cleanup)
		cleanup();
	exit(2);
}

uint64_t mypoll_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

const char *mypoll_type_name(unsigned int type, char *buf, size_t len)
{
	switch (type) {
	case MYPOLL_EV_TIMER:
		return "timer";
	case MYPOLL_EV_MANUAL:
		return "manual";
	case MYPOLL_EV_BURST:
		return "burst";
	case MYPOLL_EV_OVERRUN:
		return "overrun";
	}
	snprintf(buf, len, "unknown(%u)", type);
	return buf;
}

/* Payloads are arbitrary bytes; keep the line printable and parseable. */
static void escape_payload(char *out, const uint8_t *p, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		if (p[i] == '"' || p[i] == '\\') {
			*out++ = '\\';
			*out++ = (char)p[i];
		} else if (p[i] >= 0x20 && p[i] < 0x7f) {
			*out++ = (char)p[i];
		} else {
			out += sprintf(out, "\\x%02x", p[i]);
		}
	}
	*out = '\0';
}

void mypoll_print_event(FILE *f, const struct mypoll_event *ev,
			uint64_t read_ns)
{
	char payload[MYPOLL_PAYLOAD_MAX * 4 + 1];
	char tbuf[24];
	unsigned int len = ev->len;
	int64_t lat = (int64_t)(read_ns - ev->ts_ns);

	/* Never trust len beyond the payload array. */
	if (len > MYPOLL_PAYLOAD_MAX)
		len = MYPOLL_PAYLOAD_MAX;
	escape_payload(payload, ev->payload, len);

	fprintf(f, "seq=%llu type=%s len=%u payload=\"%s\" latency_us=%.1f",
		(unsigned long long)ev->seq,
		mypoll_type_name(ev->type, tbuf, sizeof(tbuf)),
		(unsigned int)ev->len, payload, (double)lat / NSEC_PER_USEC);
	if (ev->type == MYPOLL_EV_OVERRUN)
		fprintf(f, " lost=%u", (unsigned int)ev->lost);
	fputc('\n', f);
}

int mypoll_probe(int fd, struct mypoll_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (ioctl(fd, MYPOLL_IOC_GET_STATS, st) < 0)
		return errno;
	return 0;
}

int mypoll_sigaction(int sig, void (*handler)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = flags;
	sa.sa_handler = handler;
	return sigaction(sig, &sa, NULL);
}

int mypoll_sigio_handlers(void (*on_sigio)(int), void (*on_stop)(int))
{
	if (mypoll_sigaction(SIGIO, on_sigio, SA_RESTART) < 0)
		return -1;
	if (on_stop && (mypoll_sigaction(SIGINT, on_stop, SA_RESTART) < 0 ||
			mypoll_sigaction(SIGTERM, on_stop, SA_RESTART) < 0))
		return -1;
	return 0;
}

int mypoll_set_async(int fd, int on, int sig)
{
	int fl;

	if (on && (fcntl(fd, F_SETOWN, getpid()) < 0 ||
		   fcntl(fd, F_SETSIG, sig) < 0))
		return errno;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return errno;
	fl = on ? fl | O_ASYNC | O_NONBLOCK : fl & ~O_ASYNC;
	if (fcntl(fd, F_SETFL, fl) < 0)
		return errno;
	return 0;
}

int mypoll_eventfd_kick(int efd)
{
	int saved = errno, err = 0;
	uint64_t one = 1;

	while (write(efd, &one, sizeof(one)) < 0) {
		if (errno != EINTR) {
			err = errno;
			break;
		}
	}
	errno = saved;
	return err;
}

int mypoll_epoll_add(int ep, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

int mypoll_epoll_watch(int fd)
{
	int ep = epoll_create1(EPOLL_CLOEXEC), err;

	if (ep < 0)
		return -1;
	if (mypoll_epoll_add(ep, fd, EPOLLIN) < 0) {
		err = errno;
		close(ep);
		errno = err;
		return -1;
	}
	return ep;
}

int mypoll_thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}

bool mypoll_selected(const char *only, const char *name)
{
	size_t len = strlen(name);
	const char *p = only;

	if (!only)
		return true;
	while ((p = strstr(p, name))) {
		if ((p == only || p[-1] == ',') &&
		    (p[len] == ',' || !p[len]))
			return true;
		p += len;
	}
	return false;
}
