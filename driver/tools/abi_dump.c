// SPDX-License-Identifier: Apache-2.0
/*
 * abi_dump - print the mypoll ABI as seen by the C compiler, one key=value
 * per line, for checking other language bindings against the header.
 */
#include <stddef.h>
#include <stdio.h>

#include "../kernel/mypoll.h"

#define SHOW(key, val)	printf("%s=%lu\n", key, (unsigned long)(val))

int main(void)
{
	SHOW("record_size", sizeof(struct mypoll_event));
	SHOW("payload_max", MYPOLL_PAYLOAD_MAX);
	SHOW("offset_seq", offsetof(struct mypoll_event, seq));
	SHOW("offset_ts_ns", offsetof(struct mypoll_event, ts_ns));
	SHOW("offset_type", offsetof(struct mypoll_event, type));
	SHOW("offset_len", offsetof(struct mypoll_event, len));
	SHOW("offset_lost", offsetof(struct mypoll_event, lost));
	SHOW("offset_payload", offsetof(struct mypoll_event, payload));
	SHOW("stats_size", sizeof(struct mypoll_stats));
	SHOW("offset_generated", offsetof(struct mypoll_stats, generated));
	SHOW("offset_delivered", offsetof(struct mypoll_stats, delivered));
	SHOW("offset_stats_lost", offsetof(struct mypoll_stats, lost));
	SHOW("offset_queued", offsetof(struct mypoll_stats, queued));
	SHOW("offset_capacity", offsetof(struct mypoll_stats, capacity));
	SHOW("offset_readers", offsetof(struct mypoll_stats, readers));
	SHOW("offset_period_us", offsetof(struct mypoll_stats, period_us));
	SHOW("ev_timer", MYPOLL_EV_TIMER);
	SHOW("ev_manual", MYPOLL_EV_MANUAL);
	SHOW("ev_burst", MYPOLL_EV_BURST);
	SHOW("ev_overrun", MYPOLL_EV_OVERRUN);
	/* ioctl numbers are 32-bit: print them as unsigned int values. */
	SHOW("ioc_get_period", (unsigned int)MYPOLL_IOC_GET_PERIOD);
	SHOW("ioc_set_period", (unsigned int)MYPOLL_IOC_SET_PERIOD);
	SHOW("ioc_burst", (unsigned int)MYPOLL_IOC_BURST);
	SHOW("ioc_get_stats", (unsigned int)MYPOLL_IOC_GET_STATS);
	SHOW("burst_max", MYPOLL_BURST_MAX);
	return 0;
}
