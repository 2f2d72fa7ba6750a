/*
 * condvar - pthread mutex + condition variable around a counter.
 *
 * One counter and one condvar per direction, under one mutex.  A locks,
 * increments B's counter, signals, unlocks; B waits on the condvar while
 * its counter holds the value it last saw.  Variants:
 *   pshared  mutex and condvar created PTHREAD_PROCESS_SHARED in shared
 *            memory: works for threads and processes
 *   private  the default attributes: threads only; across processes it is
 *            undefined behaviour, so that combination is a skipped row
 * The condvar uses CLOCK_MONOTONIC for bounded waits.
 *
 * Semantics: a counter; nothing is lost, notifications merge while B sleeps.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "evb_clock.h"
#include "evb_sys.h"
#include "notify.h"

static const char *const condvar_variants[] = { "pshared", "private", NULL };

struct condvar_chan {
	pthread_mutex_t lock;
	pthread_cond_t cond[2];    /* cond[side]: side waits on it */
	uint64_t count[2];         /* notifications sent to side, under lock */
	uint64_t seen[2];
};

static int condvar_supported(const struct notify_cfg *cfg, char *reason, size_t len)
{
	if (cfg && cfg->ipc == EVB_IPC_PROCESS && strcmp(cfg->variant, "private") == 0) {
		snprintf(reason, len, "a condvar without PTHREAD_PROCESS_SHARED cannot be "
			 "used across processes");
		return -ENOTSUP;
	}
	return 0;
}

static int condvar_setup(struct notify_ctx *ctx)
{
	struct condvar_chan *c = evb_shared_alloc(sizeof(*c));
	int pshared = strcmp(ctx->cfg->variant, "pshared") == 0 ? PTHREAD_PROCESS_SHARED
								  : PTHREAD_PROCESS_PRIVATE;
	pthread_mutexattr_t mattr;
	pthread_condattr_t cattr;
	int ret;

	if (!c)
		return -ENOMEM;
	pthread_mutexattr_init(&mattr);
	pthread_condattr_init(&cattr);
	ret = pthread_mutexattr_setpshared(&mattr, pshared);
	if (!ret)
		ret = pthread_condattr_setpshared(&cattr, pshared);
	if (!ret)
		ret = pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	if (!ret)
		ret = pthread_mutex_init(&c->lock, &mattr);
	for (int side = 0; side < 2 && !ret; side++)
		ret = pthread_cond_init(&c->cond[side], &cattr);
	pthread_mutexattr_destroy(&mattr);
	pthread_condattr_destroy(&cattr);
	if (ret) {
		evb_shared_free(c, sizeof(*c));
		return -ret;
	}
	ctx->priv = c;
	return 0;
}

static int condvar_notify(struct notify_ctx *ctx, enum notify_side from)
{
	struct condvar_chan *c = ctx->priv;
	int ret;

	pthread_mutex_lock(&c->lock);
	c->count[!from]++;
	ret = pthread_cond_signal(&c->cond[!from]);
	pthread_mutex_unlock(&c->lock);
	return -ret;
}

static int64_t condvar_wait(struct notify_ctx *ctx, enum notify_side self,
			    int64_t timeout_ns)
{
	struct condvar_chan *c = ctx->priv;
	struct timespec deadline;
	int64_t got;
	int ret = 0;

	if (timeout_ns > 0)
		deadline = evb_ns_timespec(evb_now_ns() + timeout_ns);
	pthread_mutex_lock(&c->lock);
	while (c->count[self] == c->seen[self] && timeout_ns != 0 && ret != ETIMEDOUT) {
		if (timeout_ns < 0)
			ret = pthread_cond_wait(&c->cond[self], &c->lock);
		else
			ret = pthread_cond_timedwait(&c->cond[self], &c->lock, &deadline);
		if (ret && ret != ETIMEDOUT)
			break;
	}
	got = (int64_t)(c->count[self] - c->seen[self]);
	c->seen[self] = c->count[self];
	pthread_mutex_unlock(&c->lock);
	return ret && ret != ETIMEDOUT ? -ret : got;
}

static void condvar_teardown(struct notify_ctx *ctx)
{
	struct condvar_chan *c = ctx->priv;

	pthread_cond_destroy(&c->cond[SIDE_A]);
	pthread_cond_destroy(&c->cond[SIDE_B]);
	pthread_mutex_destroy(&c->lock);
	evb_shared_free(c, sizeof(*c));
}

const struct notify_ops notify_condvar_ops = {
	.base = {
		.name = "condvar",
		.summary = "pthread mutex + condvar around a counter",
		.variants = condvar_variants,
	},
	.supported = condvar_supported,
	.setup = condvar_setup,
	.notify = condvar_notify,
	.wait = condvar_wait,
	.teardown = condvar_teardown,
};
