/*
 * uring_ring.h - the io_uring instance of io_uring.c: its sizes, its setup
 * flags, and whether io_uring (and multishot poll) works here at all.
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
#ifndef MUX_URING_RING_H
#define MUX_URING_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evb_config.h"

#if EVB_HAVE_LIBURING
#include <liburing.h>

/* io_uring_queue_init_params with the sizes above.  0 or -errno. */
int uring_ring_init(struct io_uring *ring, int64_t nfds, int64_t maxevents);
#endif

/*
 * Can io_uring run here (liburing at build time, kernel.io_uring_disabled,
 * a ring that sets up), and with multishot, does IORING_POLL_ADD_MULTI
 * work?  0, or -ENOTSUP with the reason.
 */
int uring_ring_supported(bool multishot, char *reason, size_t len);

#endif
