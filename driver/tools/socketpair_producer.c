// SPDX-License-Identifier: Apache-2.0
/*
 * socketpair_producer - an emulated mypoll device, see socketpair_producer.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "mypoll_common.h"
#include "socketpair_producer.h"

struct sp_producer {
	pthread_t thread;
	int sock;		/* producer's end, nonblocking */
	int tfd;		/* pacing timer */
	int kick;		/* eventfd: the commands below changed */

	pthread_mutex_t lock;	/* protects the commands */
	int stop;
	int paced_new;
	unsigned int paced_hz;
	uint64_t paced_count;
	uint64_t burst_pending;

	/* Owned by the thread. */
	uint64_t seq;
	int paced_on;
	uint64_t paced_left;	/* 0 with paced_on = no limit */
	int err;
	char errmsg[128];
	struct mypoll_event msg[SP_MSG_RECORDS];
};

static void set_err(struct sp_producer *p, const char *what, int err)
{
	p->err = err;
	snprintf(p->errmsg, sizeof(p->errmsg), "%s: %s", what, strerror(err));
}

/* Nonzero once sp_producer_stop() was called. */
static int stop_requested(struct sp_producer *p)
{
	int stop;

	pthread_mutex_lock(&p->lock);
	stop = p->stop;
	pthread_mutex_unlock(&p->lock);
	return stop;
}

static void drain_kick(struct sp_producer *p)
{
	uint64_t v;

	while (read(p->kick, &v, sizeof(v)) < 0 && errno == EINTR)
		;
}

/* Wait for room in the socket. Returns -1 if asked to stop or on error. */
static int wait_writable(struct sp_producer *p)
{
	struct pollfd pfd[2] = {
		{ .fd = p->sock, .events = POLLOUT },
		{ .fd = p->kick, .events = POLLIN },
	};

	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			set_err(p, "poll", errno);
			return -1;
		}
		if (pfd[1].revents) {
			/* Other commands are picked up after this message. */
			drain_kick(p);
			if (stop_requested(p))
				return -1;
		}
		/* POLLERR/POLLHUP: let send() report the error. */
		if (pfd[0].revents)
			return 0;
	}
}

/* Send the first @n records of p->msg as one message, waiting for room. */
static int send_msg(struct sp_producer *p, unsigned int n)
{
	size_t bytes = (size_t)n * MYPOLL_RECORD_SIZE;

	for (;;) {
		/* SEQPACKET sends all of a message or nothing. */
		if (send(p->sock, p->msg, bytes, MSG_NOSIGNAL) >= 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			set_err(p, "send", errno);
			return -1;
		}
		if (wait_writable(p))
			return -1;
	}
}

static void fill(struct sp_producer *p, unsigned int n, uint16_t type)
{
	uint64_t ts = mypoll_now_ns();
	unsigned int i;

	memset(p->msg, 0, (size_t)n * sizeof(p->msg[0]));
	for (i = 0; i < n; i++) {
		p->msg[i].seq = ++p->seq;
		p->msg[i].ts_ns = ts;
		p->msg[i].type = type;
	}
}

static int set_timer(struct sp_producer *p, unsigned int hz)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	if (hz) {
		uint64_t period = NSEC_PER_SEC / hz;

		its.it_interval.tv_sec = (time_t)(period / NSEC_PER_SEC);
		its.it_interval.tv_nsec = (long)(period % NSEC_PER_SEC);
		its.it_value = its.it_interval;
	}
	if (timerfd_settime(p->tfd, 0, &its, NULL) < 0) {
		set_err(p, "timerfd_settime", errno);
		return -1;
	}
	return 0;
}

static int apply_paced(struct sp_producer *p, unsigned int hz, uint64_t count)
{
	p->paced_on = hz != 0;
	p->paced_left = count;
	return set_timer(p, hz);
}

static int send_burst(struct sp_producer *p, uint64_t n)
{
	while (n) {
		unsigned int k = n < SP_MSG_RECORDS ? n : SP_MSG_RECORDS;

		fill(p, k, MYPOLL_EV_BURST);
		if (send_msg(p, k))
			return -1;
		n -= k;
	}
	return 0;
}

static int on_timer(struct sp_producer *p)
{
	uint64_t exp;

	if (read(p->tfd, &exp, sizeof(exp)) < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		set_err(p, "timerfd read", errno);
		return -1;
	}
	/* A late wakeup still yields one record per period elapsed. */
	while (exp-- && p->paced_on) {
		fill(p, 1, MYPOLL_EV_TIMER);
		if (send_msg(p, 1))
			return -1;
		if (p->paced_left && --p->paced_left == 0) {
			p->paced_on = 0;
			if (set_timer(p, 0))
				return -1;
		}
	}
	return 0;
}

static void *producer_main(void *arg)
{
	struct sp_producer *p = arg;
	struct pollfd pfd[2] = {
		{ .fd = p->tfd, .events = POLLIN },
		{ .fd = p->kick, .events = POLLIN },
	};

	for (;;) {
		unsigned int hz = 0;
		uint64_t count = 0, burst;
		int stop, paced_new;

		/* Look at the commands before sleeping: a kick may be spent. */
		pthread_mutex_lock(&p->lock);
		stop = p->stop;
		paced_new = p->paced_new;
		if (paced_new) {
			hz = p->paced_hz;
			count = p->paced_count;
			p->paced_new = 0;
		}
		burst = p->burst_pending;
		p->burst_pending = 0;
		pthread_mutex_unlock(&p->lock);

		if (stop)
			break;
		if (paced_new && apply_paced(p, hz, count))
			break;
		if (burst) {
			if (send_burst(p, burst))
				break;
			continue;
		}

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			set_err(p, "poll", errno);
			break;
		}
		if (pfd[1].revents)
			drain_kick(p);
		if (pfd[0].revents && on_timer(p))
			break;
	}
	/* On error the reader sees end of file instead of waiting forever. */
	if (p->err)
		shutdown(p->sock, SHUT_RDWR);
	return NULL;
}

static int kick(struct sp_producer *p)
{
	return mypoll_eventfd_kick(p->kick);
}

struct sp_producer *sp_producer_start(int *reader_fd)
{
	struct sp_producer *p;
	int sv[2], size = INT_MAX, fl, err;

	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->sock = p->tfd = p->kick = -1;
	sv[0] = -1;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		goto fail;
	p->sock = sv[1];
	/*
	 * Unix datagrams are charged to the sender's buffer: the larger it
	 * is, the longer a burst runs before the producer has to wait. The
	 * kernel clamps the value to net.core.wmem_max.
	 */
	setsockopt(p->sock, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	fl = fcntl(p->sock, F_GETFL);
	if (fl < 0 || fcntl(p->sock, F_SETFL, fl | O_NONBLOCK) < 0)
		goto fail;

	p->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (p->tfd < 0)
		goto fail;
	p->kick = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (p->kick < 0)
		goto fail;
	err = pthread_mutex_init(&p->lock, NULL);
	if (err) {
		errno = err;
		goto fail;
	}

	/* Signals for the reader go to the caller's threads. */
	err = mypoll_thread_start(&p->thread, producer_main, p);
	if (err) {
		pthread_mutex_destroy(&p->lock);
		errno = err;
		goto fail;
	}
	*reader_fd = sv[0];
	return p;

fail:
	err = errno;
	if (sv[0] >= 0)
		close(sv[0]);
	if (p->sock >= 0)
		close(p->sock);
	if (p->tfd >= 0)
		close(p->tfd);
	if (p->kick >= 0)
		close(p->kick);
	free(p);
	errno = err;
	return NULL;
}

int sp_producer_paced(struct sp_producer *p, unsigned int hz, uint64_t count)
{
	pthread_mutex_lock(&p->lock);
	p->paced_new = 1;
	p->paced_hz = hz;
	p->paced_count = count;
	pthread_mutex_unlock(&p->lock);
	return kick(p);
}

int sp_producer_burst(struct sp_producer *p, uint32_t n)
{
	pthread_mutex_lock(&p->lock);
	p->burst_pending += n;
	pthread_mutex_unlock(&p->lock);
	return kick(p);
}

int sp_producer_stop(struct sp_producer *p, char *msg, size_t len)
{
	int err;

	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_mutex_unlock(&p->lock);
	kick(p);
	pthread_join(p->thread, NULL);

	err = p->err;
	if (msg && len)
		snprintf(msg, len, "%s", err ? p->errmsg : "");
	pthread_mutex_destroy(&p->lock);
	close(p->sock);
	close(p->tfd);
	close(p->kick);
	free(p);
	return err;
}
