/*
 * mux.h - the multiplexing family: one thread waits on nfds descriptors at
 * once with select, poll, epoll or io_uring, and we time what that costs.
 *
 * Side A is the driver's main thread: it owns the watched descriptors (the
 * read ends of nfds pipes, socketpairs, tcp connections or eventfds, made by
 * fdset.c) and the mechanism.  Side B owns the other ends and makes fds
 * ready by writing one unit (a byte, or 1 to an eventfd); B is a thread, or
 * with --ipc process a fork()ed child that also keeps the peer ends out of
 * A's fd table, as a server's clients would be.  main.c and modes.c run the
 * modes on top of the ops table below:
 *
 *   scan      A: [ t0 | copy/rebuild the set, wait(timeout 0), list the
 *                       ready fds, re-arm what the mechanism needs | t1 ]
 *             over nfds registered fds of which `active` were made ready
 *             beforehand and stay ready.                  sample = t1 - t0
 *             Every call must list exactly the active set: sent = active x
 *             calls, delivered = listed correctly, lost = missed,
 *             spurious = listed but not made ready (or listed twice).
 *             Edge-reported mechanisms (epoll et, io_uring multishot) need a
 *             fresh arrival per report: between calls, outside t0..t1, A
 *             drains the active fds and B writes to each again; what the
 *             kernel does at wakeup time then falls outside the sample
 *             (epoll queues the fd, and still checks it inside the call;
 *             io_uring posts the CQE), so compare those in loop mode too.
 *
 *   wakeup    B: waits until A is asleep in its wait (A's thread state is S),
 *                t0, writes to one random fd
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
 *
 *   register  A: [ t0 | add all nfds | t1 | remove all nfds | t2 ]
 *             sample = (t2 - t0) / nfds                register_ns_per_fd
 *             The first round, untimed, also measures the memory: RSS
 *             growth from before setup to after the first add, and the
 *             growth of the mechanism's slab caches, per fd.
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
};

/* The fds one wait call reported ready, as indices into the watched set. */
struct mux_ready {
	int32_t *idx;
	int64_t n;
	int64_t cap;                    /* nfds: a wait never lists more */
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
	void *priv;                     /* the mechanism's state */
};

struct mux_ops {
	struct evb_mech base;
	/*
	 * Kernel slab caches that grow with each registered fd, for register
	 * mode's slab_bytes_per_fd; NULL when the kernel keeps nothing between
	 * calls (select, poll: the set travels with every call).
	 */
	const char *const *slab_caches;
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
	 * and listing the ready fds in ready.  Returns ready->n or -errno.
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

/* The registry, in --list order. */
extern const struct mux_ops select_ops, pselect_ops, poll_ops, ppoll_ops, epoll_ops,
	epoll_pwait2_ops, io_uring_ops;

#endif
