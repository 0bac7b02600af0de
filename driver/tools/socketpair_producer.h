/* SPDX-License-Identifier: Apache-2.0 */
/*
 * socketpair_producer - an emulated mypoll device.
 *
 * A thread writes mypoll records into one end of a SOCK_SEQPACKET
 * socketpair; the caller reads the other end. Each message holds 1 to
 * SP_MSG_RECORDS whole records, so a reader needs a buffer of at least
 * SP_MSG_MAX bytes and gets one message per read(). The producer never
 * drops a record: when the socket is full it waits for room.
 */
#ifndef SOCKETPAIR_PRODUCER_H
#define SOCKETPAIR_PRODUCER_H

#include <stddef.h>
#include <stdint.h>

#include "../kernel/mypoll.h"

#define SP_MSG_RECORDS	64
#define SP_MSG_MAX	(SP_MSG_RECORDS * MYPOLL_RECORD_SIZE)

struct sp_producer;

/*
 * Create the socketpair and start the producer thread, idle. The thread
 * runs with all signals blocked, so process-directed signals (SIGIO,
 * SIGINT, ...) go to the caller's threads. *@reader_fd receives the
 * reader's end (SOCK_CLOEXEC, otherwise left as created: blocking, no
 * O_ASYNC). Returns NULL with errno set on failure.
 */
struct sp_producer *sp_producer_start(int *reader_fd);

/*
 * Pace TIMER records at @hz per second, one record per message, from a
 * periodic CLOCK_MONOTONIC timerfd; stop by itself after @count records
 * (0 = no limit). @hz == 0 stops pacing. Returns 0 or an errno value.
 */
int sp_producer_paced(struct sp_producer *p, unsigned int hz, uint64_t count);

/*
 * Queue @n BURST records, written as fast as the reader takes them, up
 * to SP_MSG_RECORDS per message. Returns 0 or an errno value.
 */
int sp_producer_burst(struct sp_producer *p, uint32_t n);

/*
 * Stop and join the thread, close the producer's end and free @p. The
 * reader's end stays open. Returns 0, or the errno value of the error
 * that ended the thread early, described in @msg (may be NULL).
 */
int sp_producer_stop(struct sp_producer *p, char *msg, size_t len);

#endif /* SOCKETPAIR_PRODUCER_H */
