/*
 * epoll - epoll_wait(2) on an epoll instance holding every watched fd
 * (epset.h): registration once, then each wait returns only the ready list.
 *
 * Variants:
 *   lt        level-triggered (default): a readable fd is reported by every
 *             wait until it is drained
 *   et        EPOLLET: reported once per arrival; the loop must read until
 *             EAGAIN (it does), and a scan needs a fresh arrival per call
 *   oneshot   EPOLLONESHOT: reported once, then disabled until re-armed
 *             with EPOLL_CTL_MOD, which the sample includes (one syscall
 *             per reported fd)
 * One scan sample: epoll_wait() with timeout 0 and the fixed maxevents
 * (called again while a call comes back full, see mux.h), the copy of the
 * returned events into the ready list, for et the reads until EAGAIN of
 * every listed fd, and for oneshot the EPOLL_CTL_MODs.  Millisecond
 * timeout, rounded up.  Kernel cost O(ready) per call; registration costs
 * kernel memory per fd (slab eventpoll_epi, eventpoll_pwq).
 *
 * What it may report (may_report): lt may list an fd again in a follow-up
 * call of one scan sample (MUX_MAY_RELIST): ep_send_events() puts a
 * level-triggered item back at the tail of the ready list after reporting
 * it, so with more ready fds than maxevents the second call returns the
 * rest and then the first ones again.  et and oneshot take an item off the
 * ready list until a new arrival (et) or a re-arm (oneshot): every ready fd
 * exactly once.  No variant reports an fd that was not made ready, or
 * misses one: the ready list is filled by the fds' own wakeups.
 */
#include <sys/epoll.h>

#include "epset.h"

enum epoll_variant {
	EPOLL_LT,
	EPOLL_ET,
	EPOLL_ONESHOT,
};

static const char *const epoll_variants[] = { "lt", "et", "oneshot", NULL };
static const char *const epoll_traits[] = {
	[EPOLL_LT] = MUX_COST_READY,
	[EPOLL_ET] = MUX_COST_EDGE,
	[EPOLL_ONESHOT] = MUX_COST_REARM,
};

static int epoll_call(int epfd, struct epoll_event *events, int maxevents, int64_t timeout_ns,
		      const sigset_t *mask, void *arg)
{
	(void)mask;
	(void)arg;
	return epoll_wait(epfd, events, maxevents, (int)((timeout_ns + 999999) / 1000000));
}

static int epoll_setup(struct mux_ctx *ctx)
{
	static const uint32_t flags[] = {
		[EPOLL_LT] = EPOLLIN,
		[EPOLL_ET] = EPOLLIN | EPOLLET,
		[EPOLL_ONESHOT] = EPOLLIN | EPOLLONESHOT,
	};

	return epset_setup(ctx, flags[ctx->cfg->variant_index], epoll_call, NULL);
}

const struct mux_ops mux_epoll_ops = {
	.base = {
		.name = "epoll",
		.summary = "epoll_wait(2), fds registered once with epoll_ctl (LT, ET, oneshot)",
		.variants = epoll_variants,
		.traits = epoll_traits,
	},
	.slab_caches = epset_slab_caches,
	.may_report = { [EPOLL_LT] = MUX_MAY_RELIST },
	.own_fds = 1,
	.setup = epoll_setup,
	.add = epset_add,
	.del = epset_del,
	.wait = epset_wait,
	.rearm = epset_rearm,
	.teardown = epset_teardown,
};
