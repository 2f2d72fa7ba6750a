/*
 * timer.h - the timer family: how late does each way of waking up on time
 * actually wake up.
 *
 * Every mechanism serves the same schedule of absolute CLOCK_MONOTONIC
 * deadlines, computed once from t0 (one period after the start):
 *
 *     deadline(i, k) = t0 + i * period / timers + k * period
 *
 *   deadline k   k+1       k+2       k+3
 *   ---|---------|---------|---------|---------> CLOCK_MONOTONIC
 *      |<-->| lateness_ns = clock after the wait returned - deadline k
 *         wait returns; main.c reads the clock; one sample
 *
 *   a wakeup more than one period late (here after k+2 has passed):
 *   ---|---------|---------|---------|--------->
 *      |<--------------------->|
 *                  k+1 and k+2 are overruns (missed), the next deadline
 *                  waited for is k+3 -- cyclictest's skip-ahead
 *
 * A mechanism either blocks until a deadline it is given (clock_nanosleep,
 * the poll-family timeouts, io_uring: a one-shot wait per deadline) or owns
 * a kernel timer armed once for the whole schedule (timerfd, POSIX timers)
 * whose wait reports how many periods have expired.  main.c holds the
 * schedule, the skip-ahead and the overrun count; a mechanism file holds only
 * its ops table below.
 */
#ifndef TIMER_H
#define TIMER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "evb_driver.h"

struct timer_cfg {
	const char *variant;    /* "" when the mechanism has none */
	int variant_index;
	int64_t period_ns;
	int64_t timers;         /* 1, or --timers for a mechanism with .multi */
	pid_t waiter_tid;       /* the thread that waits (SIGEV_THREAD_ID) */
	int uring_setup;        /* io_uring-timeout: enum evb_uring_setup */
};

struct timer_ctx {
	const struct timer_cfg *cfg;
	void *priv;             /* the mechanism's state */
};

/* One timer that went off. */
struct timer_fire {
	int64_t timer;          /* 0 .. timers - 1 */
	/*
	 * Periods the mechanism itself says have expired since its last report
	 * (>= 1): a timerfd read() value, or 1 + timer_getoverrun().  0 from a
	 * one-shot wait, which knows nothing of periods.
	 */
	int64_t expirations;
};

struct timer_ops {
	struct evb_mech base;
	bool multi;             /* takes --timers N (N timers in one wait) */
	/*
	 * Can this mechanism run with cfg here?  cfg is NULL for "on this
	 * machine at all" (--list).  0, or -ENOTSUP with a reason.  Optional.
	 */
	int (*supported)(const struct timer_cfg *cfg, char *reason, size_t len);
	/*
	 * Create what the wait needs; runs in the waiting thread before any
	 * other thread exists, so signals it blocks stay blocked everywhere.
	 * 0 or -errno.  Optional.
	 */
	int (*setup)(struct timer_ctx *ctx);
	/*
	 * Start the schedule: first[i] is timer i's first absolute deadline.
	 * Mechanisms with a periodic kernel timer arm it here; one-shot waits
	 * leave this NULL.  A kernel timer that takes only a relative period
	 * (its grid starts when the kernel arms it) moves first[i] to its
	 * grid, never later than the kernel's.  0 or -errno.
	 */
	int (*arm)(struct timer_ctx *ctx, int64_t *first);
	/*
	 * Block until deadline_ns (absolute; timer 0's next deadline -- a
	 * .multi mechanism waits on its own kernel timers instead) has passed,
	 * the way the mechanism does it, including the read that consumes the
	 * expiration.  Fills fired[] (room for cfg->timers entries) and returns
	 * how many timers went off (>= 1), or -errno.  EINTR is retried inside;
	 * a wait that returns before its deadline is not hidden: the sample
	 * comes out negative.
	 */
	int (*wait)(struct timer_ctx *ctx, int64_t deadline_ns, struct timer_fire *fired);
	/* Undo setup (also after a failed arm).  Optional. */
	void (*teardown)(struct timer_ctx *ctx);
};

/* --- shared by the timeout-based waits (timeout.c) ------------------------ */

/* Time left until deadline_ns, never below 0. */
int64_t timer_left_ns(int64_t deadline_ns);
/* Time left, rounded up to a multiple of unit_ns (so the wait never ends early). */
int64_t timer_left_ceil(int64_t deadline_ns, int64_t unit_ns);
/*
 * An eventfd nobody ever writes: the one descriptor a timeout wait watches,
 * as an event loop with nothing to do would.  fd or -errno.
 */
int timer_idle_fd(void);

/* An idle eventfd, and for the epoll waits an epoll set holding it. */
struct timer_idle_epoll {
	int epfd;       /* -1 when the wait is not epoll's */
	int idle_fd;
};
/* 0 or -errno; on failure nothing is left open. */
int timer_idle_epoll_open(struct timer_idle_epoll *set);
void timer_idle_epoll_close(struct timer_idle_epoll *set);

/*
 * Ops for the timeout waits: setup makes ctx->priv a struct
 * timer_idle_epoll with the idle eventfd (and, for timer_idle_epoll_setup,
 * the epoll set); teardown closes and frees it.
 */
int timer_idle_setup(struct timer_ctx *ctx);
int timer_idle_epoll_setup(struct timer_ctx *ctx);
void timer_idle_teardown(struct timer_ctx *ctx);

/*
 * What a timeout wait's return n means: < 0 the call failed (-errno, errno
 * still set), > 0 the idle fd fired (-EPROTO: nobody writes it), 0 the
 * timeout expired: one firing of timer 0 in fired[0], returns 1.
 */
int timer_idle_result(int n, struct timer_fire *fired);

/* --- shared by the io_uring timers (ring.c) ------------------------------ */

/* Can a ring with cfg's --uring-setup be made here (cfg NULL: any ring)? */
int timer_ring_supported(const struct timer_cfg *cfg, char *reason, size_t len);
/* ctx->priv = a struct io_uring made by the waiting thread with the setup's
 * flags (evb_uring_init); 0 or -errno.  teardown exits and frees it. */
int timer_ring_setup(struct timer_ctx *ctx);
void timer_ring_teardown(struct timer_ctx *ctx);
/* wait for a build without liburing: never called, supported() refuses. */
int timer_ring_unsupported_wait(struct timer_ctx *ctx, int64_t deadline_ns,
				struct timer_fire *fired);

/* The mechanisms' ops, in --list order. */
#include "mechanisms.h"

#endif
