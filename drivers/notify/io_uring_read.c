/*
 * io_uring-read - an eventfd read through the waiter's ring: B's ring holds
 * an IORING_OP_READ (5.6) of B's eventfd and B blocks in io_uring_enter for
 * its completion; A writes 1 with write(2).  The way most event libraries
 * on io_uring wake their loop from another thread.  The read completes
 * when the eventfd becomes readable (the ring polls it) and takes the whole
 * count: writes made while B sleeps merge into one wakeup, nothing is
 * lost, as with eventfd's counter variant.  Re-armed after each completion:
 * arming and waiting are one io_uring_enter.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ring.h"

static int uread_supported(const struct notify_cfg *cfg, char *reason, size_t len)
{
	return notify_ring_supported(cfg, EVB_URING_OP_READ, reason, len);
}

#if EVB_HAVE_LIBURING

struct uread {
	struct notify_ring r;
	int fd[2];              /* fd[side]: the eventfd side reads */
	uint64_t value[2];      /* the armed read's buffer */
};

/* The read a side keeps armed: its eventfd into its buffer. */
struct uread_arm {
	int fd;
	uint64_t *value;
};

static void uread_prep(struct io_uring_sqe *sqe, const void *arg)
{
	const struct uread_arm *a = arg;

	io_uring_prep_read(sqe, a->fd, a->value, sizeof(*a->value), 0);
}

static void uread_close(struct uread *u)
{
	notify_ring_teardown(&u->r);   /* cancels armed reads before their buffers go */
	for (int side = 0; side < 2; side++)
		if (u->fd[side] >= 0)
			close(u->fd[side]);
	free(u);
}

static int uread_setup(struct notify_ctx *ctx)
{
	struct uread *u = malloc(sizeof(*u));
	int ret = 0;

	if (!u)
		return -ENOMEM;
	memset(u, 0, sizeof(*u));
	memset(u->fd, -1, sizeof(u->fd));
	ret = notify_ring_setup(&u->r, ctx->cfg, false);
	if (ret) {
		free(u);
		return ret;
	}
	for (int side = 0; side < 2 && !ret; side++) {
		u->fd[side] = eventfd(0, EFD_CLOEXEC);
		if (u->fd[side] < 0)
			ret = -errno;
	}
	if (ret) {
		uread_close(u);
		return ret;
	}
	ctx->priv = u;
	return 0;
}

static int uread_notify(struct notify_ctx *ctx, enum notify_side from)
{
	struct uread *u = ctx->priv;
	uint64_t one = 1;

	return write(u->fd[!from], &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
}

static int64_t uread_wait(struct notify_ctx *ctx, enum notify_side self, int64_t timeout_ns)
{
	struct uread *u = ctx->priv;
	const struct uread_arm arm = { .fd = u->fd[self], .value = &u->value[self] };
	int ret, res = 0;

	if (!notify_ring_get(&u->r, self, &ret))
		return ret;
	ret = notify_ring_wait_armed(&u->r, self, timeout_ns, uread_prep, &arm, &res);
	if (ret <= 0)
		return ret;               /* 0: nothing came for the read */
	if (res < 0)
		return res == -EINTR || res == -EAGAIN ? 0 : res;
	return res == sizeof(uint64_t) ? (int64_t)u->value[self] : -EIO;
}

static void uread_teardown(struct notify_ctx *ctx)
{
	uread_close(ctx->priv);
}

#else
#define uread_setup NULL
#define uread_notify NULL
#define uread_wait NULL
#define uread_teardown NULL
#endif

const struct notify_ops notify_io_uring_read_ops = {
	.base = {
		.name = "io_uring-read",
		.summary = "write 1 to an eventfd, B's ring holding an IORING_OP_READ of it",
		.traits = (const char *const[]){ NOTIFY_SCOPE_WAKE },
		.uring = true,
	},
	.supported = uread_supported,
	.setup = uread_setup,
	.side_init = notify_ring_side_init,
	.notify = uread_notify,
	.wait = uread_wait,
	.teardown = uread_teardown,
};
