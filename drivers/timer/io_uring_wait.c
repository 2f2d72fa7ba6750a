/*
 * io_uring-wait - the wait of an io_uring loop with nothing to do: one
 * io_uring_enter(GETEVENTS | EXT_ARG) for a completion that never comes,
 * with a relative timeout of the time left to the deadline (rounded up to
 * the microsecond, as the other timeout waits), the way a loop waits for
 * its next timer.  No request is queued; the call returns -ETIME.
 *
 *   timeout   the timeout alone (IORING_FEAT_EXT_ARG, Linux 5.11)
 *   min-wait  with min_wait_usec (IORING_FEAT_MIN_TIMEOUT, 6.12) of half
 *             the time left: the kernel first waits that long for
 *             min_complete completions, then for any until the timeout;
 *             with none coming, two timers where timeout has one
 *
 * Liburing 2.3 (Debian 12) predates min_wait_usec: the call is made with
 * the kernel's struct io_uring_getevents_arg, whose pad field 6.12 named
 * min_wait_usec.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "evb_config.h"
#include "evb_sys.h"
#include "evb_uring.h"
#include "timer.h"

#if EVB_HAVE_LIBURING
#include <liburing.h>
#endif

enum { WAIT_TIMEOUT, WAIT_MIN };

static const char *const wait_variants[] = { "timeout", "min-wait", NULL };

#define FEAT_MIN_TIMEOUT (1u << 15)   /* IORING_FEAT_MIN_TIMEOUT, 6.12 */

#if EVB_HAVE_LIBURING
/* A ring with default flags: does it report the feature the variant needs? */
static int wait_probe(int variant, char *reason, size_t len)
{
	struct io_uring ring;
	int ret = evb_uring_probe_ring(&ring);

	if (ret)
		return ret;
	if (!(ring.features & IORING_FEAT_EXT_ARG))
		ret = evb_needs_linux(reason, len, "io_uring_enter with a timeout "
				      "(IORING_FEAT_EXT_ARG)", "5.11", ENOTSUP);
	else if (variant == WAIT_MIN && !(ring.features & FEAT_MIN_TIMEOUT))
		ret = evb_needs_linux(reason, len, "io_uring_enter with min_wait_usec "
				      "(IORING_FEAT_MIN_TIMEOUT)", "6.12", ENOTSUP);
	io_uring_queue_exit(&ring);
	return ret;
}
#endif

static int wait_supported(const struct timer_cfg *cfg, char *reason, size_t len)
{
	int ret = timer_ring_supported(cfg, reason, len);

#if EVB_HAVE_LIBURING
	if (!ret && cfg)
		ret = wait_probe(cfg->variant_index, reason, len);
#endif
	return ret;
}

#if EVB_HAVE_LIBURING
static int wait_wait(struct timer_ctx *ctx, int64_t deadline_ns, struct timer_fire *fired)
{
	struct io_uring *ring = ctx->priv;
	int64_t left = timer_left_ceil(deadline_ns, 1000);
	struct __kernel_timespec ts = evb_uring_ts(left);
	struct io_uring_getevents_arg arg = {
		.ts = (uintptr_t)&ts,
		/* min_wait_usec (the kernel's name since 6.12) */
		.pad = ctx->cfg->variant_index == WAIT_MIN ? (uint32_t)(left / 2000) : 0,
	};
	long ret;

	do
		ret = syscall(__NR_io_uring_enter, ring->ring_fd, 0, 1,
			      IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &arg, sizeof(arg));
	while (ret < 0 && errno == EINTR);
	if (ret >= 0)
		return -EPROTO;   /* nothing is queued: nothing may complete */
	if (errno != ETIME)
		return -errno;
	fired[0] = (struct timer_fire){ .timer = 0, .expirations = 0 };
	return 1;
}

#else
#define wait_wait timer_ring_unsupported_wait
#endif

const struct timer_ops timer_io_uring_wait_ops = {
	.base = {
		.name = "io_uring-wait",
		.summary = "io_uring_enter waiting for no completion with a timeout "
			   "(min-wait: and min_wait_usec, 6.12)",
		.variants = wait_variants,
		.uring = true,
	},
	.supported = wait_supported,
	.setup = timer_ring_setup,
	.wait = wait_wait,
	.teardown = timer_ring_teardown,
};
