/*
 * uring_srv.h - the state of evb-serve's io_uring mechanism, shared by
 * io_uring.c (the ring, the loop, the poll variant) and uring_io.c (the
 * recv and multishot variants: receiving, taking the bytes, sending).
 * Requests name a connection by its slot in the ring's registered files,
 * its index (IOSQE_FIXED_FILE).
 */
#ifndef SERVE_URING_SRV_H
#define SERVE_URING_SRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evb_uring.h"
#include "serve.h"

#if EVB_HAVE_LIBURING

enum uring_variant {
	URING_POLL,
	URING_RECV,
	URING_MULTISHOT,
	URING_BUNDLE,     /* multishot, a CQE per bundle of buffers (6.10) */
	URING_INC,        /* multishot, buffers consumed a piece at a time (6.12) */
};

/* The variants that receive into a provided buffer ring. */
static inline bool uring_buffer_ring(enum uring_variant v)
{
	return v == URING_MULTISHOT || v == URING_BUNDLE || v == URING_INC;
}

/* user_data: the request's kind in the high half, the connection's index in the low. */
enum uring_kind {
	URING_OP_POLL = 1,
	URING_OP_RECV,
	URING_OP_SEND,
	URING_OP_CANCEL,
};
#define URING_DATA(kind, idx) ((uint64_t)(kind) << 32 | (uint32_t)(idx))

/* The provided buffer group of the multishot variant. */
#define URING_BGID 0

/* What the mechanism keeps per connection. */
struct uring_conn {
	bool reading;           /* its poll or recv request is live */
	bool sending;           /* a send of c->out[out_done .. + send_len) is */
	bool eof;               /* end of file seen: closed once neither is */
	size_t send_len;
	char *rbuf;             /* recv: the request's target, in_cap bytes */
	char *held;             /* received, not yet taken: c->out was full */
	size_t held_off;
	size_t held_len;
	size_t held_cap;
};

struct uring_srv {
	struct io_uring ring;
	enum uring_variant variant;
	struct uring_conn *uc;          /* one per connection */
	int64_t inflight;               /* requests queued or live (a multishot
					   one until its CQE without F_MORE) */
	int error;                      /* a failed submit while queueing */
	char *rbufs;                    /* recv: every connection's rbuf */
	/* multishot, bundle, inc: the provided buffer ring */
	struct io_uring_buf_ring *br;
	char *bufs;
	unsigned nbufs;
	size_t buf_size;
	uint64_t dry;                   /* recvs re-posted after it ran dry */
	unsigned added;                 /* buffers added to the ring so far */
	uint16_t *bid_at;               /* bundle: the buffer in each ring slot */
	unsigned *slot_of;              /* bundle: each buffer's slot (added count) */
	size_t *taken;                  /* inc: bytes of each buffer already handed out */
};

/*
 * Connection c reached its end: its registered slot emptied, its fd closed
 * (unless the caller did).  0 or -errno (recorded).
 */
int uring_conn_close(struct serve_srv *s, struct uring_srv *u, struct serve_conn *c);

/* An SQE, submitting what is queued when the SQ is full; NULL: u->error. */
struct io_uring_sqe *uring_sqe(struct serve_srv *s, struct uring_srv *u);

/* The recv buffers or the buffer ring of the completion variants.  0 or -errno. */
int uring_io_setup(struct serve_srv *s, struct uring_srv *u);
/* After the ring's exit: frees what uring_io_setup and the connections hold. */
void uring_io_free(struct serve_srv *s, struct uring_srv *u);
/* The first recv of every connection.  0 or -errno. */
int uring_io_start(struct serve_srv *s, struct uring_srv *u);
/* A recv or send CQE of connection c.  0 or -errno (recorded). */
int uring_io_cqe(struct serve_srv *s, struct uring_srv *u, struct serve_conn *c,
		 enum uring_kind kind, const struct io_uring_cqe *cqe);

#endif
#endif
