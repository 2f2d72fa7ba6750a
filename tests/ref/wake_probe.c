/*
 * wake_probe - two threads ping-ponging through one way of waking a thread,
 * written apart from evb-notify (libc and liburing only) to hold its
 * pingpong figure against (tests/ref/wake_check.sh).  Thread A stamps the
 * clock, wakes B, blocks until B wakes it back: one round trip.
 *
 * Usage: wake_probe WAY ROUNDS CPU_A CPU_B [defer]
 *   WAY: eventfd | eventfd-epoll | futex | uring-read | msg-ring |
 *        uring-futex
 *   defer: the rings are SINGLE_ISSUER | DEFER_TASKRUN, each made by the
 *          thread that waits on it
 * Prints "p50_ns=N rounds=R".
 */
#include <errno.h>
#include <linux/futex.h>
#include <liburing.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *way;
static int rounds, cpu[2], defer;
static int efd[2], epfd[2];
static _Atomic uint32_t word[2];
static struct io_uring ring[2];
static pthread_barrier_t ready;
static uint64_t buf[2];

static int64_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "wake_probe %s: %s: %s\n", way, what, strerror(err));
	exit(1);
}

static void ring_make(int me)
{
	struct io_uring_params p = { 0 };

	if (defer)
		p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	int ret = io_uring_queue_init_params(64, &ring[me], &p);

	if (ret)
		die("io_uring_queue_init_params", -ret);
}

/* One completion of my ring, after submitting what is queued. */
static struct io_uring_cqe *ring_wait(int me)
{
	struct io_uring_cqe *cqe;
	int ret = io_uring_submit_and_wait(&ring[me], 1);

	if (ret < 0)
		die("io_uring_submit_and_wait", -ret);
	if (io_uring_peek_cqe(&ring[me], &cqe))
		die("no cqe", EPROTO);
	return cqe;
}

static void wake(int me)
{
	int other = !me;
	uint64_t one = 1;

	if (!strcmp(way, "futex") || !strcmp(way, "uring-futex")) {
		atomic_fetch_add(&word[other], 1);
		syscall(SYS_futex, &word[other], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	} else if (!strcmp(way, "msg-ring")) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring[me]);

		io_uring_prep_msg_ring(sqe, ring[other].ring_fd, 0, 1, 0);
		sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
		if (io_uring_submit(&ring[me]) != 1)
			die("submit msg_ring", EIO);
	} else if (write(efd[other], &one, 8) != 8) {
		die("write", errno);
	}
}

static void sleep_until_woken(int me)
{
	struct io_uring_cqe *cqe;
	struct epoll_event ev;
	uint32_t seen;

	if (!strcmp(way, "eventfd")) {
		if (read(efd[me], &buf[me], 8) != 8)
			die("read", errno);
	} else if (!strcmp(way, "eventfd-epoll")) {
		if (epoll_wait(epfd[me], &ev, 1, -1) != 1 || read(efd[me], &buf[me], 8) != 8)
			die("epoll_wait/read", errno);
	} else if (!strcmp(way, "futex")) {
		seen = buf[me];
		while (atomic_load(&word[me]) == seen)
			syscall(SYS_futex, &word[me], FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
		buf[me] = atomic_load(&word[me]);
	} else if (!strcmp(way, "uring-read")) {
		io_uring_prep_read(io_uring_get_sqe(&ring[me]), efd[me], &buf[me], 8, 0);
		cqe = ring_wait(me);
		if (cqe->res != 8)
			die("read cqe", -cqe->res);
		io_uring_cqe_seen(&ring[me], cqe);
	} else if (!strcmp(way, "msg-ring")) {
		cqe = ring_wait(me);
		io_uring_cqe_seen(&ring[me], cqe);
	} else {   /* uring-futex: IORING_OP_FUTEX_WAIT (51), futex2 flags u32|private */
		seen = buf[me];
		while (atomic_load(&word[me]) == seen) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring[me]);

			if (!sqe)
				die("io_uring_get_sqe", EBUSY);
			memset(sqe, 0, sizeof(*sqe));
			sqe->opcode = 51;
			sqe->fd = 0x02 | 128;
			sqe->addr = (uintptr_t)&word[me];
			sqe->off = seen;
			sqe->addr3 = 0xffffffffULL;
			cqe = ring_wait(me);
			if (cqe->res < 0 && cqe->res != -EAGAIN)
				die("futex wait cqe", -cqe->res);
			io_uring_cqe_seen(&ring[me], cqe);
		}
		buf[me] = atomic_load(&word[me]);
	}
}

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void *side(void *arg)
{
	int me = (int)(intptr_t)arg;
	cpu_set_t set;
	int64_t *rt = me ? NULL : malloc(sizeof(*rt) * (size_t)rounds);

	if (!me && !rt)
		die("malloc", ENOMEM);
	CPU_ZERO(&set);
	CPU_SET(cpu[me], &set);
	sched_setaffinity(0, sizeof(set), &set);
	if (strncmp(way, "uring", 5) == 0 || !strcmp(way, "msg-ring"))
		ring_make(me);
	pthread_barrier_wait(&ready);
	for (int i = 0; i < rounds + rounds / 10; i++) {
		if (me) {
			sleep_until_woken(me);
			wake(me);
			continue;
		}
		int64_t t0 = now();

		wake(me);
		sleep_until_woken(me);
		if (i >= rounds / 10)
			rt[i - rounds / 10] = now() - t0;   /* the first tenth warms up */
	}
	if (!me) {
		qsort(rt, (size_t)rounds, sizeof(*rt), cmp);
		printf("p50_ns=%lld rounds=%d\n", (long long)rt[rounds / 2], rounds);
		free(rt);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t b;

	if (argc < 5) {
		fprintf(stderr, "usage: wake_probe WAY ROUNDS CPU_A CPU_B [defer]\n");
		return 2;
	}
	way = argv[1];
	rounds = atoi(argv[2]);
	cpu[0] = atoi(argv[3]);
	cpu[1] = atoi(argv[4]);
	defer = argc > 5 && !strcmp(argv[5], "defer");
	if (rounds < 10)
		return 2;
	for (int s = 0; s < 2; s++) {
		struct epoll_event ev = { .events = EPOLLIN };

		efd[s] = eventfd(0, 0);
		epfd[s] = epoll_create1(0);
		if (efd[s] < 0 || epfd[s] < 0 || epoll_ctl(epfd[s], EPOLL_CTL_ADD, efd[s], &ev))
			die("eventfd/epoll", errno);
	}
	pthread_barrier_init(&ready, NULL, 2);
	pthread_create(&b, NULL, side, (void *)1);
	side((void *)0);
	pthread_join(b, NULL);
	return 0;
}
