/*
 * io_uring - the server's loop on one io_uring instance (liburing): every
 * turn is one io_uring_submit_and_wait(ring, 1), which submits what the
 * last turn queued and sleeps until a CQE is there, then reaps every CQE
 * waiting (io_uring_for_each_cqe, io_uring_cq_advance).
 *
 * Variants:
 *   poll       readiness: one multishot poll (IORING_POLL_ADD_MULTI, Linux
 *              5.13) per connection for POLLIN posts a CQE per wakeup; the
 *              loop then reads once and writes the responses with
 *              read()/write() as epoll's level-triggered loop does
 *              (serve_conn_readable), reading again only while a read
 *              filled the buffer: bytes already there post no new CQE
 *              (SERVE_READ_FULL).  A poll the kernel ended (a CQE
 *              without IORING_CQE_F_MORE) is re-armed; a closed
 *              connection's poll is removed (the request holds the socket).
 *   recv       completion: one IORING_OP_RECV per connection into a buffer
 *              of the mechanism's; its CQE hands the bytes to the server,
 *              the responses leave by IORING_OP_SEND (one in flight per
 *              connection, so in order), the recv is posted again.  No
 *              read or write system call: the data moves inside
 *              io_uring_enter.
 *   multishot  completion, as recv but with one multishot recv per
 *              connection (IORING_RECV_MULTISHOT, Linux 6.0) taking its
 *              buffers from a provided buffer ring (5.19); each buffer goes
 *              back to the ring as soon as its bytes were taken.  A recv
 *              that found the ring dry ends with -ENOBUFS and is posted
 *              again (counted: the row's enobufs).
 *   bundle     as multishot, with IORING_RECVSEND_BUNDLE (6.10): one CQE
 *              takes what the socket holds over as many buffers as it
 *              needs (uring_io.c)
 *   inc        as multishot, the buffer ring registered with
 *              IOU_PBUF_RING_INC (6.12): a buffer is filled a receive at a
 *              time, each CQE's bytes after the last's, and goes back when
 *              full (uring_io.c)
 * Every variant names its connections by their index in the ring's table
 * of registered files (io_uring_register_files once every connection is
 * accepted, IOSQE_FIXED_FILE on each request): the kernel takes no file
 * reference per request.  A closed connection's slot is emptied
 * (io_uring_register_files_update with -1), so its socket really closes.
 * Setups (--uring-setup, evb_uring.h): the ring is made in the loop's own
 * thread with the setup's flags; each turn's io_uring_submit_and_wait is
 * also what runs defer's pending completion work (IORING_ENTER_GETEVENTS).
 * A wakeup is a turn whose wait returned CQEs.  The loop ends when every
 * connection reached end of file and no request of the ring is live.
 * CPU: a recv or send that cannot complete at once waits on the socket
 * inside the kernel (poll-armed), not in a thread; what io_uring does punt
 * to its io-wq worker threads runs in threads of the server process, so
 * its CPU counts in server_cpu_ns like the loop's own.
 * Ring: SQ 2 x connections entries (at most 4096; more are submitted as it
 * fills), CQ 2 x connections (at most 65536, IORING_SETUP_CQSIZE): two
 * requests in flight per connection (recv and send, or poll and its
 * removal); beyond the CQ the kernel's overflow list keeps CQEs, and a
 * multishot request it ends that way is re-armed.  The row's cq_overflows
 * counts the turns that found CQEs in that list (IORING_SQ_CQ_OVERFLOW)
 * and the CQEs the kernel dropped (the ring's overflow counter).  The multishot buffer
 * ring: 2 x active x depth buffers (a power of two, 64 .. 4096) of
 * max(msg_size, 4 KiB), at most 64 MiB.
 * Without liburing at build time, with kernel.io_uring_disabled = 2, or
 * on a kernel without what the variant needs, every cell is a skipped row
 * naming it.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "evb_config.h"
#include "serve.h"
#include "uring_srv.h"

static const char *const io_uring_variants[] = { "poll", "recv", "multishot", "bundle", "inc",
						 NULL };
static const char *const io_uring_traits[] = { "files=fixed", "files=fixed", "files=fixed",
					       "files=fixed", "files=fixed" };

#if EVB_HAVE_LIBURING

/* What each variant needs of the kernel. */
static const unsigned io_uring_needs[] = {
	[URING_POLL] = EVB_URING_OP_POLL | EVB_URING_POLL_MULTI,
	[URING_RECV] = EVB_URING_OP_RECV | EVB_URING_OP_SEND,
	[URING_MULTISHOT] = EVB_URING_OP_RECV | EVB_URING_OP_SEND | EVB_URING_BUF_RING |
			    EVB_URING_RECV_MULTI,
	[URING_BUNDLE] = EVB_URING_OP_RECV | EVB_URING_OP_SEND | EVB_URING_BUF_RING |
			 EVB_URING_RECV_MULTI | EVB_URING_RECV_BUNDLE,
	[URING_INC] = EVB_URING_OP_RECV | EVB_URING_OP_SEND | EVB_URING_BUF_RING |
		      EVB_URING_RECV_MULTI | EVB_URING_BUF_RING_INC,
};

static int io_uring_supported(const struct serve_cfg *cfg, char *reason, size_t len)
{
	unsigned needs = cfg ? io_uring_needs[cfg->variant_index] |
			       evb_uring_setup_needs((enum evb_uring_setup)cfg->uring_setup) : 0;

	return evb_uring_supported(needs, reason, len);
}

/* Every connection's socket into the ring's file table, slot = its index. */
static int files_register(struct serve_srv *s, struct uring_srv *u)
{
	int *fds = malloc((size_t)s->nconns * sizeof(*fds));
	int ret;

	if (!fds)
		return -ENOMEM;
	for (int64_t i = 0; i < s->nconns; i++)
		fds[i] = s->conns[i].fd;
	ret = io_uring_register_files(&u->ring, fds, (unsigned)s->nconns);
	free(fds);
	return ret;
}

int uring_conn_close(struct serve_srv *s, struct uring_srv *u, struct serve_conn *c)
{
	int none = -1;
	int ret = io_uring_register_files_update(&u->ring, (unsigned)(c - s->conns), &none, 1);

	if (c->fd >= 0)
		serve_conn_close(s, c);
	return ret < 0 ? serve_fail(s, "io_uring_register_files_update", -ret) : 0;
}

struct io_uring_sqe *uring_sqe(struct serve_srv *s, struct uring_srv *u)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);
	int ret;

	if (sqe)
		return sqe;
	ret = io_uring_submit(&u->ring);
	if (ret < 0) {
		u->error = serve_fail(s, "io_uring_submit", -ret);
		return NULL;
	}
	sqe = io_uring_get_sqe(&u->ring);
	if (!sqe)
		u->error = serve_fail(s, "io_uring_get_sqe", EBUSY);
	return sqe;
}

static int poll_arm(struct serve_srv *s, struct uring_srv *u, struct serve_conn *c)
{
	struct io_uring_sqe *sqe = uring_sqe(s, u);
	uint32_t idx = (uint32_t)(c - s->conns);

	if (!sqe)
		return u->error;
	io_uring_prep_poll_multishot(sqe, (int)idx, POLLIN);
	sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, URING_DATA(URING_OP_POLL, idx));
	u->uc[idx].reading = true;
	u->inflight++;
	return 0;
}

/* Remove the poll of a connection the server closed; its last CQE follows. */
static int poll_remove(struct serve_srv *s, struct uring_srv *u, uint32_t idx)
{
	struct io_uring_sqe *sqe = uring_sqe(s, u);

	if (!sqe)
		return u->error;
	io_uring_prep_poll_remove(sqe, URING_DATA(URING_OP_POLL, idx));
	io_uring_sqe_set_data64(sqe, URING_DATA(URING_OP_CANCEL, idx));
	u->inflight++;
	return 0;
}

/* A poll CQE: read what is there, answer, write; re-arm or remove. */
static int poll_cqe(struct serve_srv *s, struct uring_srv *u, struct serve_conn *c,
		    const struct io_uring_cqe *cqe)
{
	uint32_t idx = (uint32_t)(c - s->conns);
	struct uring_conn *uc = &u->uc[idx];
	int ret;

	if (!(cqe->flags & IORING_CQE_F_MORE))
		uc->reading = false;
	if (c->fd < 0)
		return 0;               /* closed, its removal under way */
	if (cqe->res < 0)
		return serve_fail(s, "io_uring poll", -cqe->res);
	ret = serve_conn_readable(s, c, SERVE_READ_FULL);
	if (ret < 0)
		return ret;
	if (ret == 1) {
		/* the client closed it (so did serve_conn_readable): its slot, its poll */
		ret = uring_conn_close(s, u, c);
		return ret || !uc->reading ? ret : poll_remove(s, u, idx);
	}
	return uc->reading ? 0 : poll_arm(s, u, c);
}

static int handle_cqe(struct serve_srv *s, struct uring_srv *u, const struct io_uring_cqe *cqe)
{
	uint64_t data = io_uring_cqe_get_data64(cqe);
	enum uring_kind kind = (enum uring_kind)(data >> 32);
	uint32_t idx = (uint32_t)data;

	if (idx >= s->nconns)
		return serve_fail(s, "io_uring cqe", EINVAL);
	if (!(cqe->flags & IORING_CQE_F_MORE))
		u->inflight--;
	switch (kind) {
	case URING_OP_POLL:
		return poll_cqe(s, u, &s->conns[idx], cqe);
	case URING_OP_RECV:
	case URING_OP_SEND:
		return uring_io_cqe(s, u, &s->conns[idx], kind, cqe);
	case URING_OP_CANCEL:
		/*
		 * Found, or the poll had ended: its own CQE says.  -EALREADY: the
		 * poll was running its wakeup (under DEFER_TASKRUN, task work this
		 * task had not run yet) and re-arms after it; ask again, or the
		 * armed poll on a closed connection would never post its last CQE.
		 */
		if (cqe->res == -EALREADY && u->uc[idx].reading)
			return poll_remove(s, u, idx);
		return 0;
	}
	return serve_fail(s, "io_uring cqe", EINVAL);
}

/* A CQE that brings input: readiness or received bytes, what epoll's wait reports. */
static bool is_input(const struct io_uring_cqe *cqe)
{
	enum uring_kind kind = (enum uring_kind)(io_uring_cqe_get_data64(cqe) >> 32);

	return (kind == URING_OP_POLL || kind == URING_OP_RECV) && cqe->res > 0;
}

/*
 * Every CQE waiting, in one pass; 1 when one of them brought input.  A pass
 * that found only send completions is no wakeup: epoll's send posts no
 * event, so counting those would charge io_uring a wakeup per response.
 */
static int reap(struct serve_srv *s, struct uring_srv *u)
{
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;
	bool input = false;
	int ret = 0;

	io_uring_for_each_cqe(&u->ring, head, cqe) {
		seen++;
		input = input || is_input(cqe);
		ret = handle_cqe(s, u, cqe);
		if (ret)
			break;
	}
	io_uring_cq_advance(&u->ring, seen);
	return ret ? ret : input;
}

static int uring_setup(struct serve_srv *s, struct uring_srv *u)
{
	int ret;

	u->variant = (enum uring_variant)s->cfg->variant_index;
	u->uc = calloc((size_t)s->nconns, sizeof(*u->uc));
	if (!u->uc)
		return -ENOMEM;
	ret = evb_uring_init(&u->ring, s->nconns, 2 * s->nconns,
			     (enum evb_uring_setup)s->cfg->uring_setup);
	if (ret)
		goto err_free_uc;
	ret = files_register(s, u);
	if (ret)
		goto err_exit_ring;
	ret = u->variant == URING_POLL ? 0 : uring_io_setup(s, u);
	if (ret)
		goto err_exit_ring;
	return 0;

err_exit_ring:
	io_uring_queue_exit(&u->ring);
err_free_uc:
	free(u->uc);
	return ret;
}

static int uring_start(struct serve_srv *s, struct uring_srv *u)
{
	if (u->variant != URING_POLL)
		return uring_io_start(s, u);
	for (int64_t i = 0; i < s->nconns; i++) {
		int ret = poll_arm(s, u, &s->conns[i]);

		if (ret)
			return ret;
	}
	return 0;
}

static int io_uring_serve(struct serve_srv *s)
{
	struct uring_srv u = { 0 };
	int ret = uring_setup(s, &u);

	if (ret)
		return serve_fail(s, "io_uring setup", -ret);
	ret = uring_start(s, &u);
	if (!ret) {   /* armed in the kernel before the client measures */
		ret = io_uring_submit(&u.ring);
		ret = ret < 0 ? serve_fail(s, "io_uring_submit (arming)", -ret) : 0;
	}
	if (!ret)
		serve_ready(s);
	while (!ret && (s->open > 0 || u.inflight > 0)) {
		if (u.inflight == 0) {
			ret = serve_fail(s, "io_uring loop (open connections, no request)", EDEADLK);
			break;
		}
		ret = io_uring_submit_and_wait(&u.ring, 1);
		/* CQEs waiting in the kernel's overflow list: the CQ was full */
		s->cq_overflows += io_uring_cq_has_overflow(&u.ring);
		if (ret == -EINTR) {
			ret = 0;
			continue;
		}
		if (ret < 0) {
			ret = serve_fail(s, "io_uring_submit_and_wait", -ret);
			break;
		}
		ret = reap(s, &u);
		if (ret == 1) {
			serve_woke(s);
			ret = 0;
		}
	}
	s->enobufs = u.dry;
	s->cq_overflows += *u.ring.cq.koverflow;   /* CQEs the kernel dropped */
	io_uring_queue_exit(&u.ring);
	if (u.variant != URING_POLL)
		uring_io_free(s, &u);
	free(u.uc);
	return ret;
}

#else /* !EVB_HAVE_LIBURING: listed, and every cell a skipped row */

static int io_uring_supported(const struct serve_cfg *cfg, char *reason, size_t len)
{
	(void)cfg;
	return evb_uring_supported(0, reason, len);
}

static int io_uring_serve(struct serve_srv *s)
{
	return serve_fail(s, "io_uring", ENOTSUP);
}

#endif

const struct serve_ops serve_io_uring_ops = {
	.base = {
		.name = "io_uring",
		.summary = "io_uring on registered files: multishot poll (readiness), or "
			   "recv/send, or multishot recv with a provided buffer ring (completion)",
		.variants = io_uring_variants,
		.traits = io_uring_traits,
		.uring = true,
	},
	.own_fds = 1,
	.supported = io_uring_supported,
	.serve = io_uring_serve,
};
