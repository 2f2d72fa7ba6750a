/*
 * poll - poll(2): an array of struct pollfd (8 bytes per fd) that the
 * kernel copies in, polls entry by entry, and writes back on every call.
 *
 * No fd-number limit (unlike select's FD_SETSIZE), but the cost is
 * O(nfds) per call and per wakeup, in the kernel and in the walk over
 * revents after it (pollset.h).  Millisecond timeout, rounded up.
 * One scan sample: poll() with timeout 0 over the reused array, then the
 * walk for the ready entries.  Level-triggered.
 * What it may report: exactly the ready set (may_report 0).  The kernel
 * writes revents for every entry on every call and each fd has one entry,
 * so one call lists every ready fd once and nothing else.
 */
#include <poll.h>

#include "pollset.h"

static int poll_call(struct pollfd *fds, nfds_t nfds, int64_t timeout_ns, const sigset_t *mask)
{
	(void)mask;
	return poll(fds, nfds, (int)((timeout_ns + 999999) / 1000000));
}

static int poll_setup(struct mux_ctx *ctx)
{
	return pollset_setup(ctx, poll_call);
}

const struct mux_ops mux_poll_ops = {
	.base = {
		.name = "poll",
		.summary = "poll(2) over a reused pollfd array, ms timeout",
		.traits = (const char *const[]){ MUX_COST_SCAN },
	},
	.may_report = { 0 },   /* exactly the ready set */
	.setup = poll_setup,
	.add = pollset_add,
	.del = pollset_del,
	.wait = pollset_wait,
	.teardown = pollset_teardown,
};
