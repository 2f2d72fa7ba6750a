/*
 * poll_probe - a reference for evb-mux's scan cell "poll over N pipes, one
 * readable, timeout 0", written apart from evb-mux and libevb (libc only),
 * so that a number evb-mux prints can be held against a plain program.
 *
 *   poll_probe NFDS CALLS CPU [THREADS]
 *
 * Opens NFDS pipes, writes one byte into the first, pins itself to CPU, and
 * times CALLS poll() calls with timeout 0 over the NFDS read ends, each
 * with CLOCK_MONOTONIC around the call (the pollfd array is reused: poll
 * rewrites only revents).  THREADS 2 starts one idle thread first (blocked
 * in read(2) on a pipe until the end), as evb-mux --threads 2 does.
 * Prints one line: "p50_ns=... calls=... ready=...", the median call and
 * how many fds the last call reported (must be 1).  Exit 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* CPU_SET, sched_setaffinity */
#endif
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static long arg(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "poll_probe: %s: '%s' is not in %ld..%ld\n", what, s, lo, hi);
		exit(2);
	}
	return v;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *idle(void *fd)
{
	char c;

	return (void *)(intptr_t)read(*(int *)fd, &c, 1);
}

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: poll_probe NFDS CALLS CPU [THREADS]\n");
		return 2;
	}
	long nfds = arg(argv[1], 1, 100000, "NFDS"), calls = arg(argv[2], 1, 10000000, "CALLS");
	long cpu = arg(argv[3], 0, CPU_SETSIZE - 1, "CPU");
	long threads = argc == 5 ? arg(argv[4], 1, 2, "THREADS") : 1;
	struct rlimit rl;
	struct pollfd *pfd = calloc((size_t)nfds, sizeof(*pfd));
	int64_t *ns = calloc((size_t)calls, sizeof(*ns));
	int stop[2], end[2];
	pthread_t thread;
	cpu_set_t set;
	int ready = 0;

	if (!pfd || !ns)
		return 1;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (long i = 0; i < nfds; i++) {
		if (pipe(end)) {
			perror("poll_probe: pipe");
			return 1;
		}
		pfd[i] = (struct pollfd){ .fd = end[0], .events = POLLIN };
		if (i == 0 && write(end[1], "x", 1) != 1)
			return 1;
	}
	if (pipe(stop))
		return 1;
	if (threads == 2 && pthread_create(&thread, NULL, idle, &stop[0]))
		return 1;
	CPU_ZERO(&set);
	CPU_SET((int)cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("poll_probe: sched_setaffinity");
		return 1;
	}
	for (long c = 0; c < calls; c++) {
		int64_t t0 = now_ns();

		ready = poll(pfd, (nfds_t)nfds, 0);
		ns[c] = now_ns() - t0;
	}
	if (threads == 2) {
		if (write(stop[1], "x", 1) != 1)
			return 1;
		pthread_join(thread, NULL);
	}
	qsort(ns, (size_t)calls, sizeof(*ns), cmp);
	printf("p50_ns=%lld calls=%ld ready=%d\n", (long long)ns[calls / 2], calls, ready);
	free(ns);
	free(pfd);
	return ready == 1 ? 0 : 1;
}
