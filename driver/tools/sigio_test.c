// SPDX-License-Identifier: Apache-2.0
/*
 * sigio_test - wait for one SIGIO from a mypoll device, then print what is
 * queued.
 *
 * Usage: sigio_test DEVICE
 *
 * The signal handler only sets a flag; all the work happens in main().
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mypoll_common.h"

static const char *prog = "sigio_test";
static volatile sig_atomic_t got_sigio;

static void on_sigio(int sig)
{
	(void)sig;
	got_sigio = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s DEVICE\n"
		"Wait for SIGIO from a mypoll device, then print the queued "
		"events.\n", prog);
}

int main(int argc, char **argv)
{
	static struct mypoll_event buf[64];
	struct mypoll_stats st;
	sigset_t io, old;
	const char *path;
	int fd, err;

	if (argc == 2 && (!strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		if (argc < 2)
			fprintf(stderr, "%s: no device given (see --help)\n",
				prog);
		else if (argc > 2)
			fprintf(stderr, "%s: too many arguments (see --help)\n",
				prog);
		else
			fprintf(stderr, "%s: unknown option '%s' (see --help)\n",
				prog, argv[1]);
		return 1;
	}
	path = argv[1];

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return 1;
	}
	err = mypoll_probe(fd, &st);
	if (err) {
		fprintf(stderr, "%s: %s: %s\n", prog, path,
			err == ENOTTY || err == EINVAL ?
			"not a mypoll device" : strerror(err));
		return 1;
	}

	/* The default action of SIGIO kills the process: install first. */
	if (mypoll_sigio_handlers(on_sigio, NULL) < 0) {
		fprintf(stderr, "%s: sigaction: %s\n", prog, strerror(errno));
		return 1;
	}

	/*
	 * Keep SIGIO blocked between testing the flag and sleeping;
	 * sigsuspend() unblocks it atomically, which pause() cannot do.
	 */
	sigemptyset(&io);
	sigaddset(&io, SIGIO);
	sigprocmask(SIG_BLOCK, &io, &old);

	err = mypoll_set_async(fd, 1, 0);
	if (err) {
		fprintf(stderr, "%s: %s: fcntl: %s\n", prog, path,
			strerror(err));
		return 1;
	}

	sigdelset(&old, SIGIO);
	while (!got_sigio)
		sigsuspend(&old);
	sigprocmask(SIG_UNBLOCK, &io, NULL);

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		uint64_t now = mypoll_now_ns();
		ssize_t i;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n == 0 || (n < 0 && errno == ENODEV)) {
			fprintf(stderr, "%s: %s: device went away\n", prog,
				path);
			return 1;
		}
		if (n < 0) {
			fprintf(stderr, "%s: %s: read: %s\n", prog, path,
				strerror(errno));
			return 1;
		}
		if (n % MYPOLL_RECORD_SIZE) {
			fprintf(stderr,
				"%s: %s: read returned %zd bytes, not whole records\n",
				prog, path, n);
			return 1;
		}
		for (i = 0; i < n / MYPOLL_RECORD_SIZE; i++)
			mypoll_print_event(stdout, &buf[i], now);
	}
	close(fd);
	return 0;
}
