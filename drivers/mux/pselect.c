/*
 * pselect - pselect(2): select with a timespec timeout and a signal mask
 * the kernel installs for the duration of the call.
 *
 * Uses glibc's fd_set (selset.h, fixed kind): an fd >= FD_SETSIZE is a
 * skipped row.  The mask passed is the thread's own, so the call pays the
 * mask swap a pselect user pays, and nothing else changes.
 * One scan sample: copy the set, pselect() with a zero timespec, walk the
 * returned bitmap.  Nanosecond timeout argument (the kernel rounds it to
 * its timer slack).  Level-triggered.  Kernel cost O(highest fd).
 * What it may report: exactly the ready set (may_report 0): one bit per fd
 * number, rewritten by every call, so an fd is listed at most once and only
 * when the kernel found it readable.
 */
#include <errno.h>
#include <sys/select.h>

#include "evb_clock.h"
#include "selset.h"

static int pselect_call(int nfds, fd_set *readfds, int64_t timeout_ns, const sigset_t *mask)
{
	struct timespec ts = evb_ns_timespec(timeout_ns);

	return pselect(nfds, readfds, NULL, NULL, &ts, mask);
}

static int pselect_supported(const struct mux_cfg *cfg, char *reason, size_t len)
{
	return selset_fits_fixed(cfg, "pselect", reason, len);
}

static int pselect_setup(struct mux_ctx *ctx)
{
	return selset_setup(ctx, 1, pselect_call);
}

const struct mux_ops mux_pselect_ops = {
	.base = {
		.name = "pselect",
		.summary = "pselect(2): select with a timespec and the thread's signal mask",
		.traits = (const char *const[]){ MUX_COST_SCAN },
	},
	.may_report = { 0 },   /* exactly the ready set */
	.supported = pselect_supported,
	.setup = pselect_setup,
	.add = selset_add,
	.del = selset_del,
	.wait = selset_wait,
	.teardown = selset_teardown,
};
