/*
 * epoll-timeout - epoll_wait() with its timeout in whole milliseconds, the
 * way most event loops (Redis ae, libuv, ...) wait for their next timer.
 *
 * The set holds one idle eventfd; the timeout is the time left to the
 * deadline rounded UP to a millisecond (as Redis's ae_epoll does: rounded
 * down it would return early and spin).  That rounding is what this row
 * shows: after a wakeup L late the next timeout is still a full period when
 * the period is a whole number of ms, so L is carried into the next cycle;
 * lateness drifts up to a period, then the schedule skips ahead (an
 * overrun).  Below 1 ms every wait is at least 1 ms.
 *
 * One sample: the clock after epoll_wait() returns 0 - the deadline.
 * One-shot: overruns come from the clock.
 * Semantics: the timeout's hrtimer gets slack max(0.1% of the timeout, the
 * thread's timer slack) -- 0 for SCHED_FIFO (select_estimate_accuracy).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include "timer.h"

#define NS_PER_MS 1000000LL

static int epoll_timeout_wait(struct timer_ctx *ctx, int64_t deadline_ns,
			      struct timer_fire *fired)
{
	struct timer_idle_epoll *set = ctx->priv;
	struct epoll_event ev;
	int n;

	do {
		int timeout_ms = (int)(timer_left_ceil(deadline_ns, NS_PER_MS) / NS_PER_MS);

		n = epoll_wait(set->epfd, &ev, 1, timeout_ms);
	} while (n < 0 && errno == EINTR);
	return timer_idle_result(n, fired);
}

const struct timer_ops timer_epoll_timeout_ops = {
	.base = {
		.name = "epoll-timeout",
		.summary = "epoll_wait with the time left rounded up to whole ms",
		.variants = NULL,
	},
	.setup = timer_idle_epoll_setup,
	.wait = epoll_timeout_wait,
	.teardown = timer_idle_teardown,
};
