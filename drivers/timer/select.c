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

struct select_state {
	int idle_fd;
};

static int select_setup(struct timer_ctx *ctx)
{
	struct select_state *st = calloc(1, sizeof(*st));
	int ret;

	if (!st)
		return -ENOMEM;
	st->idle_fd = timer_idle_fd();
	if (st->idle_fd < 0) {
		ret = st->idle_fd;
		goto err_free;
	}
	if (st->idle_fd >= FD_SETSIZE) {
		ret = -EMFILE;    /* select cannot watch it: undefined behaviour */
		goto err_close;
	}
	ctx->priv = st;
	return 0;

err_close:
	close(st->idle_fd);
err_free:
	free(st);
	return ret;
}

static int select_wait(struct timer_ctx *ctx, int64_t deadline_ns, struct timer_fire *fired)
{
	struct select_state *st = ctx->priv;
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
	if (n < 0)
		return -errno;
	if (n > 0)
		return -EPROTO;   /* the idle eventfd is never written */
	fired[0] = (struct timer_fire){ .timer = 0, .expirations = 0 };
	return 1;
}

static void select_teardown(struct timer_ctx *ctx)
{
	struct select_state *st = ctx->priv;

	if (!st)
		return;
	close(st->idle_fd);
	free(st);
}

const struct timer_ops select_ops = {
	.base = {
		.name = "select",
		.summary = "select with the time left rounded up to whole us",
		.variants = NULL,
	},
	.setup = select_setup,
	.wait = select_wait,
	.teardown = select_teardown,
};
