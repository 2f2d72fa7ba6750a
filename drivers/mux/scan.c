/*
 * scan.c - scan mode (mux.h): one sample is what a loop pays to learn which
 * of nfds registered fds are ready when `active` of them are:
 *
 *   A: [ t0 | wait(timeout 0) -> ready[0..n)          one call, or more:
 *             (edge: read each listed fd until EAGAIN)  while a call came
 *           | ...                                       back full (maxevents)
 *           | re-arm what reported (oneshot, poll SQEs) and fewer than
 *           | t1 ]                                      active were listed
 *   then, untimed: check the sample's list against the active set, and for
 *   edge mechanisms have every active fd written again (a fresh arrival).
 *
 * Level-triggered fds stay ready from one sample to the next (nothing reads
 * them).  An edge-triggered loop must read a reported fd until EAGAIN, so
 * that drain is in the sample; the new arrivals are the clients' work, not
 * the loop's, and stay outside it.  The re-arm comes after the sample's
 * last call: a real loop re-arms an fd it has read, and re-arming one that
 * is still ready (nothing reads level-triggered fds here) would have the
 * next call of the same sample list it again.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>

#include "evb_clock.h"
#include "driver.h"

/*
 * Count the entries of the sample's list that are correct (made ready,
 * listed once) and the spurious ones (not made ready, out of range, or
 * listed again when the mechanism may not relist).  sample_id must be new
 * for every sample.
 */
static void check_sample(struct mux_side_ctx *s, uint32_t sample_id, int64_t *correct,
			 int64_t *spurious)
{
	const struct mux_ready *ready = &s->ready;
	bool may_relist = s->may_report & MUX_MAY_RELIST;

	*correct = *spurious = 0;
	for (int64_t i = 0; i < ready->n; i++) {
		int32_t idx = ready->idx[i];

		if (idx < 0 || idx >= s->opts->nfds || !s->is_active[idx]) {
			(*spurious)++;
		} else if (s->mark[idx] == sample_id) {
			*spurious += !may_relist;
		} else {
			s->mark[idx] = sample_id;
			(*correct)++;
		}
	}
}

/* Read every fd listed in ready[start..n) until EAGAIN: 0 or -errno. */
static int drain_listed(struct mux_side_ctx *s, int64_t start)
{
	const struct mux_fdset *fds = s->ctx->fds;

	for (int64_t i = start; i < s->ready.n; i++) {
		int32_t idx = s->ready.idx[i];
		int64_t got;

		if (idx < 0 || idx >= fds->n)
			continue;   /* spurious: counted by the check */
		got = fdset_drain(fds->type, fds->fd[idx]);
		if (got < 0)
			return (int)got;
	}
	return 0;
}

/*
 * One sample's calls, timed: 0, or -errno with what failed in *call.
 * Returns the duration through *ns and the number of calls with a report
 * through *reporting.
 */
static int timed_sample(struct mux_side_ctx *s, int64_t *ns, int64_t *reporting,
			const char **call)
{
	const struct mux_ops *ops = s->ops;
	struct mux_ctx *ctx = s->ctx;
	int64_t active = s->opts->active, n, t0, t1;
	int ret = 0;

	*reporting = 0;
	s->ready.n = 0;
	t0 = evb_now_ns();
	do {
		int64_t start = s->ready.n;

		n = ops->wait(ctx, 0, &s->ready);
		if (n < 0) {
			ret = (int)n;
			*call = "wait";
			break;
		}
		if (ctx->edge) {
			ret = drain_listed(s, start);
			*call = "read (drain)";
		}
		*reporting += n > 0;
	} while (!ret && ctx->max_listed && n == ctx->max_listed && s->ready.n < active);
	if (!ret && ops->rearm) {
		ret = ops->rearm(ctx, &s->ready);
		*call = "rearm";
	}
	t1 = evb_now_ns();
	*ns = t1 - t0;
	return ret;
}

int mux_scan_a(struct mux_side_ctx *s)
{
	const struct mux_opts *o = s->opts;
	struct mux_run *run = s->run;
	int64_t samples = o->common.warmup + o->common.iterations;
	struct mux_phase phase;
	int ret;

	/* The threads axis is what the process has: checked, not assumed. */
	ret = evb_thread_count();
	if (ret != o->threads) {
		char call[96];

		snprintf(call, sizeof(call), "the process has %d threads, the cell says %lld", ret,
			 (long long)o->threads);
		return mux_side_fail(s, SIDE_A, call, ret < 0 ? ret : -EPROTO);
	}
	for (int64_t k = 0; k < o->active; k++)
		s->is_active[mux_active_index(o, k)] = 1;
	ret = mux_poke_active(s);
	if (ret)
		return mux_side_fail(s, SIDE_A, "write (make ready)", ret);

	for (int64_t c = 0; c < samples; c++) {
		bool record = c >= o->common.warmup;
		int64_t correct, spurious, ns, reporting;
		const char *call = "wait";

		if (c == o->common.warmup) {
			mux_phase_start(s, &phase);
			s->ctx->syscalls = 0;
		}
		if (s->ctx->edge && c > 0) {
			/* Outside the sample: a fresh arrival on every active fd. */
			ret = mux_poke_active(s);
			if (ret)
				return mux_side_fail(s, SIDE_A, "write (make ready)", ret);
		}
		ret = timed_sample(s, &ns, &reporting, &call);
		if (ret)
			return mux_side_fail(s, SIDE_A, call, ret);
		if (record)
			mux_inject(s, &s->ready);
		check_sample(s, (uint32_t)c + 1, &correct, &spurious);
		if (!record)
			continue;
		evb_hist_record(&run->hist, ns);
		run->count_sent += o->active;
		run->delivered += correct;
		run->lost += o->active - correct;
		run->spurious += spurious;
		run->wakeups += reporting;
		atomic_store_explicit(&run->progress, c + 1 - o->common.warmup,
				      memory_order_relaxed);
	}
	mux_phase_end(s, &phase);
	run->syscalls = s->ctx->syscalls;
	return 0;
}
