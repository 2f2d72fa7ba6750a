/*
 * notify.h - the notify family: one side tells the other "something
 * happened", through a signal, an eventfd, a pipe, a futex...
 *
 * Two sides, A (the driver's main thread or parent process) and B (a thread
 * or a fork()ed child).  Every mechanism provides a channel in both
 * directions; main.c runs the modes on top of it:
 *
 *   pingpong   A: t0, notify B, wait ........................ t1   sample = t1 - t0
 *              B:           wait, notify A                          (roundtrip_ns)
 *
 *   wakeup     A: B verified asleep, gap, t0 -> shared, notify B, wait for ack
 *              B: wait ... returns, t1                              sample = t1 - t0
 *                                                                   (wakeup_ns)
 *              "B verified asleep": B's thread shows state S in /proc
 *              (evb_wait_until_asleep), then --gap-ns (default
 *              EVB_WAKEUP_GAP_NS, 10 us) passes before A reads its clock --
 *              the same definition evb-mux's wakeup uses.  A notification
 *              sent before B was seen asleep (within EVB_ASLEEP_TIMEOUT_NS)
 *              makes the row failed.
 *   burst      A: notify x N as fast as it can, then post the stop eventfd
 *              B: bounded waits, counting what arrives, until stop is
 *                 posted and nothing more is pending        ops_per_s, sent,
 *                                                           delivered, lost
 *   exit       process exit as the event (exit.c; the exit-* mechanisms
 *              only, --ipc process): A forks a child per sample and waits
 *              to learn that it exited; the child sees A asleep, lets the
 *              gap pass, stamps its clock and _exit()s
 *              A: watch child, wait ... returns, t1         sample = t1 - t0
 *                                                           (wakeup_ns)
 *
 * Counts decide the status (docs/design.md, "Driver contract"): every row is checked
 * -- pingpong and wakeup: delivered == acks == iterations; burst: delivered
 * == sent unless the variant may merge (may_merge below), when lost is the
 * measured phenomenon; a blocking wait that returns with nothing is a
 * spurious wakeup, which no notify mechanism allows (futex and condvar retry
 * their own inside wait) -- and a count that does not check out makes the
 * row failed with a reason naming it.
 *
 * A mechanism file holds only what is specific to it: its ops table below.
 */
#ifndef NOTIFY_H
#define NOTIFY_H

#include <stdint.h>
#include <sys/types.h>

#include "evb_driver.h"
#include "evb_hist.h"
#include "evb_peer.h"
#include "evb_placement.h"

enum notify_mode {
	NOTIFY_PINGPONG,
	NOTIFY_WAKEUP,
	NOTIFY_BURST,
	NOTIFY_EXIT,
};

enum notify_side {
	SIDE_A = 0,
	SIDE_B = 1,
};

struct notify_cfg {
	const char *variant;    /* "" when the mechanism has none */
	int variant_index;
	enum evb_ipc ipc;
	enum evb_placement placement;
	enum notify_mode mode;
	int uring_setup;        /* enum evb_uring_setup, for a ring's mechanism */
};

/* Who each side is, filled in by each side before the first barrier. */
struct notify_ids {
	pid_t pid[2];
	pid_t tid[2];
};

struct notify_ctx {
	const struct notify_cfg *cfg;
	const struct notify_ids *ids;   /* shared memory */
	void *priv;                     /* the mechanism's state */
};

/*
 * --list traits the harness's plan reads (plan_notify.c): scope=wake marks
 * the wake-up paths of newer kernels, measured where that question is
 * asked.  A variant named "epoll" has its waiter in an epoll loop; the
 * other variants of an io_uring-* mechanism wait in io_uring_enter: the
 * report's loop-wake figure and key result group them so.
 */
#define NOTIFY_SCOPE_WAKE "scope=wake"

struct notify_ops {
	struct evb_mech base;
	/*
	 * Variants (bit i: variant index i) whose notifications merge so that
	 * fewer arrive than were sent: burst's lost is then data, not a
	 * failure.  A mechanism that merges wakeups but counts every
	 * notification (an eventfd counter read, a futex word) loses nothing
	 * and leaves this 0.
	 */
	unsigned may_merge;
	/*
	 * Can this mechanism run with cfg here?  cfg is NULL for "on this
	 * machine at all" (--list).  0, or -ENOTSUP with a reason.  Optional.
	 */
	int (*supported)(const struct notify_cfg *cfg, char *reason, size_t len);
	/* Create both directions; runs before B starts.  0 or -errno. */
	int (*setup)(struct notify_ctx *ctx);
	/*
	 * Each side's own part of the setup, in that side's thread or process
	 * before the sides first meet (a ring its side must enable: ring.h).
	 * Optional.  0 or -errno.
	 */
	int (*side_init)(struct notify_ctx *ctx, enum notify_side self);
	/* Tell the other side: A -> B when from == SIDE_A.  0 or -errno
	 * (-EAGAIN: try again, a queue is full). */
	int (*notify)(struct notify_ctx *ctx, enum notify_side from);
	/*
	 * Wait as side self.  timeout_ns < 0 blocks in the mechanism's own
	 * blocking call; 0 only looks; > 0 waits at most that long.  Returns
	 * the number of notifications consumed (>= 1; more than one when the
	 * mechanism merges them), 0 when nothing came, or -errno.
	 */
	int64_t (*wait)(struct notify_ctx *ctx, enum notify_side self, int64_t timeout_ns);
	/*
	 * An exit-* mechanism has these instead of notify and wait, and runs
	 * in mode exit only.  exit_watch: A forked child, which waits for A
	 * to sleep before it exits; get ready to learn of its exit.
	 * exit_wait: block until A learns that child exited (reaping it or
	 * not: the mode reaps what is left).  0 or -errno.
	 */
	int (*exit_watch)(struct notify_ctx *ctx, pid_t child);
	int (*exit_wait)(struct notify_ctx *ctx, pid_t child);
	void (*teardown)(struct notify_ctx *ctx);
};

/* --list's trait of an exit-* mechanism: the plan runs it in mode exit only. */
#define NOTIFY_MODE_EXIT "mode=exit"

/*
 * Shared by fd-based mechanisms: wait until fd is readable for a bounded
 * timeout_ns (> 0 waits, 0 looks); with timeout_ns < 0 there is nothing to
 * do, the caller's read blocks.  1 readable, 0 timed out, -errno.
 */
int notify_fd_ready(int fd, int64_t timeout_ns);

/* The mechanisms' ops, in --list order. */
#include "mechanisms.h"

#endif
