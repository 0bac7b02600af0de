// SPDX-License-Identifier: GPL-2.0
/*
 * uinput_keyboard: a virtual keyboard made through /dev/uinput, which types a
 * known text when asked, so that the bridge's evdev path can be tested
 * against a real input device in a real kernel.
 *
 *   uinput_keyboard --name NAME --text TEXT [--delay-ms N]
 *   uinput_keyboard --name NAME --stream HZ --seconds S
 *
 * Creates the keyboard and prints "created wall_ms=W mono_ns=M event=eventN"
 * (the wall clock, CLOCK_REALTIME, in milliseconds: the bridge's status
 * times are wall-clock). Then it waits for signals:
 *   SIGUSR1          types TEXT (a press and a release per character, each
 *                    followed by SYN_REPORT, N ms apart) and prints
 *                    "typed keys=K"
 *   SIGTERM, SIGINT  destroys the keyboard (the kernel unregisters the
 *                    input device: its readers see ENODEV), prints
 *                    "destroyed", and exits 0
 *
 * With --stream (the benchmark's load), a line on stdin starts S seconds of
 * frames at HZ, paced on CLOCK_MONOTONIC: KEY_A pressed and released in
 * turn, each frame its own SYN_REPORT; then "streamed frames=N". The end of
 * stdin destroys the keyboard.
 *
 * TEXT may hold a-z, 0-9, space, '-', '.' and ',' (one key each, no
 * shift). Exit status 2 on an error, with "uinput_keyboard: ..." on stderr.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <linux/uinput.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static const char *prog = "uinput_keyboard";

static const struct {
	char c;
	unsigned short code;
} keymap[] = {
	{ 'a', KEY_A }, { 'b', KEY_B }, { 'c', KEY_C }, { 'd', KEY_D },
	{ 'e', KEY_E }, { 'f', KEY_F }, { 'g', KEY_G }, { 'h', KEY_H },
	{ 'i', KEY_I }, { 'j', KEY_J }, { 'k', KEY_K }, { 'l', KEY_L },
	{ 'm', KEY_M }, { 'n', KEY_N }, { 'o', KEY_O }, { 'p', KEY_P },
	{ 'q', KEY_Q }, { 'r', KEY_R }, { 's', KEY_S }, { 't', KEY_T },
	{ 'u', KEY_U }, { 'v', KEY_V }, { 'w', KEY_W }, { 'x', KEY_X },
	{ 'y', KEY_Y }, { 'z', KEY_Z },
	{ '1', KEY_1 }, { '2', KEY_2 }, { '3', KEY_3 }, { '4', KEY_4 },
	{ '5', KEY_5 }, { '6', KEY_6 }, { '7', KEY_7 }, { '8', KEY_8 },
	{ '9', KEY_9 }, { '0', KEY_0 },
	{ ' ', KEY_SPACE }, { '-', KEY_MINUS }, { '.', KEY_DOT },
	{ ',', KEY_COMMA },
};

#define NKEYS (sizeof(keymap) / sizeof(keymap[0]))

static _Noreturn __attribute__((format(printf, 1, 2)))
void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static long number(const char *opt, const char *arg, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		die("%s: '%s' is not a whole number from %ld to %ld", opt, arg, min, max);
	return v;
}

static int key_of(char c)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (keymap[i].c == c)
			return keymap[i].code;
	return -1;
}

static void emit(int fd, unsigned short type, unsigned short code, int value)
{
	struct input_event ev;
	ssize_t n;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.code = code;
	ev.value = value;
	do {
		n = write(fd, &ev, sizeof(ev));
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(ev))
		die("write(/dev/uinput): %s", n < 0 ? strerror(errno) : "short write");
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A key press and its release, each its own input frame. */
static void type_text(int fd, const char *text, long delay_ms)
{
	const char *p;

	for (p = text; *p; p++) {
		unsigned short code = (unsigned short)key_of(*p);

		emit(fd, EV_KEY, code, 1);
		emit(fd, EV_SYN, SYN_REPORT, 0);
		sleep_ms(delay_ms);
		emit(fd, EV_KEY, code, 0);
		emit(fd, EV_SYN, SYN_REPORT, 0);
		sleep_ms(delay_ms);
	}
}

/* Frames at @hz for @seconds, on absolute deadlines so that a late frame does not slow the rest. */
static unsigned long stream(int fd, long hz, long seconds)
{
	struct timespec next;
	unsigned long n, frames = (unsigned long)(hz * seconds);
	long step_ns = 1000000000L / hz;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (n = 0; n < frames; n++) {
		next.tv_nsec += step_ns;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
		emit(fd, EV_KEY, KEY_A, (int)(n % 2 == 0));
		emit(fd, EV_SYN, SYN_REPORT, 0);
	}
	return frames;
}

static int create_keyboard(const char *name)
{
	struct uinput_setup setup;
	size_t i;
	int fd;

	fd = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die("open(/dev/uinput): %s", strerror(errno));
	if (ioctl(fd, UI_SET_EVBIT, EV_KEY) < 0)
		die("ioctl(UI_SET_EVBIT): %s", strerror(errno));
	for (i = 0; i < NKEYS; i++)
		if (ioctl(fd, UI_SET_KEYBIT, keymap[i].code) < 0)
			die("ioctl(UI_SET_KEYBIT): %s", strerror(errno));
	memset(&setup, 0, sizeof(setup));
	setup.id.bustype = BUS_VIRTUAL;
	setup.id.vendor = 0x1209;
	setup.id.product = 0x0001;
	snprintf(setup.name, sizeof(setup.name), "%s", name);
	if (ioctl(fd, UI_DEV_SETUP, &setup) < 0)
		die("ioctl(UI_DEV_SETUP): %s", strerror(errno));
	if (ioctl(fd, UI_DEV_CREATE) < 0)
		die("ioctl(UI_DEV_CREATE): %s", strerror(errno));
	return fd;
}

/* The evdev node of the keyboard: "eventN" under its uinput sysfs directory. */
static void event_node(int fd, char *buf, size_t len)
{
	char sysname[64], dir[160];
	struct dirent *de;
	DIR *d;

	snprintf(buf, len, "unknown");
	if (ioctl(fd, UI_GET_SYSNAME(sizeof(sysname)), sysname) < 0)
		return;
	snprintf(dir, sizeof(dir), "/sys/devices/virtual/input/%s", sysname);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "event", 5)) {
			snprintf(buf, len, "%s", de->d_name);
			break;
		}
	closedir(d);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: %s --name NAME --text TEXT [--delay-ms N]\n"
		"       %s --name NAME --stream HZ --seconds S\n"
		"  SIGUSR1 types TEXT; SIGTERM or SIGINT destroys the keyboard and exits\n"
		"  with --stream, each line on stdin streams S seconds of frames at HZ\n",
		prog, prog);
}

int main(int argc, char **argv)
{
	const char *name = NULL, *text = NULL, *p;
	long delay_ms = 20, hz = 0, seconds = 0;
	char node[sizeof(((struct dirent *)0)->d_name)];
	struct timespec wall, mono;
	sigset_t set;
	int i, fd, sig;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		if (i + 1 >= argc) {
			usage(stderr);
			die("%s needs a value", argv[i]);
		}
		if (!strcmp(argv[i], "--name")) {
			name = argv[++i];
		} else if (!strcmp(argv[i], "--text")) {
			text = argv[++i];
		} else if (!strcmp(argv[i], "--stream")) {
			hz = number(argv[i], argv[i + 1], 1, 100000);
			i++;
		} else if (!strcmp(argv[i], "--seconds")) {
			seconds = number(argv[i], argv[i + 1], 1, 3600);
			i++;
		} else if (!strcmp(argv[i], "--delay-ms")) {
			delay_ms = number(argv[i], argv[i + 1], 0, 10000);
			i++;
		} else {
			usage(stderr);
			die("unknown argument '%s'", argv[i]);
		}
	}
	if (!name || !*name || strlen(name) >= UINPUT_MAX_NAME_SIZE)
		die("--name: give a name of 1 to %d characters", UINPUT_MAX_NAME_SIZE - 1);
	if (hz && !seconds)
		die("--stream: give --seconds too");
	if (!hz && !text)
		die("--text: give the text to type (or --stream HZ --seconds S)");
	for (p = text ? text : ""; *p; p++)
		if (key_of(*p) < 0)
			die("--text: no key for '%c' (a-z, 0-9, space, '-', '.', ',')", *p);

	/* Blocked before the keyboard exists, so no signal is lost to a default action. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		die("sigprocmask: %s", strerror(errno));
	setvbuf(stdout, NULL, _IOLBF, 0);

	fd = create_keyboard(name);
	clock_gettime(CLOCK_REALTIME, &wall);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	event_node(fd, node, sizeof(node));
	printf("created wall_ms=%lld mono_ns=%llu event=%s\n",
	       (long long)wall.tv_sec * 1000 + wall.tv_nsec / 1000000,
	       (unsigned long long)mono.tv_sec * 1000000000ULL + (unsigned long long)mono.tv_nsec,
	       node);

	if (hz) {
		char line[64];

		while (fgets(line, sizeof(line), stdin))
			printf("streamed frames=%lu\n", stream(fd, hz, seconds));
	}
	while (!hz) {
		sig = sigwaitinfo(&set, NULL);
		if (sig < 0) {
			if (errno == EINTR)
				continue;
			die("sigwaitinfo: %s", strerror(errno));
		}
		if (sig != SIGUSR1)
			break;
		type_text(fd, text, delay_ms);
		printf("typed keys=%zu\n", strlen(text));
	}
	if (ioctl(fd, UI_DEV_DESTROY) < 0)
		die("ioctl(UI_DEV_DESTROY): %s", strerror(errno));
	close(fd);
	printf("destroyed\n");
	return 0;
}
