/*
 * Helpers shared by the mypoll user-space tools: clock, record printing and
 * the check that a file descriptor really is a mypoll device.
 */
#ifndef MYPOLL_COMMON_H
#define MYPOLL_COMMON_H

#include <stdint.h>
#include <stdio.h>

#include "../kernel/mypoll.h"

/* The tools index read buffers by record; the header must agree. */
_Static_assert(sizeof(struct mypoll_event) == MYPOLL_RECORD_SIZE,
	       "struct mypoll_event must be MYPOLL_RECORD_SIZE bytes");

#define NSEC_PER_SEC	1000000000ULL
#define NSEC_PER_USEC	1000ULL

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

#endif /* MYPOLL_COMMON_H */
