/*
 * io_uring-timeout-multishot - one IORING_OP_TIMEOUT with
 * IORING_TIMEOUT_MULTISHOT (Linux 6.4) and a count of 0: a periodic timer
 * in the ring, one CQE (IORING_CQE_F_MORE) per expiry, beside timerfd's
 * abs.  The kernel takes only a relative period and starts it when it arms
 * the timer, so arm moves the schedule's first deadline to the clock read
 * just before the submitting io_uring_enter plus one period (the sample
 * counts from there, at most that call's duration before the kernel's
 * start).  Each wait blocks in io_uring_enter for a CQE and reaps every one
 * ready.  What it measures: the kernel re-arms each period relative to
 * when the last expiry's completion ran (measured on 6.18: each period
 * ends 60 to 70 us later than the last on this VM), not on a fixed grid as
 * timerfd's hrtimer_forward does, so against the schedule's fixed grid the
 * timer drifts.  The expiry count is therefore not reported (expirations
 * 0): the clock rule applies, so the lateness samples stay within a period
 * and the drift shows as overruns, deadlines the timer skipped; and a
 * wakeup after a stall, when the kernel re-armed at another phase, can come
 * before the grid's deadline: counted in early, which its --list trait
 * may=early allows (no other timer here may wake early).  A CQE
 * without F_MORE means the kernel ended the timer: the row fails naming it.
 * Liburing 2.3 has no IORING_TIMEOUT_MULTISHOT: the flag is the kernel's
 * (1 << 6).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_clock.h"
#include "evb_config.h"
#include "evb_sys.h"
#include "evb_uring.h"
#include "timer.h"

#define MULTISHOT_FLAG (1u << 6)   /* IORING_TIMEOUT_MULTISHOT */
#define MULTISHOT_TAG 0x746d7331   /* "tms1" */

#if EVB_HAVE_LIBURING
#include <liburing.h>

static int ms_arm(struct timer_ctx *ctx, int64_t *first)
{
	struct io_uring *ring = ctx->priv;
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	int64_t period = ctx->cfg->period_ns, before;
	/* read by the submission (the kernel keeps its own copy) */
	struct __kernel_timespec ts = evb_uring_ts(period);
	int ret;

	if (!sqe)
		return -EBUSY;
	io_uring_prep_timeout(sqe, &ts, 0, MULTISHOT_FLAG);
	sqe->user_data = MULTISHOT_TAG;
	before = evb_now_ns();
	ret = io_uring_submit(ring);
	if (ret < 0)
		return ret;
	first[0] = before + period;
	return 0;
}

static int ms_wait(struct timer_ctx *ctx, int64_t deadline_ns, struct timer_fire *fired)
{
	struct io_uring *ring = ctx->priv;
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;
	int ret = 0;

	(void)deadline_ns;
	do
		ret = io_uring_wait_cqe(ring, &cqe);
	while (ret == -EINTR);
	if (ret < 0)
		return ret;
	io_uring_for_each_cqe(ring, head, cqe) {
		seen++;
		if (cqe->user_data != MULTISHOT_TAG || cqe->res != -ETIME)
			ret = cqe->res < 0 && cqe->res != -ETIME ? cqe->res : -EPROTO;
		else if (!(cqe->flags & IORING_CQE_F_MORE))
			ret = -ECANCELED;   /* the kernel ended the timer */
	}
	io_uring_cq_advance(ring, seen);
	if (ret)
		return ret;
	fired[0] = (struct timer_fire){ .timer = 0, .expirations = 0 };   /* see the top */
	return 1;
}

/* Does the kernel take a multishot timeout?  Arm one, 1 ms, and see it fire twice. */
static int ms_probe(char *reason, size_t len)
{
	struct io_uring ring;
	struct __kernel_timespec ts = { .tv_nsec = 1000000 };
	struct io_uring_cqe *cqe;
	int ret = evb_uring_probe_ring(&ring);

	if (ret)
		return ret;
	io_uring_prep_timeout(io_uring_get_sqe(&ring), &ts, 0, MULTISHOT_FLAG);
	ret = io_uring_submit(&ring);
	if (ret == 1)
		ret = io_uring_wait_cqe(&ring, &cqe);
	if (ret == 0 && (cqe->res != -ETIME || !(cqe->flags & IORING_CQE_F_MORE)))
		ret = evb_needs_linux(reason, len, "io_uring IORING_TIMEOUT_MULTISHOT", "6.4",
				      cqe->res == -ETIME ? EPROTO : -cqe->res);
	io_uring_queue_exit(&ring);
	return ret < 0 ? ret : 0;
}
#else
#define ms_wait timer_ring_unsupported_wait
#define ms_arm NULL
#endif

static int ms_supported(const struct timer_cfg *cfg, char *reason, size_t len)
{
	int ret = timer_ring_supported(cfg, reason, len);

#if EVB_HAVE_LIBURING
	if (!ret && !cfg)
		ret = ms_probe(reason, len);
#endif
	if (ret && ret != -ENOTSUP) {
		snprintf(reason, len, "io_uring multishot timeout probe: %s", strerror(-ret));
		ret = -ENOTSUP;
	}
	return ret;
}

const struct timer_ops timer_io_uring_timeout_multishot_ops = {
	.base = {
		.name = "io_uring-timeout-multishot",
		.summary = "one IORING_OP_TIMEOUT with IORING_TIMEOUT_MULTISHOT: a periodic "
			   "timer in the ring (6.4)",
		.traits = (const char *const[]){ "may=early" },
		.uring = true,
	},
	.supported = ms_supported,
	.setup = timer_ring_setup,
	.arm = ms_arm,
	.wait = ms_wait,
	.teardown = timer_ring_teardown,
};
