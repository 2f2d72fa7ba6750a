/*
 * futex - FUTEX_WAIT / FUTEX_WAKE on a 32-bit word: the lower bound.
 *
 * One word per direction, counting the notifications sent to that side.
 * A notifies by incrementing B's word and calling FUTEX_WAKE on it (always:
 * no "is anyone waiting" shortcut, so every notification costs one system
 * call, like the other mechanisms); B sleeps in FUTEX_WAIT while the word
 * still holds the value it last saw, then takes the difference.  Thread
 * runs use FUTEX_PRIVATE_FLAG; process runs put the words in shared memory
 * and use the shared (hashed by page) futex.
 *
 * Semantics: a counter like eventfd's: nothing is lost, increments made
 * while B sleeps merge into one wakeup.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "evb_clock.h"
#include "evb_sys.h"
#include "notify.h"

struct futex_chan {
	_Atomic uint32_t word[2];   /* word[side]: notifications sent to side */
	uint32_t seen[2];           /* touched only by that side */
	int private_flag;
};

static long futex_call(_Atomic uint32_t *word, int op, uint32_t value,
		       const struct timespec *timeout)
{
	return syscall(SYS_futex, word, op, value, timeout, NULL, 0);
}

static int futex_setup(struct notify_ctx *ctx)
{
	struct futex_chan *f = evb_shared_alloc(sizeof(*f));

	if (!f)
		return -ENOMEM;
	f->private_flag = ctx->cfg->ipc == EVB_IPC_THREAD ? FUTEX_PRIVATE_FLAG : 0;
	ctx->priv = f;
	return 0;
}

static int futex_notify(struct notify_ctx *ctx, enum notify_side from)
{
	struct futex_chan *f = ctx->priv;
	_Atomic uint32_t *word = &f->word[!from];

	atomic_fetch_add(word, 1);
	return futex_call(word, FUTEX_WAKE | f->private_flag, 1, NULL) < 0 ? -errno : 0;
}

static int64_t futex_wait(struct notify_ctx *ctx, enum notify_side self, int64_t timeout_ns)
{
	struct futex_chan *f = ctx->priv;
	_Atomic uint32_t *word = &f->word[self];
	struct timespec ts = evb_ns_timespec(timeout_ns > 0 ? timeout_ns : 0);

	for (;;) {
		uint32_t now = atomic_load(word);

		if (now != f->seen[self]) {
			uint32_t got = now - f->seen[self];

			f->seen[self] = now;
			return got;
		}
		if (timeout_ns == 0)
			return 0;
		if (futex_call(word, FUTEX_WAIT | f->private_flag, now,
			       timeout_ns < 0 ? NULL : &ts) < 0) {
			if (errno == ETIMEDOUT)
				timeout_ns = 0;   /* look once more, then give up */
			else if (errno != EAGAIN && errno != EINTR)
				return -errno;
		}
	}
}

static void futex_teardown(struct notify_ctx *ctx)
{
	evb_shared_free(ctx->priv, sizeof(struct futex_chan));
}

const struct notify_ops notify_futex_ops = {
	.base = {
		.name = "futex",
		.summary = "FUTEX_WAKE on a shared counter word, B in FUTEX_WAIT",
	},
	.setup = futex_setup,
	.notify = futex_notify,
	.wait = futex_wait,
	.teardown = futex_teardown,
};
