/*
 * epset.h - what epoll and epoll-pwait2 share: an epoll instance holding
 * every watched fd (epoll_ctl ADD, data = the fd's index), and an events
 * array of --maxevents entries (12 bytes each, 1024 by default), as a real
 * loop has: its size does not grow with nfds, and when more fds are ready
 * than it holds, the mode calls again.
 *
 * The registration lives in the kernel (an epitem and a wait-queue entry
 * per fd: slab caches eventpoll_epi and eventpoll_pwq); a wakeup puts the
 * fd on a ready list, and a wait returns that list: O(ready), not O(nfds).
 * A mechanism file gives the flags and the system call.
 */
#ifndef MUX_EPSET_H
#define MUX_EPSET_H

#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>

#include "mux.h"

/*
 * timeout_ns 0 or > 0; mask is the calling thread's signal mask; arg what
 * the mechanism gave epset_setup.  The events' count, or -1 with errno.
 */
typedef int (*epset_call_fn)(int epfd, struct epoll_event *events, int maxevents,
			     int64_t timeout_ns, const sigset_t *mask, void *arg);

extern const char *const epset_slab_caches[];

/* flags: EPOLLIN plus EPOLLET or EPOLLONESHOT; arg is passed to call. */
int epset_setup(struct mux_ctx *ctx, uint32_t flags, epset_call_fn call, void *arg);
/* The arg given to epset_setup. */
void *epset_call_arg(struct mux_ctx *ctx);
int epset_add(struct mux_ctx *ctx);
int epset_del(struct mux_ctx *ctx);
int64_t epset_wait(struct mux_ctx *ctx, int64_t timeout_ns, struct mux_ready *ready);
/* EPOLLONESHOT: EPOLL_CTL_MOD each fd that reported; else nothing. */
int epset_rearm(struct mux_ctx *ctx, const struct mux_ready *ready);
void epset_teardown(struct mux_ctx *ctx);

#endif
