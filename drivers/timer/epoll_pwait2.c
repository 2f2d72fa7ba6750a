/*
 * epoll-pwait2 - epoll_pwait2() (Linux 5.11): epoll with a struct timespec
 * timeout, so an event loop can wait to the nanosecond instead of rounding
 * to a millisecond (compare epoll-timeout).
 *
 * The set holds one idle eventfd; the timeout is the time left to the
 * deadline in ns, from a clock read just before the call.
 *
 * One sample: the clock after epoll_pwait2() returns 0 - the deadline.
 * One-shot: overruns come from the clock.
 * Semantics: slack max(0.1% of the timeout, the thread's timer slack), 0 for
 * SCHED_FIFO, as for every poll-family timeout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "evb_clock.h"
#include "timer.h"

/* Does this kernel have epoll_pwait2?  A zero timeout on an idle set tells. */
static int epoll_pwait2_supported(const struct timer_cfg *cfg, char *reason, size_t len)
{
	struct timer_idle_epoll set;
	struct epoll_event ev;
	struct timespec zero = { 0 };
	int ret;

	(void)cfg;
	ret = timer_idle_epoll_open(&set);
	if (ret) {
		snprintf(reason, len, "epoll set for the probe: %s", strerror(-ret));
		return -ENOTSUP;
	}
	ret = epoll_pwait2(set.epfd, &ev, 1, &zero, NULL) < 0 ? -errno : 0;
	timer_idle_epoll_close(&set);
	if (ret == -ENOSYS) {
		snprintf(reason, len, "epoll_pwait2: not in this kernel (Linux 5.11+)");
		return -ENOTSUP;
	}
	if (ret) {
		snprintf(reason, len, "epoll_pwait2: %s", strerror(-ret));
		return -ENOTSUP;
	}
	return 0;
}

static int epoll_pwait2_wait(struct timer_ctx *ctx, int64_t deadline_ns,
			     struct timer_fire *fired)
{
	struct timer_idle_epoll *set = ctx->priv;
	struct epoll_event ev;
	int n;

	do {
		struct timespec timeout = evb_ns_timespec(timer_left_ns(deadline_ns));

		n = epoll_pwait2(set->epfd, &ev, 1, &timeout, NULL);
	} while (n < 0 && errno == EINTR);
	return timer_idle_result(n, fired);
}

const struct timer_ops timer_epoll_pwait2_ops = {
	.base = {
		.name = "epoll-pwait2",
		.summary = "epoll_pwait2 with the time left as a timespec (ns)",
		.variants = NULL,
	},
	.supported = epoll_pwait2_supported,
	.setup = timer_idle_epoll_setup,
	.wait = epoll_pwait2_wait,
	.teardown = timer_idle_teardown,
};
