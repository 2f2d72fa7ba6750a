/*
 * futex2 - the futex2 system calls futex_wait(2) / futex_wake(2) (Linux
 * 6.7) on the counter words of fword.h, beside futex(2)'s FUTEX_WAIT /
 * FUTEX_WAKE: the same wait queues, entered through the newer calls (their
 * flags say the word's size and privacy; their timeout is absolute).
 * Debian 12's headers predate the calls: their numbers are the kernel's
 * (asm-generic unistd.h, the same on x86-64 and arm64).
 */
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "evb_clock.h"
#include "evb_sys.h"
#include "fword.h"

#ifndef __NR_futex_wake
#define __NR_futex_wake 454
#endif
#ifndef __NR_futex_wait
#define __NR_futex_wait 455
#endif

#define MATCH_ANY 0xffffffffUL   /* FUTEX_BITSET_MATCH_ANY */

static unsigned futex2_flags(const struct fword *f)
{
	return EVB_FUTEX2_SIZE_U32 | (f->shared ? 0 : EVB_FUTEX2_PRIVATE);
}

static int futex2_supported(const struct notify_cfg *cfg, char *reason, size_t len)
{
	(void)cfg;
	/* a wake of nobody on a null word: EINVAL or EFAULT where the call exists */
	if (syscall(__NR_futex_wake, NULL, MATCH_ANY, 1, EVB_FUTEX2_SIZE_U32) < 0 &&
	    errno == ENOSYS)
		return evb_needs_linux(reason, len, "futex_wait/futex_wake (futex2)", "6.7",
				       ENOSYS);
	return 0;
}

static int futex2_sleep(struct notify_ctx *ctx, struct fword *f, enum notify_side self,
			uint32_t now, int64_t deadline_ns)
{
	struct timespec ts = evb_ns_timespec(deadline_ns);

	(void)ctx;
	return syscall(__NR_futex_wait, &f->word[self], (unsigned long)now, MATCH_ANY,
		       futex2_flags(f), deadline_ns < 0 ? NULL : &ts, CLOCK_MONOTONIC) < 0
		? -errno : 0;
}

static int futex2_wake(struct notify_ctx *ctx, struct fword *f, _Atomic uint32_t *word)
{
	(void)ctx;
	return syscall(__NR_futex_wake, word, MATCH_ANY, 1, futex2_flags(f)) < 0 ? -errno : 0;
}

static int futex2_setup(struct notify_ctx *ctx)
{
	ctx->priv = fword_alloc(ctx->cfg);
	return ctx->priv ? 0 : -ENOMEM;
}

static int futex2_notify(struct notify_ctx *ctx, enum notify_side from)
{
	return fword_notify(ctx, ctx->priv, from, futex2_wake);
}

static int64_t futex2_wait(struct notify_ctx *ctx, enum notify_side self, int64_t timeout_ns)
{
	return fword_wait(ctx, ctx->priv, self, timeout_ns, futex2_sleep);
}

static void futex2_teardown(struct notify_ctx *ctx)
{
	fword_free(ctx->priv);
}

const struct notify_ops notify_futex2_ops = {
	.base = {
		.name = "futex2",
		.summary = "futex_wake(2) on a counter word, B in futex_wait(2) (Linux 6.7)",
		.traits = (const char *const[]){ NOTIFY_SCOPE_WAKE },
	},
	.supported = futex2_supported,
	.setup = futex2_setup,
	.notify = futex2_notify,
	.wait = futex2_wait,
	.teardown = futex2_teardown,
};
