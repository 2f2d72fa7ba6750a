/*
 * ring.h - the io_uring side of the notify mechanisms whose waiter sleeps
 * in a ring (io_uring-msg-ring, io_uring-futex, io_uring-read): a ring per
 * side, each waited on by its side only.
 *
 * A makes both rings before B starts (evb_uring_init_handed, the
 * uring_setup axis), so a fork()ed B inherits its ring and A's ring fd,
 * which MSG_RING targets.  Under the defer setup a ring has one issuer: it
 * starts disabled and its side enables it on first use (notify_ring_get),
 * which makes that thread or process its submitter; it does so before the
 * sides first meet (notify_ring_side_init), since a MSG_RING into a ring
 * still disabled fails.  A mechanism's state starts with its struct
 * notify_ring, so that side_init finds it.
 *
 * A side waits in one of two ways: in io_uring_enter for a CQE (an
 * io_uring loop), or, when the mechanism's variant says the waiter is an
 * epoll loop, in epoll_wait on an eventfd the ring signals
 * (io_uring_register_eventfd): then it reads the eventfd and reaps the
 * ring, the way an epoll loop takes in a ring's completions.
 *
 * Completions a side's ring carries are tagged by user_data: RING_MSG for
 * a message or a wake that counts as a notification, RING_ARM for the
 * waiter's own armed request, RING_SEND for the sender's request (posted
 * only when it fails: IOSQE_CQE_SKIP_SUCCESS).
 */
#ifndef NOTIFY_RING_H
#define NOTIFY_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "evb_uring.h"
#include "notify.h"

enum {
	RING_MSG = 0x6e6d7367,    /* "nmsg" */
	RING_ARM = 0x6e61726d,    /* "narm" */
	RING_SEND = 0x6e736e64,   /* "nsnd" */
};

#if EVB_HAVE_LIBURING

struct notify_ring {
	struct io_uring ring[2];   /* ring[side]: what side waits on */
	bool made[2];
	bool disabled[2];          /* its side must enable it (defer) */
	bool armed[2];             /* side's ring holds its RING_ARM request
				      (each side's copy after fork) */
	bool epoll;                /* the waiter is an epoll loop */
	int efd[2];                /* epoll: the eventfd ring[side] signals */
	int epfd[2];               /* epoll: side's epoll set, holding efd[side] */
};

/*
 * Both rings for cfg's uring_setup; with epoll, each with its eventfd in
 * an epoll set.  0 or -errno.
 */
int notify_ring_setup(struct notify_ring *r, const struct notify_cfg *cfg, bool epoll);
void notify_ring_teardown(struct notify_ring *r);
/* Side self's ring, enabled by self on first use; NULL and *err on failure. */
struct io_uring *notify_ring_get(struct notify_ring *r, enum notify_side self, int *err);
/* The other side's ring fd, which a MSG_RING targets. */
int notify_ring_fd(const struct notify_ring *r, enum notify_side side);

/*
 * Submit what side self's ring has queued and wait for a completion, in
 * io_uring_enter or in epoll_wait (see the top): timeout_ns < 0 blocks, 0
 * only looks (running pending completion work first), > 0 waits at most
 * that long.  1 when the CQ holds a completion, 0 when none came (timed
 * out, interrupted), -errno.
 */
int notify_ring_wait(struct notify_ring *r, enum notify_side self, int64_t timeout_ns);

/*
 * Reap every completion the CQ holds: messages (RING_MSG) are counted into
 * *msgs, the armed request's (RING_ARM) clears *armed when armed is not
 * NULL, a failed send (RING_SEND) is an error.  The first error's -errno,
 * else 0.  arm_res gets the armed request's result.
 */
int notify_ring_reap(struct io_uring *ring, int64_t *msgs, bool *armed, int *arm_res);

/*
 * The wait of a side that keeps one request armed in its ring (RING_ARM:
 * a read, a futex wait): when none is, prep(sqe, arg) fills one; then
 * notify_ring_wait submits it and waits up to timeout_ns, and what came is
 * reaped.  1 when the armed request completed (*res its result), 0 when it
 * did not (it stays armed), -errno (a message in this ring: -EPROTO).
 */
int notify_ring_wait_armed(struct notify_ring *r, enum notify_side self, int64_t timeout_ns,
			   void (*prep)(struct io_uring_sqe *sqe, const void *arg),
			   const void *arg, int *res);

/* Submit the queued SQEs: 0, or -errno (-EBUSY counts as nothing sent). */
int notify_ring_submit(struct io_uring *ring);
/* An SQE of ring, zeroed; NULL when the SQ is full even after a submit. */
struct io_uring_sqe *notify_ring_sqe(struct io_uring *ring);

#endif

/* notify_ops.side_init for a mechanism whose priv starts with its rings. */
int notify_ring_side_init(struct notify_ctx *ctx, enum notify_side self);

/* Can a ring with cfg's setup and `features` run here?  As evb_uring_supported. */
int notify_ring_supported(const struct notify_cfg *cfg, unsigned features, char *reason,
			  size_t len);

#endif
