/*
 * io_uring-futex - IORING_OP_FUTEX_WAIT (Linux 6.7): the waiter's ring
 * holds a futex wait on its counter word (fword.h) and the waiter blocks
 * in io_uring_enter for the completion, so a futex is one more source an
 * io_uring loop can wait on.  Re-armed after each completion: arming and
 * waiting are one io_uring_enter (submit and wait).  A word that moved
 * before the wait was queued completes it at once with -EAGAIN: the waiter
 * looks again.
 *
 * Variants (how the waker wakes the word):
 *   futex  futex(2) FUTEX_WAKE, from a thread with no ring
 *   ring   IORING_OP_FUTEX_WAKE from a ring of the waker's own, with
 *          IOSQE_CQE_SKIP_SUCCESS
 *   epoll  futex(2), and the waiter is an epoll loop whose ring signals an
 *          eventfd it watches (ring.h): a futex as an epoll loop's source
 * Liburing 2.3 (Debian 12) has no helpers for the futex operations: the
 * SQEs are filled from the kernel's ABI (io_uring/futex.c: fd holds the
 * futex2 flags, addr the word, addr2 the value to compare or the number to
 * wake, addr3 the bitset; the op's own flags must be 0).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "evb_clock.h"
#include "fword.h"
#include "ring.h"

enum ufutex_variant {
	UFUTEX_FUTEX,
	UFUTEX_RING,
	UFUTEX_EPOLL,
};

static const char *const ufutex_variants[] = { "futex", "ring", "epoll", NULL };
/*
 * epoll under defer is not planned: on 6.18 the ring signals its eventfd
 * for a futex wake's completion work 16 to 40 ms late (the other ways, and
 * msg-ring's epoll variant under defer, within microseconds), so each
 * wakeup waits that long.  --uring-setup defer still runs it.
 */
static const char *const ufutex_traits[] = {
	NOTIFY_SCOPE_WAKE, NOTIFY_SCOPE_WAKE, NOTIFY_SCOPE_WAKE " uring_setup=default,coop",
};

#define MATCH_ANY 0xffffffffULL   /* FUTEX_BITSET_MATCH_ANY */

static int ufutex_supported(const struct notify_cfg *cfg, char *reason, size_t len)
{
	return notify_ring_supported(cfg, EVB_URING_OP_FUTEX, reason, len);
}

#if EVB_HAVE_LIBURING

struct ufutex {
	struct notify_ring r;
	struct fword *f;
};

/* The FUTEX_WAIT a side keeps armed: its word, while it holds now. */
struct ufutex_arm {
	const struct fword *f;
	_Atomic uint32_t *word;
	uint32_t now;
};

static void prep_futex(struct io_uring_sqe *sqe, int op, const struct fword *f,
		       _Atomic uint32_t *word, uint64_t value)
{
	sqe->opcode = (uint8_t)op;
	sqe->fd = EVB_FUTEX2_SIZE_U32 | (f->shared ? 0 : EVB_FUTEX2_PRIVATE);
	sqe->addr = (uintptr_t)word;
	sqe->addr2 = value;
	sqe->addr3 = MATCH_ANY;
}

static void ufutex_prep(struct io_uring_sqe *sqe, const void *arg)
{
	const struct ufutex_arm *a = arg;

	prep_futex(sqe, EVB_IORING_OP_FUTEX_WAIT, a->f, a->word, a->now);
}

static int ufutex_sleep(struct notify_ctx *ctx, struct fword *f, enum notify_side self,
			uint32_t now, int64_t deadline_ns)
{
	struct ufutex *u = ctx->priv;
	const struct ufutex_arm arm = { .f = f, .word = &f->word[self], .now = now };
	int64_t left = deadline_ns < 0 ? -1 : deadline_ns - evb_now_ns();
	int ret, res = 0;

	if (!notify_ring_get(&u->r, self, &ret))
		return ret;
	/* past the deadline: one look, which also submits the armed wait */
	ret = notify_ring_wait_armed(&u->r, self, deadline_ns >= 0 && left < 0 ? 0 : left,
				     ufutex_prep, &arm, &res);
	if (ret == 0)
		return deadline_ns >= 0 ? -ETIMEDOUT : 0;
	if (ret < 0)
		return ret;
	return res < 0 && res != -EAGAIN ? res : 0;   /* -EAGAIN: the word had moved */
}

static int ufutex_ring_wake(struct notify_ctx *ctx, struct fword *f, _Atomic uint32_t *word)
{
	struct ufutex *u = ctx->priv;
	enum notify_side from = word == &f->word[SIDE_B] ? SIDE_A : SIDE_B;
	struct io_uring_sqe *sqe;
	struct io_uring *ring;
	int64_t msgs = 0;
	int ret;

	ring = notify_ring_get(&u->r, from, &ret);
	if (!ring)
		return ret;
	sqe = notify_ring_sqe(ring);
	if (!sqe)
		return -EBUSY;
	prep_futex(sqe, EVB_IORING_OP_FUTEX_WAKE, f, word, 1);
	sqe->user_data = RING_SEND;
	sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
	ret = notify_ring_submit(ring);
	/* a failed wake posts at once: find it before the waiter hangs */
	if (!ret && io_uring_cq_ready(ring) && !u->r.armed[from])
		ret = notify_ring_reap(ring, &msgs, NULL, NULL);
	return ret;
}

static int ufutex_setup(struct notify_ctx *ctx)
{
	struct ufutex *u = malloc(sizeof(*u));
	int ret;

	if (!u)
		return -ENOMEM;
	u->f = fword_alloc(ctx->cfg);
	if (!u->f) {
		free(u);
		return -ENOMEM;
	}
	ret = notify_ring_setup(&u->r, ctx->cfg, ctx->cfg->variant_index == UFUTEX_EPOLL);
	if (ret) {
		fword_free(u->f);
		free(u);
		return ret;
	}
	ctx->priv = u;
	return 0;
}

static int ufutex_notify(struct notify_ctx *ctx, enum notify_side from)
{
	struct ufutex *u = ctx->priv;

	return fword_notify(ctx, u->f, from, ctx->cfg->variant_index == UFUTEX_RING
				     ? ufutex_ring_wake : fword_futex_wake);
}

static int64_t ufutex_wait(struct notify_ctx *ctx, enum notify_side self, int64_t timeout_ns)
{
	struct ufutex *u = ctx->priv;

	return fword_wait(ctx, u->f, self, timeout_ns, ufutex_sleep);
}

static void ufutex_teardown(struct notify_ctx *ctx)
{
	struct ufutex *u = ctx->priv;

	notify_ring_teardown(&u->r);   /* cancels an armed wait */
	fword_free(u->f);
	free(u);
}

#else
#define ufutex_setup NULL
#define ufutex_notify NULL
#define ufutex_wait NULL
#define ufutex_teardown NULL
#endif

const struct notify_ops notify_io_uring_futex_ops = {
	.base = {
		.name = "io_uring-futex",
		.summary = "FUTEX_WAKE on B's word, B's ring holding IORING_OP_FUTEX_WAIT (6.7)",
		.traits = ufutex_traits,
		.variants = ufutex_variants,
		.uring = true,
	},
	.supported = ufutex_supported,
	.setup = ufutex_setup,
	.side_init = notify_ring_side_init,
	.notify = ufutex_notify,
	.wait = ufutex_wait,
	.teardown = ufutex_teardown,
};
