/* fword.c - the counter words of the futex-like mechanisms; see fword.h. */
#include <errno.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "evb_clock.h"
#include "evb_sys.h"
#include "fword.h"

struct fword *fword_alloc(const struct notify_cfg *cfg)
{
	struct fword *f = evb_shared_alloc(sizeof(*f));

	if (f)
		f->shared = cfg->ipc != EVB_IPC_THREAD;
	return f;
}

void fword_free(struct fword *f)
{
	evb_shared_free(f, sizeof(*f));
}

int fword_futex_wake(struct notify_ctx *ctx, struct fword *f, _Atomic uint32_t *word)
{
	(void)ctx;
	return syscall(SYS_futex, word, FUTEX_WAKE | (f->shared ? 0 : FUTEX_PRIVATE_FLAG), 1,
		       NULL, NULL, 0) < 0 ? -errno : 0;
}

int fword_notify(struct notify_ctx *ctx, struct fword *f, enum notify_side from,
		 fword_wake_fn wake)
{
	_Atomic uint32_t *word = &f->word[!from];

	atomic_fetch_add(word, 1);
	return wake(ctx, f, word);
}

int64_t fword_wait(struct notify_ctx *ctx, struct fword *f, enum notify_side self,
		   int64_t timeout_ns, fword_sleep_fn sleep)
{
	_Atomic uint32_t *word = &f->word[self];
	int64_t deadline = timeout_ns > 0 ? evb_now_ns() + timeout_ns : -1;

	for (;;) {
		uint32_t now = atomic_load(word);

		if (now != f->seen[self]) {
			uint32_t got = now - f->seen[self];

			f->seen[self] = now;
			return got;
		}
		if (timeout_ns == 0)
			return 0;
		int ret = sleep(ctx, f, self, now, deadline);

		if (ret == -ETIMEDOUT)
			timeout_ns = 0;   /* look once more, then give up */
		else if (ret && ret != -EAGAIN && ret != -EINTR)
			return ret;
	}
}
