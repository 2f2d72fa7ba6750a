/*
 * epoll-pwait2 - epoll_pwait2(2) (Linux 5.11): epoll_wait with a timespec,
 * so a blocking wait is not rounded up to whole milliseconds, and a signal
 * mask (the thread's own here, so the call pays the swap).
 *
 * Called through syscall(SYS_epoll_pwait2); a kernel without it answers
 * ENOSYS, and every cell is then a skipped row.  Same registration and
 * O(ready) cost as epoll (epset.h).
 * Variant lt only: level-triggered, so like epoll lt it may list an fd
 * again in a follow-up call of one scan sample (MUX_MAY_RELIST; see
 * epoll.c), and nothing else beyond the ready set.
 * One scan sample: epoll_pwait2() with a zero timespec and the fixed
 * maxevents (called again while a call comes back full), and the copy of
 * the returned events into the ready list.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "epset.h"

static const char *const epoll_pwait2_variants[] = { "lt", NULL };
static const char *const epoll_pwait2_traits[] = { MUX_COST_READY };

static int epoll_pwait2_call(int epfd, struct epoll_event *events, int maxevents,
			     int64_t timeout_ns, const sigset_t *mask, void *arg)
{
	struct timespec ts = {
		.tv_sec = timeout_ns / 1000000000LL,
		.tv_nsec = timeout_ns % 1000000000LL,
	};

	(void)arg;
	return (int)syscall(SYS_epoll_pwait2, epfd, events, maxevents, &ts, mask, _NSIG / 8);
}

/* A bad epfd tells implemented (EBADF) from not (ENOSYS) without side effects. */
static int epoll_pwait2_supported(const struct mux_cfg *cfg, char *reason, size_t len)
{
	struct epoll_event ev;
	struct timespec zero = { 0 };

	(void)cfg;
	if (syscall(SYS_epoll_pwait2, -1, &ev, 1, &zero, NULL, 0) < 0 && errno == ENOSYS) {
		snprintf(reason, len, "epoll_pwait2: %s (needs Linux 5.11)", strerror(ENOSYS));
		return -ENOTSUP;
	}
	return 0;
}

static int epoll_pwait2_setup(struct mux_ctx *ctx)
{
	return epset_setup(ctx, EPOLLIN, epoll_pwait2_call, NULL);
}

const struct mux_ops mux_epoll_pwait2_ops = {
	.base = {
		.name = "epoll-pwait2",
		.summary = "epoll_pwait2(2): epoll_wait with a nanosecond timespec (Linux 5.11)",
		.variants = epoll_pwait2_variants,
		.traits = epoll_pwait2_traits,
	},
	.slab_caches = epset_slab_caches,
	.may_report = { [0] = MUX_MAY_RELIST },
	.own_fds = 1,
	.supported = epoll_pwait2_supported,
	.setup = epoll_pwait2_setup,
	.add = epset_add,
	.del = epset_del,
	.wait = epset_wait,
	.rearm = epset_rearm,
	.teardown = epset_teardown,
};
