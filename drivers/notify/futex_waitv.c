/*
 * futex_waitv - futex_waitv(2) (Linux 5.16): B waits on any of N futex
 * words at once and is woken on one, its counter word of fword.h, which
 * A wakes with futex(2)'s FUTEX_WAKE.  The other N - 1 words are never
 * woken: they stand for the other sources a waiter would watch (what
 * Wine's and Proton's fsync waits on).  The kernel queues the waiter on
 * all N words and takes it off all N at the wakeup, so the cost grows with
 * N.  Variants: n1 (one word: futex_waitv against FUTEX_WAIT), n64.  The
 * woken word is the last of the vector.  The timeout is absolute, on
 * CLOCK_MONOTONIC.  Debian 12's headers define the call and its struct
 * (linux/futex.h, 5.16).
 */
#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "evb_clock.h"
#include "evb_sys.h"
#include "fword.h"

#ifndef __NR_futex_waitv
#define __NR_futex_waitv 449
#endif

static const char *const waitv_variants[] = { "n1", "n64", NULL };
static const unsigned waitv_n[] = { 1, 64 };

#define WAITV_MAX 64

/* What one side waits on: WAITV_MAX - 1 idle words, then its fword word. */
struct waitv {
	struct fword *f;
	unsigned n;
	_Atomic uint32_t idle[2][WAITV_MAX - 1];   /* in shared memory, with f */
};

static int waitv_supported(const struct notify_cfg *cfg, char *reason, size_t len)
{
	(void)cfg;
	if (syscall(__NR_futex_waitv, NULL, 0, 0, NULL, CLOCK_MONOTONIC) < 0 && errno == ENOSYS)
		return evb_needs_linux(reason, len, "futex_waitv", "5.16", ENOSYS);
	return 0;
}

static int waitv_sleep(struct notify_ctx *ctx, struct fword *f, enum notify_side self,
		       uint32_t now, int64_t deadline_ns)
{
	struct waitv *w = ctx->priv;
	struct futex_waitv v[WAITV_MAX];
	struct timespec ts = evb_ns_timespec(deadline_ns);
	unsigned flags = EVB_FUTEX2_SIZE_U32 | (f->shared ? 0 : EVB_FUTEX2_PRIVATE);

	memset(v, 0, sizeof(v));
	for (unsigned i = 0; i + 1 < w->n; i++) {
		v[i].uaddr = (uintptr_t)&w->idle[self][i];
		v[i].val = 0;     /* never changes: never the reason to wake */
		v[i].flags = flags;
	}
	v[w->n - 1].uaddr = (uintptr_t)&f->word[self];
	v[w->n - 1].val = now;
	v[w->n - 1].flags = flags;
	return syscall(__NR_futex_waitv, v, w->n, 0, deadline_ns < 0 ? NULL : &ts,
		       CLOCK_MONOTONIC) < 0 ? -errno : 0;
}

static int waitv_setup(struct notify_ctx *ctx)
{
	struct waitv *w = evb_shared_alloc(sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->f = fword_alloc(ctx->cfg);
	if (!w->f) {
		evb_shared_free(w, sizeof(*w));
		return -ENOMEM;
	}
	w->n = waitv_n[ctx->cfg->variant_index];
	ctx->priv = w;
	return 0;
}

static int waitv_notify(struct notify_ctx *ctx, enum notify_side from)
{
	struct waitv *w = ctx->priv;

	return fword_notify(ctx, w->f, from, fword_futex_wake);
}

static int64_t waitv_wait(struct notify_ctx *ctx, enum notify_side self, int64_t timeout_ns)
{
	struct waitv *w = ctx->priv;

	return fword_wait(ctx, w->f, self, timeout_ns, waitv_sleep);
}

static void waitv_teardown(struct notify_ctx *ctx)
{
	struct waitv *w = ctx->priv;

	fword_free(w->f);
	evb_shared_free(w, sizeof(*w));
}

const struct notify_ops notify_futex_waitv_ops = {
	.base = {
		.name = "futex-waitv",
		.summary = "FUTEX_WAKE on one of N words, B in futex_waitv(2) on all N (5.16)",
		.traits = (const char *const[]){ NOTIFY_SCOPE_WAKE, NOTIFY_SCOPE_WAKE },
		.variants = waitv_variants,
	},
	.supported = waitv_supported,
	.setup = waitv_setup,
	.notify = waitv_notify,
	.wait = waitv_wait,
	.teardown = waitv_teardown,
};
