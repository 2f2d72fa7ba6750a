/*
 * evb_uring.h - the io_uring instances of evb-mux, evb-serve and evb-timer:
 * their sizes, their setup flags, a provided buffer ring, how a
 * zero-timeout reaper gets every completion, and whether io_uring (and each
 * feature a mechanism needs) works here at all.
 *
 * Sizes: SQ maxevents entries (at most 4096: a batch of re-arms, more are
 * submitted as it fills); CQ 2 x nfds (at least the SQ, at most 65536),
 * sized for the requests in flight as io_uring_setup(2) advises.
 *
 * Setups (the uring_setup axis, --uring-setup):
 *   default  no task-run flags: completion work (turning a wakeup into a
 *            CQE) is task work the kernel signals to the ring's task, which
 *            runs it as soon as it enters or leaves the kernel, interrupting
 *            it with an IPI when it runs elsewhere.
 *   coop     IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG (Linux
 *            5.19): no interruption; the work waits for the task's next
 *            kernel entry, and the TASKRUN flag in the SQ ring tells a
 *            reaper that work is pending (liburing's peeks enter for it).
 *   defer    IORING_SETUP_SINGLE_ISSUER (6.0) | IORING_SETUP_DEFER_TASKRUN
 *            (6.1), what liburing's authors advise for a server: the work
 *            runs only when the ring's own task asks for it, with an
 *            io_uring_enter carrying IORING_ENTER_GETEVENTS (a wait, or
 *            io_uring_get_events).  The ring must be created by (or, made
 *            IORING_SETUP_R_DISABLED, enabled by) the one thread that
 *            submits and reaps: every driver here creates it in that thread.
 *            A reaper that peeks without waiting must ask first, and may
 *            have to ask more than once: on recent kernels (measured on
 *            6.18) one call that waits for no completion runs at most 20
 *            items of pending work (the rest wait for the next call), so
 *            evb_uring_get_events asks again while the last call added CQEs.
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
	EVB_URING_COOP_TASKRUN = 1u << 6, /* IORING_SETUP_COOP_TASKRUN,
					     IORING_SETUP_TASKRUN_FLAG (5.19) */
	EVB_URING_SINGLE_ISSUER = 1u << 7, /* IORING_SETUP_SINGLE_ISSUER (6.0) */
	EVB_URING_DEFER_TASKRUN = 1u << 8, /* IORING_SETUP_DEFER_TASKRUN (6.1) */
};

/* The ring's setup flags: the uring_setup axis (see the top). */
enum evb_uring_setup {
	EVB_URING_SETUP_DEFAULT,
	EVB_URING_SETUP_COOP,
	EVB_URING_SETUP_DEFER,
};

/* "default", "coop", "defer", NULL: the axis's values, in the enum's order. */
extern const char *const evb_uring_setup_names[];

/* The features (enum evb_uring_feature) a setup needs of the kernel. */
unsigned evb_uring_setup_needs(enum evb_uring_setup setup);

#if EVB_HAVE_LIBURING
#include <liburing.h>

/*
 * io_uring_queue_init_params with the sizes and the setup's flags above,
 * in the thread that will submit and reap.  0 or -errno.
 */
int evb_uring_init(struct io_uring *ring, int64_t nfds, int64_t maxevents,
		   enum evb_uring_setup setup);

/*
 * A zero-timeout reaper's way to the completions: submit what is queued and
 * run the pending completion work (io_uring_submit_and_get_events), so that
 * the CQ holds every completion that was due when it was called.  Under
 * defer, while a call added CQEs and fewer than `want` are waiting, it asks
 * again (the kernel's cap per call, see the top).  Returns the calls made
 * (>= 1), or -errno.
 */
int evb_uring_get_events(struct io_uring *ring, unsigned want);

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
