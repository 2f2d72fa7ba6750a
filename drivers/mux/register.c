/*
 * register.c - register mode (mux.h): add then remove every watched fd,
 * per fd (register_ns_per_fd), and the memory a real loop holds per
 * registered fd, measured in an untimed first round:
 *
 *   rss_bytes_per_fd    growth of this process's RSS from before the
 *                       mechanism's setup to after the first add, / nfds:
 *                       what the mechanism keeps in user memory with the
 *                       fixed --maxevents (poll's pollfd array grows with
 *                       nfds, epoll's events array does not)
 *   slab_bytes_per_fd   growth of the mechanism's kernel slab caches
 *                       (mux_ops.slab_caches) over the same span, / nfds;
 *                       0 for select and poll, which keep nothing in the
 *                       kernel between calls.  /proc/slabinfo is root's:
 *                       when it cannot be read the column is empty and the
 *                       row's reason says "slab not measured".
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "evb_clock.h"
#include "evb_slab.h"
#include "driver.h"

/* The untimed first round: memory per fd.  0 or -errno. */
static int measure_memory(struct mux_side_ctx *s)
{
	const struct mux_ops *ops = s->ops;
	struct mux_run *run = s->run;
	int64_t nfds = s->opts->nfds, rss_after, slab_after = 0;
	char missing[96] = "";
	int ret = ops->add(s->ctx);

	if (ret)
		return mux_side_fail(s, SIDE_A, "add (register)", ret);
	rss_after = evb_rss_bytes();
	if (ops->slab_caches)
		slab_after = evb_slab_bytes(s->opts->slabinfo, ops->slab_caches, missing,
					    sizeof(missing));
	ret = ops->del(s->ctx);
	if (ret)
		return mux_side_fail(s, SIDE_A, "del (unregister)", ret);
	if (s->rss_before >= 0 && rss_after >= 0)
		run->rss_bytes_per_fd = (double)(rss_after - s->rss_before) / (double)nfds;
	if (!ops->slab_caches) {
		run->slab_bytes_per_fd = 0;   /* no kernel state between calls */
	} else if (s->slab_before < 0 || slab_after < 0) {
		int err = s->slab_before < 0 ? (int)s->slab_before : (int)slab_after;

		snprintf(run->slab_note, sizeof(run->slab_note), "slab not measured (%s: %s)",
			 s->opts->slabinfo, err == -ENODATA ? "no cache of the mechanism listed"
							   : strerror(-err));
	} else {
		run->slab_bytes_per_fd = (double)(slab_after - s->slab_before) / (double)nfds;
		if (missing[0])   /* merged into another cache by SLUB */
			snprintf(run->slab_note, sizeof(run->slab_note),
				 "slab: %s not in %s (merged into another cache), not counted",
				 missing, s->opts->slabinfo);
	}
	return 0;
}

int mux_register_a(struct mux_side_ctx *s)
{
	const struct mux_opts *o = s->opts;
	const struct mux_ops *ops = s->ops;
	struct mux_run *run = s->run;
	int64_t rounds = o->common.warmup + o->common.iterations;
	int64_t total_ns = 0;
	struct mux_phase phase;
	int ret = measure_memory(s);

	if (ret)
		return ret;
	mux_phase_start(s, &phase);
	for (int64_t r = 0; r < rounds; r++) {
		int64_t t0, t2;

		if (r == o->common.warmup) {
			mux_phase_start(s, &phase);
			total_ns = 0;
		}
		t0 = evb_now_ns();
		ret = ops->add(s->ctx);
		if (ret)
			return mux_side_fail(s, SIDE_A, "add (register)", ret);
		ret = ops->del(s->ctx);
		t2 = evb_now_ns();
		if (ret)
			return mux_side_fail(s, SIDE_A, "del (unregister)", ret);
		total_ns += t2 - t0;
		if (r >= o->common.warmup) {
			evb_hist_record(&run->hist, (t2 - t0) / o->nfds);
			atomic_store_explicit(&run->progress, r + 1 - o->common.warmup,
					      memory_order_relaxed);
		}
	}
	mux_phase_end(s, &phase);
	if (total_ns > 0) {
		double fds = (double)o->common.iterations * (double)o->nfds;

		run->mean_override = (double)total_ns / fds;
		run->ops_per_s = fds * 1e9 / (double)total_ns;
	}
	return 0;
}
