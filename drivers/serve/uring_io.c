/*
 * uring_io.c - the completion variants of evb-serve's io_uring mechanism
 * (recv, multishot): the kernel reads into memory the mechanism owns, the
 * bytes go to serve_conn_input, the responses leave by IORING_OP_SEND, one
 * send in flight per connection so that they leave in order.
 *
 * bundle and inc receive into the same buffer ring as multishot: a bundle
 * CQE covers res bytes over consecutive slots of the ring from its first
 * buffer (IORING_RECVSEND_BUNDLE, 6.10), so the mechanism keeps which
 * buffer it put in each slot; an inc ring (IOU_PBUF_RING_INC, 6.12) hands
 * a buffer out a piece at a time, each CQE's bytes following the last
 * one's in it, and the buffer goes back once a CQE comes without
 * IORING_CQE_F_BUF_MORE.
 *
 * Taking bytes: serve_conn_input is fed at most what completes the whole
 * requests whose responses c->out still has room for (and never more than
 * c->in can hold), so it never has to move c->out[out_done .. out_have)
 * while a send of it is in flight.  What it cannot take yet is held, in
 * order, and taken when a send completes; meanwhile the recv variant posts
 * no new recv (the socket's buffer pushes back on the client), the
 * multishot variant holds on to later bytes too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "uring_srv.h"

#if EVB_HAVE_LIBURING

#define BUF_MIN 4096
#define BUFS_MIN 64u
#define BUFS_MAX 4096u
#define BUFS_BYTES_MAX (64u << 20)

static uint32_t conn_index(const struct serve_srv *s, const struct serve_conn *c)
{
	return (uint32_t)(c - s->conns);
}

/* Put buffer bid (back) at the ring's tail, whole, noting its slot. */
static void buf_give(struct uring_srv *u, uint16_t bid)
{
	unsigned mask = (unsigned)io_uring_buf_ring_mask(u->nbufs);

	io_uring_buf_ring_add(u->br, u->bufs + (size_t)bid * u->buf_size, (unsigned)u->buf_size,
			      bid, (int)mask, 0);
	io_uring_buf_ring_advance(u->br, 1);
	if (u->bid_at) {
		u->bid_at[u->added & mask] = bid;
		u->slot_of[bid] = u->added;
	}
	if (u->taken)
		u->taken[bid] = 0;
	u->added++;
}

/*
 * Multishot: a buffer ring for every active connection's outstanding
 * requests twice over (a power of two, 64 .. 4096 buffers of
 * max(msg_size, 4 KiB), at most 64 MiB in all).
 */
static int bufs_setup(struct serve_srv *s, struct uring_srv *u)
{
	const struct serve_cfg *cfg = s->cfg;
	int64_t want = 2 * cfg->active * (cfg->depth > 0 ? cfg->depth : 1);
	int ret;

	u->buf_size = cfg->msg_size > BUF_MIN ? (size_t)cfg->msg_size : BUF_MIN;
	u->nbufs = BUFS_MIN;
	while (u->nbufs < want && u->nbufs < BUFS_MAX)
		u->nbufs <<= 1;
	while (u->nbufs > BUFS_MIN && u->nbufs * u->buf_size > BUFS_BYTES_MAX)
		u->nbufs >>= 1;
	u->bufs = malloc(u->nbufs * u->buf_size);
	if (u->variant == URING_BUNDLE) {
		u->bid_at = calloc(u->nbufs, sizeof(*u->bid_at));
		u->slot_of = calloc(u->nbufs, sizeof(*u->slot_of));
	} else if (u->variant == URING_INC) {
		u->taken = calloc(u->nbufs, sizeof(*u->taken));
	}
	if (!u->bufs || (u->variant == URING_BUNDLE && (!u->bid_at || !u->slot_of)) ||
	    (u->variant == URING_INC && !u->taken))
		return -ENOMEM;   /* uring_io_free frees what was made */
	ret = evb_uring_buf_ring_setup_flags(&u->ring, u->nbufs, URING_BGID,
					     u->variant == URING_INC ? EVB_IOU_PBUF_RING_INC : 0,
					     &u->br);
	if (ret) {
		u->br = NULL;
		return ret;
	}
	for (unsigned i = 0; i < u->nbufs; i++)
		buf_give(u, (uint16_t)i);
	return 0;
}

int uring_io_setup(struct serve_srv *s, struct uring_srv *u)
{
	size_t cap = s->nconns ? s->conns[0].in_cap : 0;

	if (uring_buffer_ring(u->variant))
		return bufs_setup(s, u);
	/* one block, touched only where a connection receives */
	u->rbufs = malloc((size_t)s->nconns * cap);
	if (!u->rbufs)
		return -ENOMEM;
	for (int64_t i = 0; i < s->nconns; i++)
		u->uc[i].rbuf = u->rbufs + (size_t)i * cap;
	return 0;
}

void uring_io_free(struct serve_srv *s, struct uring_srv *u)
{
	for (int64_t i = 0; i < s->nconns; i++)
		free(u->uc[i].held);
	if (u->br)
		evb_uring_buf_ring_free(NULL, u->br, u->nbufs, URING_BGID);
	free(u->bufs);
	free(u->rbufs);
	free(u->bid_at);
	free(u->slot_of);
	free(u->taken);
}

static int post_recv(struct serve_srv *s, struct uring_srv *u, struct serve_conn *c)
{
	struct io_uring_sqe *sqe = uring_sqe(s, u);
	uint32_t idx = conn_index(s, c);

	if (!sqe)
		return u->error;
	if (uring_buffer_ring(u->variant)) {
		io_uring_prep_recv_multishot(sqe, (int)idx, NULL, 0, 0);
		sqe->flags |= IOSQE_BUFFER_SELECT;
		sqe->buf_group = URING_BGID;
		if (u->variant == URING_BUNDLE)
			sqe->ioprio |= EVB_IORING_RECVSEND_BUNDLE;
	} else {
		io_uring_prep_recv(sqe, (int)idx, u->uc[idx].rbuf, c->in_cap, 0);
	}
	sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, URING_DATA(URING_OP_RECV, idx));
	u->uc[idx].reading = true;
	u->inflight++;
	return 0;
}

/* Send what c->out holds unsent, unless a send is in flight already. */
static int post_send(struct serve_srv *s, struct uring_srv *u, struct serve_conn *c)
{
	uint32_t idx = conn_index(s, c);
	struct uring_conn *uc = &u->uc[idx];
	struct io_uring_sqe *sqe;

	if (uc->sending || c->out_have == c->out_done)
		return 0;
	sqe = uring_sqe(s, u);
	if (!sqe)
		return u->error;
	uc->send_len = c->out_have - c->out_done;
	io_uring_prep_send(sqe, (int)idx, c->out + c->out_done, uc->send_len, MSG_NOSIGNAL);
	sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, URING_DATA(URING_OP_SEND, idx));
	uc->sending = true;
	u->inflight++;
	return 0;
}

int uring_io_start(struct serve_srv *s, struct uring_srv *u)
{
	for (int64_t i = 0; i < s->nconns; i++) {
		int ret = post_recv(s, u, &s->conns[i]);

		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Feed serve_conn_input what c->out has room to answer (see the top).
 * Returns the bytes it took, or -errno.
 */
static ssize_t feed(struct serve_srv *s, struct serve_conn *c, const char *data, size_t n)
{
	size_t msg = (size_t)s->cfg->msg_size, taken = 0;

	while (taken < n) {
		size_t room = c->out_cap - c->out_have;
		size_t limit = (room / msg + 1) * msg - 1;     /* c->in after: completes room / msg */
		size_t k;
		int ret;

		if (limit > c->in_cap)
			limit = c->in_cap;
		if (limit <= c->in_have)
			break;
		k = limit - c->in_have < n - taken ? limit - c->in_have : n - taken;
		ret = serve_conn_input(s, c, data + taken, k);
		if (ret < 0 && ret != -ENOBUFS)
			return ret;
		taken += k;             /* -ENOBUFS too: appended, answered later */
		if (ret < 0)
			break;
	}
	return (ssize_t)taken;
}

/* Keep data[0 .. n) after what c already holds. */
static int hold(struct serve_srv *s, struct uring_conn *uc, const char *data, size_t n)
{
	size_t kept = uc->held_len - uc->held_off;

	if (uc->held_off) {
		memmove(uc->held, uc->held + uc->held_off, kept);
		uc->held_off = 0;
		uc->held_len = kept;
	}
	if (kept + n > uc->held_cap) {
		size_t cap = uc->held_cap ? uc->held_cap : 4096;
		char *more;

		while (cap < kept + n)
			cap *= 2;
		more = realloc(uc->held, cap);
		if (!more)
			return serve_fail(s, "realloc", ENOMEM);
		uc->held = more;
		uc->held_cap = cap;
	}
	memcpy(uc->held + kept, data, n);
	uc->held_len = kept + n;
	return 0;
}

/* Take what c holds, as far as c->out has room. */
static int take_held(struct serve_srv *s, struct serve_conn *c, struct uring_conn *uc)
{
	ssize_t took;

	if (uc->held_off == uc->held_len)
		return 0;
	took = feed(s, c, uc->held + uc->held_off, uc->held_len - uc->held_off);
	if (took < 0)
		return (int)took;
	uc->held_off += (size_t)took;
	if (uc->held_off == uc->held_len)
		uc->held_off = uc->held_len = 0;
	return 0;
}

/* n bytes arrived for c: answer what can be, hold the rest, send. */
static int take(struct serve_srv *s, struct uring_srv *u, struct serve_conn *c,
		const char *data, size_t n)
{
	struct uring_conn *uc = &u->uc[conn_index(s, c)];
	ssize_t took = 0;
	int ret;

	if (uc->held_off != uc->held_len) {
		ret = hold(s, uc, data, n);
		if (!ret)
			ret = take_held(s, c, uc);
	} else {
		took = feed(s, c, data, n);
		ret = took < 0 ? (int)took : 0;
		if (!ret && (size_t)took < n)
			ret = hold(s, uc, data + took, n - (size_t)took);
	}
	if (ret)
		return ret;
	if (!uc->sending && c->out_have == c->out_done && uc->held_off != uc->held_len)
		return serve_fail(s, "serve_conn_input", ENOBUFS);     /* would never drain */
	return post_send(s, u, c);
}

/* Close c once end of file was seen and none of its requests is live. */
static int close_if_done(struct serve_srv *s, struct uring_srv *u, struct serve_conn *c,
			 struct uring_conn *uc)
{
	if (c->fd >= 0 && uc->eof && !uc->reading && !uc->sending)
		return uring_conn_close(s, u, c);
	return 0;
}

static int recv_cqe(struct serve_srv *s, struct uring_srv *u, struct serve_conn *c,
		    struct uring_conn *uc, const struct io_uring_cqe *cqe)
{
	int ret = 0;

	uc->reading = false;
	if (cqe->res < 0)
		return serve_fail(s, "io_uring recv", -cqe->res);
	if (cqe->res == 0)
		uc->eof = true;
	else
		ret = take(s, u, c, uc->rbuf, (size_t)cqe->res);
	if (!ret && !uc->eof && uc->held_off == uc->held_len)
		ret = post_recv(s, u, c);
	return ret;
}

/*
 * The bytes of a CQE that names buffer bid: taken (or copied to held), and
 * the buffers given back at once -- one (multishot), every one the bundle
 * spans (bundle), or the one that filled up (inc).
 */
static int take_buffers(struct serve_srv *s, struct uring_srv *u, struct serve_conn *c,
			struct uring_conn *uc, const struct io_uring_cqe *cqe, uint16_t bid)
{
	unsigned mask = (unsigned)io_uring_buf_ring_mask(u->nbufs);
	size_t left = cqe->res > 0 ? (size_t)cqe->res : 0;
	int ret = 0;

	if (u->variant == URING_INC) {
		char *at = u->bufs + (size_t)bid * u->buf_size + u->taken[bid];

		if (left && !uc->eof)
			ret = take(s, u, c, at, left);
		u->taken[bid] += left;
		if (!(cqe->flags & EVB_IORING_CQE_F_BUF_MORE))
			buf_give(u, bid);
		return ret;
	}
	/* multishot: one buffer; bundle: consecutive slots from bid's */
	unsigned slot = u->bid_at ? u->slot_of[bid] : 0;
	unsigned n = u->bid_at && left ? (unsigned)((left + u->buf_size - 1) / u->buf_size) : 1;
	uint16_t bids[BUFS_MAX];

	for (unsigned i = 0; i < n; i++)   /* before a give-back reuses a slot */
		bids[i] = i ? u->bid_at[(slot + i) & mask] : bid;
	for (unsigned i = 0; i < n; i++) {
		size_t piece = left < u->buf_size ? left : u->buf_size;

		if (piece && !uc->eof && !ret)
			ret = take(s, u, c, u->bufs + (size_t)bids[i] * u->buf_size, piece);
		left -= piece;
		buf_give(u, bids[i]);
	}
	return ret;
}

static int multishot_cqe(struct serve_srv *s, struct uring_srv *u, struct serve_conn *c,
			 struct uring_conn *uc, const struct io_uring_cqe *cqe)
{
	int ret = 0;

	if (!(cqe->flags & IORING_CQE_F_MORE))
		uc->reading = false;
	if (cqe->flags & IORING_CQE_F_BUFFER) {
		ret = take_buffers(s, u, c, uc, cqe,
				   (uint16_t)(cqe->flags >> IORING_CQE_BUFFER_SHIFT));
		if (ret)
			return ret;
	}
	if (cqe->res == -ENOBUFS)
		u->dry++;
	else if (cqe->res < 0)
		return serve_fail(s, "io_uring multishot recv", -cqe->res);
	else if (cqe->res == 0)
		uc->eof = true;
	if (!uc->reading && !uc->eof)
		ret = post_recv(s, u, c);
	return ret;
}

/*
 * A send completed: the peer's close may fail a send still in flight, which
 * is no error; otherwise the rest (a short send, the socket full, counts as
 * a blocked write), and what c held, go next.
 */
static int send_cqe(struct serve_srv *s, struct uring_srv *u, struct serve_conn *c,
		    struct uring_conn *uc, const struct io_uring_cqe *cqe)
{
	int ret;

	uc->sending = false;
	if (uc->eof)
		return 0;
	if (cqe->res <= 0)
		return serve_fail(s, "io_uring send", cqe->res ? -cqe->res : EIO);
	if ((size_t)cqe->res < uc->send_len)
		s->blocked_writes++;    /* the socket was full: the rest waits */
	serve_conn_sent(c, (size_t)cqe->res);
	ret = 0;
	if (c->in_have >= (size_t)s->cfg->msg_size) {
		/* whole requests an -ENOBUFS left: no send in flight, c->out may move */
		ret = serve_conn_input(s, c, NULL, 0);
		ret = ret == -ENOBUFS ? 0 : ret;
	}
	if (ret >= 0)
		ret = take_held(s, c, uc);
	if (!ret)
		ret = post_send(s, u, c);
	if (!ret && u->variant == URING_RECV && !uc->reading && uc->held_off == uc->held_len)
		ret = post_recv(s, u, c);
	return ret;
}

int uring_io_cqe(struct serve_srv *s, struct uring_srv *u, struct serve_conn *c,
		 enum uring_kind kind, const struct io_uring_cqe *cqe)
{
	struct uring_conn *uc = &u->uc[conn_index(s, c)];
	int ret;

	if (kind == URING_OP_SEND)
		ret = send_cqe(s, u, c, uc, cqe);
	else if (uring_buffer_ring(u->variant))
		ret = multishot_cqe(s, u, c, uc, cqe);
	else
		ret = recv_cqe(s, u, c, uc, cqe);
	return ret ? ret : close_if_done(s, u, c, uc);
}

#endif
