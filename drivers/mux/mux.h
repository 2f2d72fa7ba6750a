/*
 * mux.h - the multiplexing family: one thread waits on nfds descriptors at
 * once with select, poll, epoll or io_uring, and we time what that costs.
 *
 * Side A is the driver's main thread: it owns the watched descriptors (the
 * read ends of nfds pipes, socketpairs, tcp connections or eventfds, made by
 * fdset.c) and the mechanism.  Side B owns the other ends and makes fds
 * ready by writing one unit (a byte, or 1 to an eventfd); B is a thread, or
 * with --ipc process a fork()ed child that also keeps the peer ends out of
 * A's fd table, as a server's clients would be.  main.c and run.c run one
 * mode (scan.c, wakeup.c, loop.c, register.c; modes.c what they share) on
 * top of the ops table below:
 *
 *   scan      A: [ t0 | copy/rebuild the set, wait(timeout 0), list the
 *                       ready fds, read the listed fds until EAGAIN
 *                       (edge mechanisms), re-arm what the mechanism
 *                       needs | t1 ]
 *             over nfds registered fds of which `active` were made ready
 *             beforehand.                                 sample = t1 - t0
 *             A mechanism that lists at most maxevents fds per call
 *             (epoll, io_uring) is called again, inside the sample, while
 *             a call comes back full and fewer than `active` fds were
 *             listed: a real loop with a fixed events array does the same.
 *             Every sample must list exactly the active set: sent = active
 *             x samples, delivered = listed correctly, lost = missed,
 *             spurious = listed but not made ready (or listed twice, unless
 *             the mechanism may relist, see mux_ops.may_report).
 *             Edge-reported mechanisms (epoll et, io_uring multishot) need a
 *             fresh arrival per report: the drain of every reported fd is in
 *             the sample (what an edge-triggered loop pays: reads until
 *             EAGAIN), and between samples, outside t0..t1, B writes to each
 *             active fd again (the clients' work, not the loop's).  What the
 *             kernel does at that write (epoll queues the fd; io_uring runs
 *             the poll's task work on A, posting the CQE) falls outside the
 *             sample: compare those in loop mode.

 *   wakeup    B: waits until A is verifiably asleep in its wait, t0,
 *                writes to one random fd
 *             A: wait(blocking) .... returns, the fd is identified, t1
 *                                                         sample = t1 - t0
 *             then A reads it, re-arms, and acks; one fd per round.
 *
 *   loop      `active` tokens circulate: B writes one unit to a token's fd;
 *             A's event loop waits, reads what it was told is ready (until
 *             EAGAIN for edge mechanisms), re-arms, hands the token back.
 *             At most one unit is outstanding per fd, so a report whose read
 *             finds nothing is spurious, and at the end lost = sent -
 *             delivered.                          events_per_s, cpu per event
 *             CPU per event: A's thread (cpu_user_ns, cpu_sys_ns) and the
 *             whole machine (machine_cpu_ns): epoll's wakeup work runs on
 *             the writer's CPU, io_uring's task work on the loop's, so only
 *             the machine figure compares them fairly.
 *
 *   register  A: [ t0 | add all nfds | t1 | remove all nfds | t2 ]
 *             sample = (t2 - t0) / nfds                register_ns_per_fd
 *             The first round, untimed, also measures the memory a real
 *             loop holds, per fd: RSS growth from before setup to after the
 *             first add (with the fixed maxevents: epoll's events array does
 *             not grow with nfds, poll's pollfd array does), and the growth
 *             of the mechanism's slab caches (/proc/slabinfo; empty, and the
 *             row says "slab not measured", when it cannot be read).
 *
 * Every row also carries machine_cpu_ns and both sides' context switches
 * per operation (A: the waiting thread; B: the writer, where it works in
 * the measured phase: wakeup, loop).  A row is ok only when its counts
 * check out: a lost or spurious event the mechanism does not allow makes
 * it failed, with the count in the reason.
 *
 * A mechanism file holds only what is specific to it: its ops table below.
 */
#ifndef MUX_H
#define MUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "evb_driver.h"
#include "fdset.h"

enum mux_mode {
	MUX_SCAN,
	MUX_WAKEUP,
	MUX_LOOP,
	MUX_REGISTER,
};

/* What a mechanism may look at to decide and to size itself. */
struct mux_cfg {
	const char *variant;            /* "" when the mechanism has none */
	int variant_index;
	enum mux_mode mode;
	enum mux_fd_type fd_type;
	int64_t nfds;
	int64_t active;
	int max_fd;                     /* highest watched fd the factory will
					   hand out (predicted before opening) */
	int64_t maxevents;              /* --maxevents: the events array or CQE
					   batch of epoll and io_uring */
	int uring_setup;                /* io_uring: enum evb_uring_setup */
};

/*
 * The fds reported ready, as indices into the watched set.  A wait appends
 * after the n already there (the calls of one scan sample add up) and
 * lists at most cap - n.
 */
struct mux_ready {
	int32_t *idx;
	int64_t n;
	int64_t cap;
};

struct mux_ctx {
	const struct mux_cfg *cfg;
	const struct mux_fdset *fds;    /* fds->fd[i] is watched fd i */
	/*
	 * Set by setup: the mechanism reports an fd once per arrival, not
	 * while it stays readable (epoll EPOLLET, io_uring multishot).  The
	 * loop must then read until EAGAIN, and scan must make the fds ready
	 * afresh before every call.
	 */
	bool edge;
	/* Set by setup: most fds one wait lists (cfg->maxevents), or 0 when a
	 * call lists every ready fd (select, poll). */
	int64_t max_listed;
	/*
	 * Added to by wait: every system call it made (select, poll,
	 * epoll_wait, io_uring_enter), so that a scan row can say how many
	 * calls one sample holds (syscalls) and a test can check it against
	 * what the sample is said to time.
	 */
	int64_t syscalls;
	void *priv;                     /* the mechanism's state */
};

/*
 * What a mechanism may legitimately report beyond "each ready fd once per
 * sample, nothing else" (mux_ops.may_report, per variant).  Anything else
 * the checks find is counted as lost or spurious and fails the row.
 */
enum mux_may {
	/*
	 * A follow-up call of the same scan sample may list again an fd an
	 * earlier call listed, as long as it stays ready: level-triggered
	 * epoll puts a reported fd back at the tail of its ready list, so
	 * with more ready fds than maxevents the second call returns the rest
	 * and then the first ones again.  Not spurious.
	 */
	MUX_MAY_RELIST = 1 << 0,
	/*
	 * A loop-mode completion may report an fd whose unit it already
	 * delivered: a pipe's writer makes its data visible, drops the pipe
	 * lock, and only then wakes the waiters.  A re-armed single-shot
	 * io_uring poll can find the data in that window at its arming check
	 * and complete at once; the loop reads the unit and arms the next
	 * request, which the writer's late wake-up then completes with the
	 * wake-up's mask, nothing to read behind it (io_uring takes the mask
	 * as given; epoll polls the fd again before listing it).  Counted
	 * in spurious, named in the row's reason, not a failure.
	 */
	MUX_MAY_STALE = 1 << 1,
};

/*
 * The trait a variant with MUX_MAY_STALE lists (--list), so that a reader
 * of the list (the tests) knows the contract without knowing the name.
 */
#define MUX_TRAIT_MAY_STALE "may=stale"

#define MUX_VARIANTS_MAX 4

/*
 * A variant's cost class, its base.traits word for the plan (the harness
 * sizes a cell's iterations from it, never from the mechanism's name):
 *   scan   every call walks all nfds (select, poll)
 *   ready  a call costs per ready fd (epoll, level-triggered)
 *   rearm  per ready fd plus a re-arm after it (EPOLLONESHOT, poll SQEs)
 *   edge   per ready fd, each drained and written again untimed (et,
 *          multishot)
 */
#define MUX_COST_SCAN "cost=scan"
#define MUX_COST_READY "cost=ready"
#define MUX_COST_REARM "cost=rearm"
#define MUX_COST_EDGE "cost=edge"

struct mux_ops {
	struct evb_mech base;
	/*
	 * Kernel slab caches that grow with each registered fd, for register
	 * mode's slab_bytes_per_fd; NULL when the kernel keeps nothing between
	 * calls (select, poll: the set travels with every call).
	 */
	const char *const *slab_caches;
	/* Per variant (index as in base.variants): enum mux_may flags. */
	unsigned may_report[MUX_VARIANTS_MAX];
	/* Descriptors the mechanism opens itself (epoll fd, ring): fd budget. */
	int own_fds;
	/*
	 * Can it run with cfg here?  cfg is NULL for "on this machine at all"
	 * (--list).  0, or -ENOTSUP with a reason.  Optional.
	 */
	int (*supported)(const struct mux_cfg *cfg, char *reason, size_t len);
	/* Allocate everything sized by nfds; register nothing.  0 or -errno. */
	int (*setup)(struct mux_ctx *ctx);
	/* Register every watched fd for reading / unregister them all. */
	int (*add)(struct mux_ctx *ctx);
	int (*del)(struct mux_ctx *ctx);
	/*
	 * One wait: timeout_ns 0 only looks, > 0 blocks at most that long.
	 * Includes what a real loop does around the call (copying the set)
	 * and appending the ready fds to ready (at most max_listed when set).
	 * Returns the number appended, or -errno.
	 */
	int64_t (*wait)(struct mux_ctx *ctx, int64_t timeout_ns, struct mux_ready *ready);
	/*
	 * After the loop handled ready: re-arm what reported and will not
	 * report again by itself (EPOLLONESHOT, single-shot poll SQEs).
	 * Optional.  0 or -errno.
	 */
	int (*rearm)(struct mux_ctx *ctx, const struct mux_ready *ready);
	void (*teardown)(struct mux_ctx *ctx);
};

/*
 * Zeroed memory with every page written, so that register mode's RSS growth
 * counts what a mechanism allocates even where only the kernel would write
 * it later (epoll's events array).  malloc + memset(0) would not do: the
 * compiler may turn it into calloc, which leaves fresh pages untouched.
 */
static inline void *mux_alloc_resident(size_t size)
{
	volatile char *mem = calloc(1, size ? size : 1);

	for (size_t i = 0; mem && i < size; i += 4096)
		mem[i] = 0;
	return (void *)mem;
}

/* The mechanisms' ops, in --list order. */
#include "mechanisms.h"

#endif
