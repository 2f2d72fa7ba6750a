/*
 * sig.h - what the three signal mechanisms (signal-handler, sigwaitinfo,
 * signalfd) share: the variants, the choice of signal, blocking it, and
 * sending it to the other side.
 *
 *   std  SIGUSR1.  At most one can be pending per target: signals sent
 *        while one is pending merge into it (burst shows the loss).
 *   rt   SIGRTMIN with a value.  Queued one per send up to RLIMIT_SIGPENDING;
 *        a full queue makes the send fail with EAGAIN (the sender retries).
 *
 * With --ipc thread the signal is directed at B's (or A's) thread with
 * tgkill / rt_tgsigqueueinfo; with --ipc process at the process with kill /
 * sigqueue.  The signal is blocked in every thread from setup on, so only
 * the waiting call of the target ever takes it.
 */
#ifndef NOTIFY_SIG_H
#define NOTIFY_SIG_H

#include <signal.h>
#include <stdbool.h>

#include "notify.h"

extern const char *const sig_variants[];
enum sig_variant { SIG_STD, SIG_RT };
/* notify_ops.may_merge of every signal mechanism: std merges, rt queues. */
#define SIG_MAY_MERGE (1u << SIG_STD)

struct sig_chan {
	int signo;
	bool rt;
	sigset_t set;        /* just signo */
	sigset_t unblocked;  /* the mask while waiting: the current one minus signo */
};

/* Choose the signal for the variant and block it.  0 or -errno. */
int sig_chan_setup(struct notify_ctx *ctx, struct sig_chan *chan);

/*
 * Ops shared by the signal mechanisms whose state is a struct sig_chan, or
 * begins with one: setup allocates a sig_chan as ctx->priv, notify sends
 * the signal to the other side (-EAGAIN: queue full), teardown frees it.
 */
int sig_setup(struct notify_ctx *ctx);
int sig_notify(struct notify_ctx *ctx, enum notify_side from);
void sig_teardown(struct notify_ctx *ctx);

#endif
