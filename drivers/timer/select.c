/*
 * select - select() on one idle eventfd with a struct timeval timeout: the
 * time left to the deadline rounded UP to a microsecond, from a clock read
 * just before the call.  The fd_set is rebuilt before every call (select
 * overwrites it) and the fd is checked against FD_SETSIZE at setup.
 *
 * One sample: the clock after select() returns 0 - the deadline.
 * One-shot: overruns come from the clock.
 * Semantics: slack max(0.1% of the timeout, the thread's timer slack), 0 for
 * SCHED_FIFO (select_estimate_accuracy); the us rounding adds < 1 us.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/select.h>
#include <unistd.h>

#include "timer.h"

#define NS_PER_US 1000LL

static int select_setup(struct timer_ctx *ctx)
{
	int ret = timer_idle_setup(ctx);
	const struct timer_idle_epoll *st = ctx->priv;

	if (ret)
		return ret;
	if (st->idle_fd >= FD_SETSIZE) {
		timer_idle_teardown(ctx);
		return -EMFILE;    /* select cannot watch it: undefined behaviour */
	}
	return 0;
}

static int select_wait(struct timer_ctx *ctx, int64_t deadline_ns, struct timer_fire *fired)
{
	const struct timer_idle_epoll *st = ctx->priv;
	int n;

	do {
		int64_t left_us = timer_left_ceil(deadline_ns, NS_PER_US) / NS_PER_US;
		struct timeval timeout = {
			.tv_sec = left_us / 1000000,
			.tv_usec = left_us % 1000000,
		};
		fd_set readable;

		FD_ZERO(&readable);
		FD_SET(st->idle_fd, &readable);
		n = select(st->idle_fd + 1, &readable, NULL, NULL, &timeout);
	} while (n < 0 && errno == EINTR);
	return timer_idle_result(n, fired);
}

const struct timer_ops timer_select_ops = {
	.base = {
		.name = "select",
		.summary = "select with the time left rounded up to whole us",
		.variants = NULL,
	},
	.setup = select_setup,
	.wait = select_wait,
	.teardown = timer_idle_teardown,
};
