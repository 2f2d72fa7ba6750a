/*
 * exit-io_uring - the parent learns of its child's exit from its ring:
 * IORING_OP_WAITID (Linux 6.7, P_PID, WEXITED, which reaps the child) is
 * queued when the child is forked and the parent blocks in io_uring_enter,
 * submitting and waiting in one call.  Liburing 2.3 (Debian 12) has no
 * helper: the SQE is filled from the kernel's ABI (io_uring/waitid.c: fd
 * holds the id, len the idtype, file_index the options, addr2 the
 * siginfo).  One ring, made and used by A alone, under each --uring-setup.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "evb_uring.h"
#include "notify.h"
#include "ring.h"

static int uwaitid_supported(const struct notify_cfg *cfg, char *reason, size_t len)
{
	return notify_ring_supported(cfg, EVB_URING_OP_WAITID, reason, len);
}

#if EVB_HAVE_LIBURING

struct uwaitid {
	struct io_uring ring;
	siginfo_t info;
};

static int uwaitid_setup(struct notify_ctx *ctx)
{
	struct uwaitid *u = malloc(sizeof(*u));
	int ret;

	if (!u)
		return -ENOMEM;
	ret = evb_uring_init(&u->ring, 8, 8, (enum evb_uring_setup)ctx->cfg->uring_setup);
	if (ret) {
		free(u);
		return ret;
	}
	ctx->priv = u;
	return 0;
}

static int uwaitid_exit_watch(struct notify_ctx *ctx, pid_t child)
{
	struct uwaitid *u = ctx->priv;
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);

	if (!sqe)
		return -EBUSY;
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = EVB_IORING_OP_WAITID;
	sqe->fd = (int)child;
	sqe->len = P_PID;
	sqe->file_index = WEXITED;
	sqe->addr2 = (uintptr_t)&u->info;
	sqe->user_data = (uint64_t)child;
	return 0;
}

static int uwaitid_exit_wait(struct notify_ctx *ctx, pid_t child)
{
	struct uwaitid *u = ctx->priv;
	struct io_uring_cqe *cqe;
	int ret;

	do
		ret = io_uring_submit_and_wait(&u->ring, 1);
	while (ret == -EINTR);
	if (ret < 0)
		return ret;
	ret = io_uring_peek_cqe(&u->ring, &cqe);
	if (ret)
		return ret;
	ret = cqe->user_data != (uint64_t)child ? -EPROTO : cqe->res < 0 ? cqe->res : 0;
	io_uring_cqe_seen(&u->ring, cqe);
	return ret;
}

static void uwaitid_teardown(struct notify_ctx *ctx)
{
	struct uwaitid *u = ctx->priv;

	io_uring_queue_exit(&u->ring);
	free(u);
}

#else
/* Never called (supported() refuses first), but present: an exit_wait is
 * what makes a mechanism an exit-* one (main.c). */
static int uwaitid_exit_wait(struct notify_ctx *ctx, pid_t child)
{
	(void)ctx;
	(void)child;
	return -ENOTSUP;
}
#define uwaitid_setup NULL
#define uwaitid_exit_watch NULL
#define uwaitid_teardown NULL
#endif

const struct notify_ops notify_exit_io_uring_ops = {
	.base = {
		.name = "exit-io_uring",
		.summary = "a child's exit, the parent's ring holding IORING_OP_WAITID (6.7)",
		.traits = (const char *const[]){ NOTIFY_MODE_EXIT },
		.uring = true,
	},
	.supported = uwaitid_supported,
	.setup = uwaitid_setup,
	.exit_watch = uwaitid_exit_watch,
	.exit_wait = uwaitid_exit_wait,
	.teardown = uwaitid_teardown,
};
