/*
 * Helpers shared by the mypoll user-space tools.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "mypoll_common.h"

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
