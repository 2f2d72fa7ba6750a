/*
 * pollset.h - what poll and ppoll share: an array of struct pollfd, one per
 * watched fd in index order, built at add.  The array is reused across
 * calls, as libevent's poll backend does: the kernel copies all nfds
 * entries in and writes every revents back, so there is nothing to rebuild.
 * After the call the loop walks revents for the ready entries: O(nfds) in
 * user space too.  A mechanism file gives the system call.
 */
#ifndef MUX_POLLSET_H
#define MUX_POLLSET_H

#include <poll.h>
#include <signal.h>
#include <stdint.h>

#include "mux.h"

/* timeout_ns 0 or > 0; mask is the calling thread's signal mask. */
typedef int (*pollset_call_fn)(struct pollfd *fds, nfds_t nfds, int64_t timeout_ns,
			       const sigset_t *mask);

int pollset_setup(struct mux_ctx *ctx, pollset_call_fn call);
int pollset_add(struct mux_ctx *ctx);
int pollset_del(struct mux_ctx *ctx);
int64_t pollset_wait(struct mux_ctx *ctx, int64_t timeout_ns, struct mux_ready *ready);
void pollset_teardown(struct mux_ctx *ctx);

#endif
