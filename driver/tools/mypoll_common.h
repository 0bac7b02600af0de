/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the mypoll user-space tools: clock, record printing,
 * the check that a file descriptor really is a mypoll device, and the
 * signal, eventfd and epoll setup of a SIGIO-driven reader.
 */
#ifndef MYPOLL_COMMON_H
#define MYPOLL_COMMON_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../kernel/mypoll.h"

/* The tools index read buffers by record; the header must agree. */
_Static_assert(sizeof(struct mypoll_event) == MYPOLL_RECORD_SIZE,
	       "struct mypoll_event must be MYPOLL_RECORD_SIZE bytes");

#define NSEC_PER_SEC	1000000000ULL
#define NSEC_PER_USEC	1000ULL

/*
 * The end of a tool that cannot go on: "@prog: message" on stderr after what
 * stdout holds, then @cleanup (unless NULL), then exit status 2.
 */
_Noreturn void mypoll_die(const char *prog, void (*cleanup)(void),
			  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* CLOCK_MONOTONIC in nanoseconds, the clock of mypoll_event.ts_ns. */
uint64_t mypoll_now_ns(void);

/* "timer", "manual", "burst", "overrun" or "unknown(N)" (in @buf). */
const char *mypoll_type_name(unsigned int type, char *buf, size_t len);

/*
 * One line: seq=N type=T len=L payload="..." latency_us=X.Y [lost=N]
 * @read_ns is the CLOCK_MONOTONIC time at which the record was read.
 */
void mypoll_print_event(FILE *f, const struct mypoll_event *ev,
			uint64_t read_ns);

/*
 * MYPOLL_IOC_GET_STATS on @fd. Returns 0, or an errno value; ENOTTY and
 * EINVAL mean the file is not a mypoll device.
 */
int mypoll_probe(int fd, struct mypoll_stats *st);

/*
 * Install @handler for @sig with an empty mask and @flags (SA_RESTART, or
 * 0 where the signal must interrupt a blocking call). Returns 0 or -1 with
 * errno set.
 */
int mypoll_sigaction(int sig, void (*handler)(int), int flags);

/*
 * The handlers of a SIGIO-driven tool: @on_sigio for SIGIO, installed
 * first since the default action of SIGIO kills the process, then
 * @on_stop for SIGINT and SIGTERM unless it is NULL; all with SA_RESTART.
 * Returns 0 or -1 with errno set.
 */
int mypoll_sigio_handlers(void (*on_sigio)(int), void (*on_stop)(int));

/*
 * O_ASYNC on or off for @fd. On: signals go to this process, @sig (0 =
 * plain SIGIO), and O_NONBLOCK is set, since a woken reader drains until
 * EAGAIN. Off leaves the owner and O_NONBLOCK alone. Returns 0 or an
 * errno value.
 */
int mypoll_set_async(int fd, int on, int sig);

/*
 * Add 1 to the eventfd @efd, retried on EINTR. Async-signal-safe and
 * keeps errno, so SIGIO handlers can wake a loop with it. Returns 0 or an
 * errno value; EAGAIN means the counter is saturated, still a wakeup.
 */
int mypoll_eventfd_kick(int efd);

/*
 * A new epoll set (EPOLL_CLOEXEC) watching @fd for EPOLLIN, data.fd = @fd.
 * Returns the epoll fd, or -1 with errno set.
 */
int mypoll_epoll_watch(int fd);

/* epoll_ctl(EPOLL_CTL_ADD) of @fd for @events; 0 or -1 with errno set. */
int mypoll_epoll_add(int ep, int fd, uint32_t events);

/*
 * pthread_create() with every signal blocked in the new thread, so that
 * process-directed signals reach the caller's threads only. Returns 0 or
 * an errno value.
 */
int mypoll_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

/*
 * Whether the check @name is in @only, a comma-separated list of names;
 * every check is when @only is NULL (no --only).
 */
bool mypoll_selected(const char *only, const char *name);

#endif /* MYPOLL_COMMON_H */
