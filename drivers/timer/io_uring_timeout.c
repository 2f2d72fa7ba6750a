/*
 * io_uring-timeout - an IORING_OP_TIMEOUT request with IORING_TIMEOUT_ABS
 * for each deadline: the absolute CLOCK_MONOTONIC deadline goes to the
 * kernel as is, submitted and waited for in one io_uring_enter()
 * (io_uring_submit_and_wait); the completion carries -ETIME.
 *
 * One sample: the clock after the completion is reaped - the deadline.
 * One-shot (one request per deadline): overruns come from the clock.
 * Setups (--uring-setup, evb_uring.h): the ring is made by the waiting
 * thread with the setup's flags; the wait's io_uring_enter (GETEVENTS) is
 * also what runs defer's completion work, in the waiter, when it wakes.
 * Semantics: hrtimer in absolute mode, no timer slack.  Needs liburing at
 * build time (skipped row otherwise) and a ring the kernel lets this
 * process create (kernel.io_uring_disabled 2 refuses every process, 1 all
 * but privileged ones), as evb_uring_supported checks for every driver.
 */
#include <errno.h>
#include <stdint.h>

#include "evb_config.h"
#include "evb_uring.h"
#include "timer.h"

#if EVB_HAVE_LIBURING
#include <liburing.h>
#endif

#if EVB_HAVE_LIBURING
static int iou_wait(struct timer_ctx *ctx, int64_t deadline_ns, struct timer_fire *fired)
{
	struct io_uring *ring = ctx->priv;
	struct __kernel_timespec ts = evb_uring_ts(deadline_ns);
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;
	int ret, res;

	if (!sqe)
		return -EBUSY;    /* every request is reaped before the next */
	io_uring_prep_timeout(sqe, &ts, 0, IORING_TIMEOUT_ABS);
	do
		ret = io_uring_submit_and_wait(ring, 1);
	while (ret == -EINTR);
	if (ret < 0)
		return ret;
	do
		ret = io_uring_wait_cqe(ring, &cqe);
	while (ret == -EINTR);
	if (ret < 0)
		return ret;
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	if (res != -ETIME)
		return res < 0 ? res : -EPROTO;
	fired[0] = (struct timer_fire){ .timer = 0, .expirations = 0 };
	return 1;
}

#else
#define iou_wait timer_ring_unsupported_wait
#endif

const struct timer_ops timer_io_uring_timeout_ops = {
	.base = {
		.name = "io_uring-timeout",
		.summary = "io_uring IORING_OP_TIMEOUT with IORING_TIMEOUT_ABS per deadline",
		.variants = NULL,
		.uring = true,
	},
	.supported = timer_ring_supported,
	.setup = timer_ring_setup,
	.wait = iou_wait,
	.teardown = timer_ring_teardown,
};
