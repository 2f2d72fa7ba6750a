/*
 * fword.h - a 32-bit counter word per direction, for the notify mechanisms
 * that sleep on a futex word: futex, futex2, futex_waitv and the ring's
 * IORING_OP_FUTEX_WAIT (uring_futex).
 *
 * word[side] counts the notifications sent to side.  The sender adds 1 and
 * wakes one waiter on the word (every time: no "is anyone waiting"
 * shortcut, so every notification costs one wake, as with the other
 * mechanisms).  The waiter sleeps while the word still holds the value it
 * last took, then takes the difference: a counter like eventfd's, nothing
 * lost, increments made while it sleeps merge into one wakeup.  Thread runs
 * use private futexes; process runs put the words in shared memory and use
 * the shared (hashed by page) futex.
 *
 * What differs between the mechanisms is only how they sleep and wake:
 * struct fword_ops.
 */
#ifndef NOTIFY_FWORD_H
#define NOTIFY_FWORD_H

#include <stdbool.h>
#include <stdint.h>

#include "notify.h"

/* futex2 flags (include/uapi/linux/futex.h, 5.16 and 6.7) */
#define EVB_FUTEX2_SIZE_U32 0x02
#define EVB_FUTEX2_PRIVATE 128

struct fword {
	_Atomic uint32_t word[2];   /* word[side]: notifications sent to side */
	uint32_t seen[2];           /* touched only by that side */
	bool shared;                /* process ipc: shared futexes */
};

/*
 * Sleep as side `self` while f->word[self] holds `now`, until deadline_ns
 * (CLOCK_MONOTONIC; < 0 none).  0 when woken or the word moved (the caller
 * looks again; spurious returns are fine), -ETIMEDOUT, or -errno.
 */
typedef int (*fword_sleep_fn)(struct notify_ctx *ctx, struct fword *f, enum notify_side self,
			      uint32_t now, int64_t deadline_ns);
/* Wake one waiter on `word`.  0 or -errno. */
typedef int (*fword_wake_fn)(struct notify_ctx *ctx, struct fword *f, _Atomic uint32_t *word);

/* The words, in shared memory, for cfg's ipc; NULL when out of memory. */
struct fword *fword_alloc(const struct notify_cfg *cfg);
void fword_free(struct fword *f);

/* FUTEX_WAKE of one waiter with futex(2): the wake most mechanisms use. */
int fword_futex_wake(struct notify_ctx *ctx, struct fword *f, _Atomic uint32_t *word);

/* notify: add 1 to the other side's word, wake it. */
int fword_notify(struct notify_ctx *ctx, struct fword *f, enum notify_side from,
		 fword_wake_fn wake);
/* wait: notify_ops.wait's contract over sleep. */
int64_t fword_wait(struct notify_ctx *ctx, struct fword *f, enum notify_side self,
		   int64_t timeout_ns, fword_sleep_fn sleep);

#endif
