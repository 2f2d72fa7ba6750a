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
	EVB_URING_OP_READ = 1u << 9,      /* IORING_OP_READ (5.6) */
	EVB_URING_OP_MSG_RING = 1u << 10, /* IORING_OP_MSG_RING (5.18) */
	EVB_URING_OP_FUTEX = 1u << 11,    /* IORING_OP_FUTEX_WAIT, _WAKE (6.7) */
	EVB_URING_OP_WAITID = 1u << 12,   /* IORING_OP_WAITID (6.7) */
	EVB_URING_MSG_RING_SYNC = 1u << 13, /* MSG_RING without a ring of one's own:
					       IORING_REGISTER_SEND_MSG_RING (6.13) */
	EVB_URING_OP_EPOLL_WAIT = 1u << 14, /* IORING_OP_EPOLL_WAIT (6.15) */
	EVB_URING_RECV_BUNDLE = 1u << 15, /* IORING_RECVSEND_BUNDLE (6.10) */
	EVB_URING_BUF_RING_INC = 1u << 16, /* IOU_PBUF_RING_INC (6.12) */
};

/*
 * The kernel's ABI numbers for what came after liburing 2.3 (Debian 12's):
 * its headers lack these opcodes and helpers, so the mechanisms fill the
 * SQE fields themselves (include/uapi/linux/io_uring.h of the kernel that
 * brought each).
 */
#define EVB_IORING_OP_WAITID 50             /* 6.7 */
#define EVB_IORING_OP_FUTEX_WAIT 51         /* 6.7 */
#define EVB_IORING_OP_FUTEX_WAKE 52         /* 6.7 */
#define EVB_IORING_OP_EPOLL_WAIT 59         /* 6.15 */
#define EVB_IORING_REGISTER_SEND_MSG_RING 31  /* 6.13 */
#define EVB_IORING_RECVSEND_BUNDLE (1u << 4)  /* sqe->ioprio, 6.10 */
#define EVB_IORING_FEAT_RECVSEND_BUNDLE (1u << 14)
#define EVB_IOU_PBUF_RING_INC 2u              /* io_uring_buf_reg.flags, 6.12 */
#define EVB_IORING_CQE_F_BUF_MORE (1u << 4)   /* 6.12 */

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

/* ns as the kernel's timespec, for io_uring's timeouts (a TIMEOUT's, a wait's). */
static inline struct __kernel_timespec evb_uring_ts(int64_t ns)
{
	return (struct __kernel_timespec){ .tv_sec = ns / 1000000000LL,
					   .tv_nsec = ns % 1000000000LL };
}

/*
 * io_uring_queue_init_params with the sizes and the setup's flags above,
 * in the thread that will submit and reap.  0 or -errno.
 */
int evb_uring_init(struct io_uring *ring, int64_t nfds, int64_t maxevents,
		   enum evb_uring_setup setup);
/* A small default ring for a probe: not the run's, so not recorded for its
 * row (evb_uring_flags_text).  0 or -errno. */
int evb_uring_probe_ring(struct io_uring *ring);
/*
 * The same, for a ring made by one thread and used by another: under a
 * setup that names one issuer (defer) the ring starts disabled
 * (IORING_SETUP_R_DISABLED, 5.10) and the thread or process that will
 * submit and reap enables it (io_uring_enable_rings), which makes it the
 * issuer; *disabled says whether that call is due.  0 or -errno.
 */
int evb_uring_init_handed(struct io_uring *ring, int64_t nfds, int64_t maxevents,
			  enum evb_uring_setup setup, bool *disabled);
/* Enable a ring made disabled, making the caller its issuer: 0 or -errno.
 * (IORING_REGISTER_ENABLE_RINGS directly: liburing 2.3's library lacks
 * the io_uring_enable_rings its header declares.) */
int evb_uring_enable(struct io_uring *ring);
/*
 * A MSG_RING data message to the ring `fd`, made without a ring of the
 * sender's own (IORING_REGISTER_SEND_MSG_RING, 6.13): the target's CQE
 * carries user_data `data` and res `res`.  0 or -errno.
 */
int evb_uring_msg_ring_sync(int fd, uint64_t data, int32_t res);

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
/* The same with the registration's flags (EVB_IOU_PBUF_RING_INC). */
int evb_uring_buf_ring_setup_flags(struct io_uring *ring, unsigned entries, int bgid,
				   unsigned flags, struct io_uring_buf_ring **br);
/*
 * Unregister and unmap what evb_uring_buf_ring_setup made; ring NULL when
 * the ring has already exited (which dropped the registration): unmap only.
 */
void evb_uring_buf_ring_free(struct io_uring *ring, struct io_uring_buf_ring *br,
			     unsigned entries, int bgid);
#endif

/*
 * What the kernel took for the rings this driver made, for the row's
 * uring_flags column: the setup flags of the last ring made through
 * evb_uring_init or evb_uring_init_handed (as the kernel returned them,
 * after liburing's own fallbacks: liburing 2.6 and later add
 * IORING_SETUP_NO_SQARRAY and drop it where the kernel refuses it), e.g.
 * "CQSIZE|CLAMP|SINGLE_ISSUER|DEFER_TASKRUN"; "" when none was made.  The
 * record lives in shared memory that evb_uring_record_init makes before
 * any side forks, so a ring made in a fork()ed side counts too.
 */
void evb_uring_record_init(void);
void evb_uring_flags_text(char *buf, size_t len);
/*
 * The kernel's io_uring as IORING_REGISTER_PROBE and a default ring report
 * it, for env.csv: the opcodes it supports (their names, space-separated)
 * and the features (IORING_FEAT_* names).  0, or -errno with both "".
 */
int evb_uring_describe(char *ops, size_t ops_len, char *features, size_t features_len);

/*
 * Can io_uring run here (liburing at build time, kernel.io_uring_disabled,
 * a ring that sets up), with every feature in `features` (a mask of
 * enum evb_uring_feature)?  0, or -ENOTSUP with the reason naming the first
 * one missing and the kernel it needs.
 */
int evb_uring_supported(unsigned features, char *reason, size_t len);

#endif
