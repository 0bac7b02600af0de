// SPDX-License-Identifier: Apache-2.0
/*
 * freeze_thread: stops one thread of a running process, and only that one,
 * for a while: how a test wedges a service's worker thread (the bridge's
 * device loop) from outside, leaving its other threads running.
 *
 *   freeze_thread TID SECONDS
 *
 * PTRACE_SEIZE attaches to the thread without stopping it or sending it a
 * signal, then PTRACE_INTERRUPT stops it: ptrace acts on single threads,
 * where SIGSTOP would stop the whole process. The thread stays stopped until
 * SECONDS pass (then it is detached and runs on) or the process ends (a
 * supervisor that kills it); either way the tool exits 0. Needs ptrace
 * permission over the thread (root, or the same user with
 * kernel.yama.ptrace_scope 0).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long number(const char *arg, const char *what)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || *end || n <= 0) {
		fprintf(stderr, "freeze_thread: %s must be a whole number above 0, not '%s'\n", what, arg);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	pid_t tid, got;
	long seconds;
	time_t end;
	int status;

	if (argc != 3) {
		fprintf(stderr, "usage: freeze_thread TID SECONDS\n");
		return 2;
	}
	tid = (pid_t)number(argv[1], "TID");
	seconds = number(argv[2], "SECONDS");

	if (ptrace(PTRACE_SEIZE, tid, NULL, NULL) < 0) {
		fprintf(stderr, "freeze_thread: ptrace(PTRACE_SEIZE, %d): %s\n", tid, strerror(errno));
		return 1;
	}
	if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) < 0) {
		fprintf(stderr, "freeze_thread: ptrace(PTRACE_INTERRUPT, %d): %s\n", tid, strerror(errno));
		return 1;
	}
	/* __WALL: the tracee is a thread, not a child. */
	if (waitpid(tid, &status, __WALL) < 0) {
		fprintf(stderr, "freeze_thread: waitpid(%d): %s\n", tid, strerror(errno));
		return 1;
	}
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		printf("freeze_thread: thread %d ended before it stopped\n", tid);
		return 0;
	}
	printf("freeze_thread: thread %d stopped for %ld s\n", tid, seconds);
	fflush(stdout);

	end = time(NULL) + seconds;
	while (time(NULL) < end) {
		got = waitpid(tid, &status, __WALL | WNOHANG);
		if (got < 0 && errno == ECHILD)
			break;
		if (got == tid && (WIFEXITED(status) || WIFSIGNALED(status))) {
			printf("freeze_thread: thread %d ended while stopped\n", tid);
			return 0;
		}
		if (got == tid && WIFSTOPPED(status) && (status >> 16) != PTRACE_EVENT_STOP) {
			/* A signal for the thread (a fatal one ends the process): pass it on. */
			ptrace(PTRACE_CONT, tid, NULL, (void *)(long)WSTOPSIG(status));
			continue;
		}
		usleep(100000);
	}
	if (ptrace(PTRACE_DETACH, tid, NULL, NULL) < 0 && errno != ESRCH) {
		fprintf(stderr, "freeze_thread: ptrace(PTRACE_DETACH, %d): %s\n", tid, strerror(errno));
		return 1;
	}
	printf("freeze_thread: thread %d runs again\n", tid);
	return 0;
}
