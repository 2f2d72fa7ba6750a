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

static int ppoll_wait(struct timer_ctx *ctx, int64_t deadline_ns, struct timer_fire *fired)
{
	const struct timer_idle_epoll *st = ctx->priv;
	struct pollfd pfd = { .fd = st->idle_fd, .events = POLLIN };
	int n;

	do {
		struct timespec timeout = evb_ns_timespec(timer_left_ns(deadline_ns));

		n = ppoll(&pfd, 1, &timeout, NULL);
	} while (n < 0 && errno == EINTR);
	return timer_idle_result(n, fired);
}

const struct timer_ops timer_ppoll_ops = {
	.base = {
		.name = "ppoll",
		.summary = "ppoll with the time left as a timespec (ns)",
		.variants = NULL,
	},
	.setup = timer_idle_setup,
	.wait = ppoll_wait,
	.teardown = timer_idle_teardown,
};
