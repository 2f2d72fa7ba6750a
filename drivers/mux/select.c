/*
 * select - select(2): the registered set travels into the kernel as a
 * bitmap on every call, and the kernel polls every fd below nfds.
 *
 * Variants (the bitmap; selset.h):
 *   fdset   glibc's fd_set, as most code uses it: 1024 bits, copied whole
 *           before every call.  An fd >= FD_SETSIZE cannot be waited on
 *           (undefined behaviour): such a cell is a skipped row.
 *   bigset  a heap bitmap sized to the highest fd, the trick large servers
 *           use; glibc passes nfds through and the kernel reads that many
 *           bits.  Copied (maxfd/64 + 1 words) before every call.
 * One scan sample: copy the set, select() with a zero timeval, then walk
 * the returned bitmap for the ready fds.  Timeouts have microsecond
 * resolution (rounded up).  Level-triggered: a readable fd is reported on
 * every call.  Kernel cost O(highest fd) per call, and per wakeup.
 * What it may report: exactly the ready set (may_report 0): one bit per fd
 * number, rewritten by every call, so an fd is listed at most once and only
 * when the kernel found it readable.
 */
#include <errno.h>
#include <sys/select.h>

#include "selset.h"

enum select_variant {
	SELECT_FDSET,
	SELECT_BIGSET,
};

static const char *const select_variants[] = { "fdset", "bigset", NULL };
/* Both variants scan the whole set on every call. */
static const char *const select_traits[] = { MUX_COST_SCAN, MUX_COST_SCAN };

static int select_call(int nfds, fd_set *readfds, int64_t timeout_ns, const sigset_t *mask)
{
	int64_t timeout_us = (timeout_ns + 999) / 1000;   /* rounded up */
	struct timeval tv = {
		.tv_sec = timeout_us / 1000000,
		.tv_usec = timeout_us % 1000000,
	};

	(void)mask;
	return select(nfds, readfds, NULL, NULL, &tv);
}

static int select_supported(const struct mux_cfg *cfg, char *reason, size_t len)
{
	if (cfg && cfg->variant_index == SELECT_FDSET)
		return selset_fits_fixed(cfg, "select fdset", reason, len);
	return 0;
}

static int select_setup(struct mux_ctx *ctx)
{
	return selset_setup(ctx, ctx->cfg->variant_index == SELECT_FDSET, select_call);
}

const struct mux_ops mux_select_ops = {
	.base = {
		.name = "select",
		.summary = "select(2), read set copied before every call (fd_set or heap bitmap)",
		.variants = select_variants,
		.traits = select_traits,
	},
	.may_report = { 0 },   /* exactly the ready set */
	.supported = select_supported,
	.setup = select_setup,
	.add = selset_add,
	.del = selset_del,
	.wait = selset_wait,
	.teardown = selset_teardown,
};
