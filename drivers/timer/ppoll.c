/*
 * ppoll - ppoll() on one idle eventfd with a struct timespec timeout: the
 * time left to the deadline in ns, from a clock read just before the call.
 *
 * One sample: the clock after ppoll() returns 0 - the deadline.
 * One-shot: overruns come from the clock.
 * Semantics: slack max(0.1% of the timeout, the thread's timer slack), 0 for
 * SCHED_FIFO (select_estimate_accuracy).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "evb_clock.h"
#include "timer.h"

struct ppoll_state {
	int idle_fd;
};

static int ppoll_setup(struct timer_ctx *ctx)
{
	struct ppoll_state *st = calloc(1, sizeof(*st));

	if (!st)
		return -ENOMEM;
	st->idle_fd = timer_idle_fd();
	if (st->idle_fd < 0) {
		int ret = st->idle_fd;

		free(st);
		return ret;
	}
	ctx->priv = st;
	return 0;
}

static int ppoll_wait(struct timer_ctx *ctx, int64_t deadline_ns, struct timer_fire *fired)
{
	struct ppoll_state *st = ctx->priv;
	struct pollfd pfd = { .fd = st->idle_fd, .events = POLLIN };
	int n;

	do {
		struct timespec timeout = evb_ns_timespec(timer_left_ns(deadline_ns));

		n = ppoll(&pfd, 1, &timeout, NULL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n > 0)
		return -EPROTO;   /* the idle eventfd is never written */
	fired[0] = (struct timer_fire){ .timer = 0, .expirations = 0 };
	return 1;
}

static void ppoll_teardown(struct timer_ctx *ctx)
{
	struct ppoll_state *st = ctx->priv;

	if (!st)
		return;
	close(st->idle_fd);
	free(st);
}

const struct timer_ops ppoll_ops = {
	.base = {
		.name = "ppoll",
		.summary = "ppoll with the time left as a timespec (ns)",
		.variants = NULL,
	},
	.setup = ppoll_setup,
	.wait = ppoll_wait,
	.teardown = ppoll_teardown,
};
