/*
 * ppoll - ppoll(2): poll with a timespec timeout and a signal mask the
 * kernel installs for the duration of the call.
 *
 * Same pollfd array and O(nfds) cost as poll (pollset.h); the mask passed
 * is the thread's own, so the call pays the swap a ppoll user pays.
 * One scan sample: ppoll() with a zero timespec, then the walk over
 * revents.  Nanosecond timeout argument.  Level-triggered.
 * What it may report: exactly the ready set (may_report 0).  The kernel
 * writes revents for every entry on every call and each fd has one entry,
 * so one call lists every ready fd once and nothing else.
 */
#include <poll.h>

#include "evb_clock.h"
#include "pollset.h"

static int ppoll_call(struct pollfd *fds, nfds_t nfds, int64_t timeout_ns, const sigset_t *mask)
{
	struct timespec ts = evb_ns_timespec(timeout_ns);

	return ppoll(fds, nfds, &ts, mask);
}

static int ppoll_setup(struct mux_ctx *ctx)
{
	return pollset_setup(ctx, ppoll_call);
}

const struct mux_ops mux_ppoll_ops = {
	.base = {
		.name = "ppoll",
		.summary = "ppoll(2): poll with a timespec and the thread's signal mask",
		.traits = (const char *const[]){ MUX_COST_SCAN },
	},
	.may_report = { 0 },   /* exactly the ready set */
	.setup = ppoll_setup,
	.add = pollset_add,
	.del = pollset_del,
	.wait = pollset_wait,
	.teardown = pollset_teardown,
};
