/*
 * io_uring-msg-ring - IORING_OP_MSG_RING (Linux 5.18): the sender posts a
 * completion straight into the waiter's ring, no file in between.  The
 * waiter blocks in io_uring_enter waiting for a CQE (ring.h); nothing is
 * armed, so a wakeup is one CQE and the next wait is one system call.
 *
 * Variants (how the message is sent, how the waiter waits):
 *   ring   from a ring of the sender's own, with IOSQE_CQE_SKIP_SUCCESS
 *          (only a failed send posts to the sender's ring)
 *   sync   without a ring: io_uring_register(-1,
 *          IORING_REGISTER_SEND_MSG_RING) (6.13), the way a thread that
 *          has no ring wakes one
 *   epoll  as ring, but the waiter is an epoll loop: its ring signals an
 *          eventfd (io_uring_register_eventfd) that it watches with
 *          epoll_wait, then it reads the eventfd and reaps the ring (ring.h)
 * Every message is its own CQE: nothing merges.  Under defer the waiter's
 * ring only posts the message when the waiter enters the kernel for it,
 * which its wait does.  liburing 2.3 has io_uring_prep_msg_ring; the
 * ring-less send fills the SQE the same way (evb_uring_msg_ring_sync).
 */
#include <errno.h>
#include <stdlib.h>

#include "ring.h"

enum msg_variant {
	MSG_RING,
	MSG_SYNC,
	MSG_EPOLL,
};

static const char *const msg_variants[] = { "ring", "sync", "epoll", NULL };
static const char *const msg_traits[] = {
	NOTIFY_SCOPE_WAKE, NOTIFY_SCOPE_WAKE, NOTIFY_SCOPE_WAKE,
};

static int msg_supported(const struct notify_cfg *cfg, char *reason, size_t len)
{
	unsigned need = EVB_URING_OP_MSG_RING;

	if (cfg && cfg->variant_index == MSG_SYNC)
		need |= EVB_URING_MSG_RING_SYNC;
	return notify_ring_supported(cfg, need, reason, len);
}

#if EVB_HAVE_LIBURING

static int msg_setup(struct notify_ctx *ctx)
{
	struct notify_ring *r = malloc(sizeof(*r));
	int ret;

	if (!r)
		return -ENOMEM;
	ret = notify_ring_setup(r, ctx->cfg, ctx->cfg->variant_index == MSG_EPOLL);
	if (ret) {
		free(r);
		return ret;
	}
	ctx->priv = r;
	return 0;
}

static int msg_notify(struct notify_ctx *ctx, enum notify_side from)
{
	struct notify_ring *r = ctx->priv;
	int target = notify_ring_fd(r, !from);
	struct io_uring *ring;
	struct io_uring_sqe *sqe;
	int ret;

	if (ctx->cfg->variant_index == MSG_SYNC)
		return evb_uring_msg_ring_sync(target, RING_MSG, 0);
	ring = notify_ring_get(r, from, &ret);
	if (!ring)
		return ret;
	sqe = notify_ring_sqe(ring);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_msg_ring(sqe, target, 0, RING_MSG, 0);
	sqe->user_data = RING_SEND;
	sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
	return notify_ring_submit(ring);
}

static int64_t msg_wait(struct notify_ctx *ctx, enum notify_side self, int64_t timeout_ns)
{
	struct notify_ring *r = ctx->priv;
	struct io_uring *ring;
	int64_t msgs = 0;
	int ret;

	ring = notify_ring_get(r, self, &ret);
	if (!ring)
		return ret;
	ret = notify_ring_wait(r, self, timeout_ns);
	if (ret <= 0)
		return ret;
	ret = notify_ring_reap(ring, &msgs, NULL, NULL);
	return ret ? ret : msgs;
}

static void msg_teardown(struct notify_ctx *ctx)
{
	notify_ring_teardown(ctx->priv);
	free(ctx->priv);
}

#else
#define msg_setup NULL
#define msg_notify NULL
#define msg_wait NULL
#define msg_teardown NULL
#endif

const struct notify_ops notify_io_uring_msg_ring_ops = {
	.base = {
		.name = "io_uring-msg-ring",
		.summary = "IORING_OP_MSG_RING into B's ring, B waiting for a CQE (5.18)",
		.traits = msg_traits,
		.variants = msg_variants,
		.uring = true,
	},
	.supported = msg_supported,
	.setup = msg_setup,
	.side_init = notify_ring_side_init,
	.notify = msg_notify,
	.wait = msg_wait,
	.teardown = msg_teardown,
};
