/*
 * io_uring - readiness through io_uring poll requests (liburing): one
 * IORING_OP_POLL_ADD per watched fd sits in the kernel; when the fd becomes
 * readable the request completes with a CQE in the shared completion ring.
 *
 * Variants:
 *   poll       single-shot POLL_ADD: a completed request is gone, so every
 *              reported fd is re-armed with a new SQE (queued at rearm,
 *              submitted by the next wait's io_uring_enter)
 *   multishot  IORING_POLL_ADD_MULTI (Linux 5.13): the request stays armed
 *              and posts a CQE per wakeup, i.e. per arrival, so the loop
 *              reads until EAGAIN and a scan needs a fresh arrival per
 *              call; re-armed only if the kernel ended it (a CQE without
 *              IORING_CQE_F_MORE, e.g. after a CQ overflow)
 * The watched fds are the ring's registered files (io_uring_register_files
 * at setup, slot = the fd's index; every POLL_ADD carries IOSQE_FIXED_FILE).
 * One scan sample: io_uring_submit_and_get_events() (one io_uring_enter
 * with GETEVENTS, made even when CQEs already wait: it submits the re-arms,
 * whose polls on ready fds complete at once, and runs pending completion
 * work), reaping
 * the CQEs into the ready list in batches of at most --maxevents (a fixed
 * array of CQE pointers, as a real loop has; a full batch is followed by
 * another peek, without a system call while CQEs are waiting), for
 * multishot the reads until EAGAIN of every listed fd, and preparing the
 * re-arm SQEs.  The completion work of a wakeup runs as task work of the
 * waiting thread when the wakeup happens (see evb_uring.h): for multishot in
 * scan mode, that is during the untimed fresh arrivals, so its sample is
 * one enter that finds the CQEs posted, the reaping and the reads (the row's
 * syscalls says 1 a sample); loop mode's CPU per event (and the
 * machine's) counts everything.  That is the default setup (--uring-setup,
 * evb_uring.h); coop leaves the work for the loop's next enter, and defer
 * runs it only when the loop asks: its scan sample holds the completion
 * work of every ready fd, in io_uring_enter calls with GETEVENTS repeated
 * while one added CQEs and the batch has room (evb_uring_get_events: the
 * kernel runs at most 20 items a call), so a scan under defer is one enter
 * more than under default.  A blocking wait is
 * io_uring_submit_and_wait_timeout() with a nanosecond timespec.
 * Register: add = one POLL_ADD per fd, submitted in batches of the SQ size
 * (the file table is filled once, at setup, outside the samples);
 * remove = one POLL_REMOVE per fd and reaping every completion, so both
 * include the kernel's work.  Ring: SQ maxevents entries (at most 4096: a
 * batch of re-arms; more are submitted as it fills); CQ 2 x nfds
 * (at most 65536; beyond, the kernel's overflow list keeps CQEs): the CQ is
 * sized for the requests in flight, as io_uring_setup(2) advises, so unlike
 * the CQE batch it is memory per fd of io_uring's design (16 bytes a CQE,
 * mapped into the process and counted in its RSS once touched).
 * What it may report: the ready set, and for poll in loop mode now and then
 * a stale completion (MUX_MAY_STALE, mux.h).  A request completes once
 * (single-shot) or once per wakeup (multishot), and every fd gets one write
 * per scan sample or one unit in flight in loop mode: one CQE.  Without
 * liburing at build time, with kernel.io_uring_disabled set, or when
 * uring_setup fails, every cell is a skipped row saying which.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>

#include "evb_config.h"
#include "mux.h"
#include "evb_uring.h"

enum io_uring_variant {
	URING_POLL,
	URING_MULTISHOT,
};

static const char *const io_uring_variants[] = { "poll", "multishot", NULL };
static const char *const io_uring_traits[] = {
	[URING_POLL] = MUX_COST_REARM " files=fixed " MUX_TRAIT_MAY_STALE,
	[URING_MULTISHOT] = MUX_COST_EDGE " files=fixed",
};
/* Each armed poll request is an io_kiocb (plus its poll state). */
static const char *const io_uring_slab_caches[] = { "io_kiocb", NULL };

#if EVB_HAVE_LIBURING

/* user_data: what the request is in the high half, the fd's index in the low. */
#define TAG_POLL (1ULL << 32)
#define TAG_REMOVE (2ULL << 32)
#define TAG_MASK (0xffffffffULL << 32)

struct uring {
	struct io_uring ring;
	struct io_uring_cqe **cqes;  /* one reaping batch: maxevents */
	unsigned batch;
	uint8_t *armed;          /* per index: a poll request is live */
	int64_t narmed;
	int multishot;
	bool defer;              /* IORING_SETUP_DEFER_TASKRUN */
	int error;               /* first failed submit while queueing */
};

static int uring_supported(const struct mux_cfg *cfg, char *reason, size_t len)
{
	unsigned need = EVB_URING_OP_POLL;

	if (cfg && cfg->variant_index == URING_MULTISHOT)
		need |= EVB_URING_POLL_MULTI;
	if (cfg)
		need |= evb_uring_setup_needs((enum evb_uring_setup)cfg->uring_setup);
	return evb_uring_supported(need, reason, len);
}

static int uring_setup(struct mux_ctx *ctx)
{
	struct uring *u = calloc(1, sizeof(*u));
	int ret;

	if (!u)
		return -ENOMEM;
	u->batch = ctx->cfg->maxevents < UINT_MAX ? (unsigned)ctx->cfg->maxevents : UINT_MAX;
	u->armed = mux_alloc_resident((size_t)ctx->fds->n);
	u->cqes = mux_alloc_resident(sizeof(*u->cqes) * u->batch);
	if (!u->armed || !u->cqes) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = evb_uring_init(&u->ring, ctx->fds->n, ctx->cfg->maxevents,
			     (enum evb_uring_setup)ctx->cfg->uring_setup);
	if (ret)
		goto err_free;
	ret = io_uring_register_files(&u->ring, ctx->fds->fd, (unsigned)ctx->fds->n);
	if (ret) {
		io_uring_queue_exit(&u->ring);
		goto err_free;
	}
	u->defer = ctx->cfg->uring_setup == EVB_URING_SETUP_DEFER;
	u->multishot = ctx->cfg->variant_index == URING_MULTISHOT;
	ctx->edge = u->multishot;
	ctx->max_listed = u->batch;
	ctx->priv = u;
	return 0;

err_free:
	free(u->cqes);
	free(u->armed);
	free(u);
	return ret;
}

/* An SQE, submitting what is queued when the SQ is full. */
static struct io_uring_sqe *uring_sqe(struct uring *u)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);
	int ret;

	if (sqe)
		return sqe;
	ret = io_uring_submit(&u->ring);
	if (ret < 0) {
		u->error = ret;
		return NULL;
	}
	return io_uring_get_sqe(&u->ring);
}

static int arm(struct mux_ctx *ctx, struct uring *u, int32_t idx)
{
	struct io_uring_sqe *sqe = uring_sqe(u);

	if (!sqe)
		return u->error ? u->error : -EBUSY;
	if (u->multishot)
		io_uring_prep_poll_multishot(sqe, idx, POLLIN);
	else
		io_uring_prep_poll_add(sqe, idx, POLLIN);
	sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, TAG_POLL | (uint32_t)idx);
	u->armed[idx] = 1;
	u->narmed++;
	return 0;
}

static int uring_add(struct mux_ctx *ctx)
{
	struct uring *u = ctx->priv;

	for (int64_t i = 0; i < ctx->fds->n; i++) {
		int ret = arm(ctx, u, (int32_t)i);

		if (ret)
			return ret;
	}
	int ret = io_uring_submit(&u->ring);

	return ret < 0 ? ret : 0;
}

/*
 * A poll CQE: the request ended unless the kernel says more will come.
 * Returns 1 when the fd is ready, 0 when the request ended without an
 * event (cancelled), or -errno.
 */
static int poll_cqe(struct uring *u, const struct io_uring_cqe *cqe, int32_t idx)
{
	if (!(cqe->flags & IORING_CQE_F_MORE) && u->armed[idx]) {
		u->armed[idx] = 0;
		u->narmed--;
	}
	if (cqe->res == -ECANCELED)
		return 0;
	return cqe->res < 0 ? cqe->res : 1;
}

/* Queue the removal of fd idx's poll request.  0 or -errno. */
static int poll_remove(struct uring *u, uint32_t idx)
{
	struct io_uring_sqe *sqe = uring_sqe(u);

	if (!sqe)
		return u->error ? u->error : -EBUSY;
	io_uring_prep_poll_remove(sqe, TAG_POLL | idx);
	io_uring_sqe_set_data64(sqe, TAG_REMOVE | idx);
	return 0;
}

/*
 * Remove every live poll request and reap until the kernel confirmed each
 * removal and no request is left.
 */
static int uring_del(struct mux_ctx *ctx)
{
	struct uring *u = ctx->priv;
	int64_t sent = 0, done = 0;
	int ret;

	for (int64_t i = 0; i < ctx->fds->n; i++) {
		if (!u->armed[i])
			continue;
		ret = poll_remove(u, (uint32_t)i);
		if (ret)
			return ret;
		sent++;
	}
	while (done < sent || u->narmed > 0) {
		ret = io_uring_submit_and_wait(&u->ring, 1);
		if (ret < 0 && ret != -EINTR)
			return ret;
		unsigned n = io_uring_peek_batch_cqe(&u->ring, u->cqes, u->batch);

		for (unsigned k = 0; k < n; k++) {
			const struct io_uring_cqe *cqe = u->cqes[k];
			uint32_t idx = (uint32_t)io_uring_cqe_get_data64(cqe);

			if ((io_uring_cqe_get_data64(cqe) & TAG_MASK) != TAG_REMOVE) {
				poll_cqe(u, cqe, (int32_t)idx);
				continue;
			}
			done++;
			/*
			 * -EALREADY: the poll was running its wakeup (under
			 * DEFER_TASKRUN, task work not run yet) and re-arms after
			 * it; ask again, or it would stay armed and never end.
			 */
			if (cqe->res == -EALREADY && u->armed[idx]) {
				ret = poll_remove(u, idx);
				if (ret)
					return ret;
				sent++;
			}
		}
		io_uring_cq_advance(&u->ring, n);
	}
	return 0;
}

/*
 * Enter the kernel when there is something to submit, when no CQE is
 * waiting, under defer also while the batch has room (the kernel may hold
 * completion work back until asked), and always on a scan sample's first
 * call (timeout 0, nothing listed yet): a scan sample is a wait call, so it
 * asks the kernel (io_uring_enter with GETEVENTS) even when completions
 * already wait in the ring.  A follow-up call of a scan sample, after a full
 * batch, only peeks, as a real loop's next io_uring_peek_batch_cqe does.
 * Then reap one batch of at most maxevents CQEs.
 */
static int64_t uring_wait(struct mux_ctx *ctx, int64_t timeout_ns, struct mux_ready *ready)
{
	struct uring *u = ctx->priv;
	int64_t room = ready->cap - ready->n, start = ready->n;
	unsigned max = room < u->batch ? (unsigned)room : u->batch;
	int ret = 0;

	if (!max)
		return 0;
	if (io_uring_sq_ready(&u->ring) || io_uring_cq_ready(&u->ring) < (u->defer ? max : 1) ||
	    (timeout_ns == 0 && start == 0)) {
		if (timeout_ns == 0) {
			ret = evb_uring_get_events(&u->ring, max);
			if (ret > 0)
				ctx->syscalls += ret;
		} else {
			struct __kernel_timespec ts = evb_uring_ts(timeout_ns);
			struct io_uring_cqe *first;

			ret = io_uring_submit_and_wait_timeout(&u->ring, &first, 1, &ts, NULL);
			ctx->syscalls++;
			if (ret == -ETIME || ret == -EINTR)
				ret = 0;
		}
	}
	if (ret < 0)
		return ret;
	unsigned n = io_uring_peek_batch_cqe(&u->ring, u->cqes, max);

	for (unsigned k = 0; k < n; k++) {
		uint64_t data = io_uring_cqe_get_data64(u->cqes[k]);
		int32_t idx = (int32_t)(uint32_t)data;

		if ((data & TAG_MASK) != TAG_POLL)
			continue;
		ret = poll_cqe(u, u->cqes[k], idx);
		if (ret < 0) {
			io_uring_cq_advance(&u->ring, n);
			return ret;
		}
		if (ret)
			ready->idx[ready->n++] = idx;
	}
	io_uring_cq_advance(&u->ring, n);
	return ready->n - start;
}

/* Queue a new request for each reported fd whose request ended. */
static int uring_rearm(struct mux_ctx *ctx, const struct mux_ready *ready)
{
	struct uring *u = ctx->priv;

	for (int64_t i = 0; i < ready->n; i++) {
		int32_t idx = ready->idx[i];
		int ret = u->armed[idx] ? 0 : arm(ctx, u, idx);

		if (ret)
			return ret;
	}
	return 0;
}

static void uring_teardown(struct mux_ctx *ctx)
{
	struct uring *u = ctx->priv;

	io_uring_queue_exit(&u->ring);
	free(u->cqes);
	free(u->armed);
	free(u);
}

#else /* !EVB_HAVE_LIBURING: listed, and every cell a skipped row */

static int uring_supported(const struct mux_cfg *cfg, char *reason, size_t len)
{
	(void)cfg;
	return evb_uring_supported(0, reason, len);
}

static int uring_setup(struct mux_ctx *ctx)
{
	(void)ctx;
	return -ENOTSUP;
}

static int uring_add(struct mux_ctx *ctx)
{
	(void)ctx;
	return -ENOTSUP;
}

#define uring_del uring_add
#define uring_rearm NULL

static int64_t uring_wait(struct mux_ctx *ctx, int64_t timeout_ns, struct mux_ready *ready)
{
	(void)ctx;
	(void)timeout_ns;
	(void)ready;
	return -ENOTSUP;
}

static void uring_teardown(struct mux_ctx *ctx)
{
	(void)ctx;
}

#endif

const struct mux_ops mux_io_uring_ops = {
	.base = {
		.name = "io_uring",
		.summary = "io_uring POLL_ADD requests on registered files (single-shot re-armed, "
			   "or multishot)",
		.variants = io_uring_variants,
		.traits = io_uring_traits,
		.uring = true,
	},
	.slab_caches = io_uring_slab_caches,
	.may_report = { [URING_POLL] = MUX_MAY_STALE },
	.own_fds = 1,
	.supported = uring_supported,
	.setup = uring_setup,
	.add = uring_add,
	.del = uring_del,
	.wait = uring_wait,
	.rearm = uring_rearm,
	.teardown = uring_teardown,
};
