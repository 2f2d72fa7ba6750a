/*
 * evb_uring.h - the io_uring instances of evb-mux and evb-serve: their
 * sizes, their setup flags, a provided buffer ring, and whether io_uring
 * (and each feature a mechanism needs) works here at all.
 *
 * Sizes: SQ maxevents entries (at most 4096: a batch of re-arms, more are
 * submitted as it fills); CQ 2 x nfds (at least the SQ, at most 65536),
 * sized for the requests in flight as io_uring_setup(2) advises.
 * Setup: the default, so completion work (turning a wakeup into a CQE) runs
 * as task work of the waiting thread as soon as it enters or leaves the
 * kernel.  Not IORING_SETUP_DEFER_TASKRUN: with it, a zero-timeout
 * io_uring_enter on a 6.x kernel ran only part of the pending work, and the
 * call did not list every ready fd (measured as lost events).
 */
#ifndef EVB_URING_H
#define EVB_URING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evb_config.h"

/* What a mechanism needs of the kernel beyond a ring that sets up. */
enum evb_uring_feature {
	EVB_URING_OP_POLL = 1u << 0,      /* IORING_OP_POLL_ADD (5.1) */
	EVB_URING_OP_RECV = 1u << 1,      /* IORING_OP_RECV (5.6) */
	EVB_URING_OP_SEND = 1u << 2,      /* IORING_OP_SEND (5.6) */
	EVB_URING_POLL_MULTI = 1u << 3,   /* IORING_POLL_ADD_MULTI (5.13) */
	EVB_URING_BUF_RING = 1u << 4,     /* provided buffer rings (5.19) */
	EVB_URING_RECV_MULTI = 1u << 5,   /* IORING_RECV_MULTISHOT (6.0) */
};

#if EVB_HAVE_LIBURING
#include <liburing.h>

/* io_uring_queue_init_params with the sizes above.  0 or -errno. */
int evb_uring_init(struct io_uring *ring, int64_t nfds, int64_t maxevents);

/*
 * A provided buffer ring of `entries` (a power of two) slots, registered
 * as group bgid, empty (the caller adds its buffers).  What liburing 2.4's
 * io_uring_setup_buf_ring does, for older liburing too.  0 or -errno
 * (-EINVAL: the kernel has no buffer rings).
 */
int evb_uring_buf_ring_setup(struct io_uring *ring, unsigned entries, int bgid,
			     struct io_uring_buf_ring **br);
/*
 * Unregister and unmap what evb_uring_buf_ring_setup made; ring NULL when
 * the ring has already exited (which dropped the registration): unmap only.
 */
void evb_uring_buf_ring_free(struct io_uring *ring, struct io_uring_buf_ring *br,
			     unsigned entries, int bgid);
#endif

/*
 * Can io_uring run here (liburing at build time, kernel.io_uring_disabled,
 * a ring that sets up), with every feature in `features` (a mask of
 * enum evb_uring_feature)?  0, or -ENOTSUP with the reason naming the first
 * one missing and the kernel it needs.
 */
int evb_uring_supported(unsigned features, char *reason, size_t len);

#endif
