/*
 * io_uring-epoll - an epoll set waited on through a ring: one
 * IORING_OP_EPOLL_WAIT (Linux 6.15) per wait, submitted and reaped in one
 * io_uring_enter, so an io_uring loop can take in an epoll set's events
 * beside its other completions.  The set is epoll lt's (epset.h: same
 * registration, O(ready) events); only the call differs.  The request
 * copies at most --maxevents events into the set's array and completes
 * with their count; when none is ready it stays armed in the ring (the
 * kernel polls the epoll fd), and the next wait waits for that same
 * request instead of queueing another.  A scan sample (timeout 0) is one
 * io_uring_enter(GETEVENTS) that submits the request and runs pending
 * completion work.  Liburing 2.3 (Debian 12) has no helper: the SQE is the
 * kernel's (io_uring/epoll.c: fd the epoll fd, addr the events, len
 * maxevents, op flags 0).  The ring is made in the waiting thread, under
 * each --uring-setup.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "epset.h"
#include "evb_uring.h"

static const char *const uepoll_variants[] = { "lt", NULL };
/* planned on the default setup only, for the standard profile's time; the
 * driver runs every --uring-setup */
static const char *const uepoll_traits[] = { MUX_COST_READY " uring_setup=default" };

#define UEPOLL_TAG 0x75657077   /* "uepw" */

static int uepoll_supported(const struct mux_cfg *cfg, char *reason, size_t len)
{
	unsigned need = EVB_URING_OP_EPOLL_WAIT;

	if (cfg)
		need |= evb_uring_setup_needs((enum evb_uring_setup)cfg->uring_setup);
	return evb_uring_supported(need, reason, len);
}

#if EVB_HAVE_LIBURING

struct uepoll {
	struct io_uring ring;
	bool pending;   /* an EPOLL_WAIT is armed in the ring */
};

/* The request's result once its CQE is there: events, or -1 with errno. */
static int uepoll_reap(struct uepoll *u)
{
	struct io_uring_cqe *cqe;
	int res;

	if (io_uring_peek_cqe(&u->ring, &cqe))
		return 0;   /* still armed */
	res = cqe->user_data == UEPOLL_TAG ? cqe->res : -EPROTO;
	io_uring_cqe_seen(&u->ring, cqe);
	u->pending = false;
	if (res < 0) {
		errno = -res;
		return -1;
	}
	return res;
}

static int uepoll_call(int epfd, struct epoll_event *events, int maxevents, int64_t timeout_ns,
		       const sigset_t *mask, void *arg)
{
	struct uepoll *u = arg;
	struct io_uring_cqe *cqe;
	int ret;

	(void)mask;
	if (!u->pending) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);

		if (!sqe) {
			errno = EBUSY;
			return -1;
		}
		memset(sqe, 0, sizeof(*sqe));
		sqe->opcode = EVB_IORING_OP_EPOLL_WAIT;
		sqe->fd = epfd;
		sqe->addr = (uintptr_t)events;
		sqe->len = (unsigned)maxevents;
		sqe->user_data = UEPOLL_TAG;
		u->pending = true;
	}
	if (timeout_ns == 0) {
		ret = evb_uring_get_events(&u->ring, 1);
	} else {
		struct __kernel_timespec ts = evb_uring_ts(timeout_ns);

		ret = io_uring_submit_and_wait_timeout(&u->ring, &cqe, 1, &ts, NULL);
		if (ret == -ETIME)
			ret = 0;
	}
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return uepoll_reap(u);
}

static int uepoll_setup(struct mux_ctx *ctx)
{
	struct uepoll *u = calloc(1, sizeof(*u));
	int ret;

	if (!u)
		return -ENOMEM;
	ret = evb_uring_init(&u->ring, 1, 4, (enum evb_uring_setup)ctx->cfg->uring_setup);
	if (ret) {
		free(u);
		return ret;
	}
	ret = epset_setup(ctx, EPOLLIN, uepoll_call, u);
	if (ret) {
		io_uring_queue_exit(&u->ring);
		free(u);
	}
	return ret;
}

static void uepoll_teardown(struct mux_ctx *ctx)
{
	struct uepoll *u = epset_call_arg(ctx);

	io_uring_queue_exit(&u->ring);   /* cancels an armed wait before the set goes */
	free(u);
	epset_teardown(ctx);
}

#else
#define uepoll_setup NULL
#define uepoll_teardown NULL
#endif

const struct mux_ops mux_io_uring_epoll_ops = {
	.base = {
		.name = "io_uring-epoll",
		.summary = "an epoll set waited on through a ring: IORING_OP_EPOLL_WAIT (6.15)",
		.variants = uepoll_variants,
		.traits = uepoll_traits,
		.uring = true,
	},
	.slab_caches = epset_slab_caches,
	.may_report = { [0] = MUX_MAY_RELIST },
	.own_fds = 2,
	.supported = uepoll_supported,
	.setup = uepoll_setup,
	.add = epset_add,
	.del = epset_del,
	.wait = epset_wait,
	.rearm = epset_rearm,
	.teardown = uepoll_teardown,
};
