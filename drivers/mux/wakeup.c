/*
 * wakeup.c - wakeup mode (mux.h): one sample is the time from B's clock
 * just before it writes one random fd to A's clock after A's blocking wait
 * returned and the fd was identified among nfds.  B writes only once A is
 * verifiably asleep in the wait (evb_wait_until_asleep: A's thread shows
 * state S) and --gap-ns more have passed (EVB_WAKEUP_GAP_NS by default, as
 * every driver's wakeup), so the sample is a wakeup from sleep, never an
 * event caught on the way in.
 *
 *   B: wait for A's ack and "waiting" | A asleep? | gap | t0 = now, write fd
 *   A: wait(blocking) ......................... returns, fd found, t1 = now
 *      read it, re-arm, ack                                sample = t1 - t0
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>

#include "evb_clock.h"
#include "evb_stats.h"
#include "driver.h"

/* B: one round: wait for A's previous ack, for A asleep, then write.
 * 1 written, 0 A stopped, -errno. */
static int write_round(struct mux_side_ctx *s, struct evb_asleep *asleep_a,
		       struct evb_rng *rng, struct mux_b_track *track, int64_t r)
{
	const struct mux_opts *o = s->opts;
	struct mux_run *run = s->run;
	int asleep;

	while (atomic_load(&run->acked) < r || !atomic_load(&run->waiting)) {
		if (atomic_load(&run->stop))
			return 0;
		sched_yield();
	}
	mux_b_follow(s, track);   /* A is in round r: maybe the first measured */
	asleep = evb_wait_until_asleep(asleep_a, EVB_ASLEEP_TIMEOUT_NS);
	if (asleep < 0)
		return mux_side_fail(s, SIDE_B, "read A's thread state", asleep);
	if (!asleep)
		run->not_asleep++;
	evb_spin_yield_ns(o->gap_ns);

	int32_t target = (int32_t)evb_rng_below(rng, (size_t)o->nfds);
	int ret;

	atomic_store(&run->target, target);
	atomic_store(&run->stamp_ns, evb_now_ns());
	atomic_store(&run->written, r + 1);
	ret = fdset_poke(o->fd_type, s->peer[target]);
	if (ret)
		return mux_side_fail(s, SIDE_B, "write (make ready)", ret);
	return 1;
}

int mux_wakeup_b(struct mux_side_ctx *s)
{
	const struct mux_opts *o = s->opts;
	int64_t rounds = o->common.warmup + o->common.iterations;
	struct mux_b_track track = { 0 };
	struct evb_asleep asleep_a;
	struct evb_rng rng;
	int ret = evb_asleep_open(&asleep_a, s->run->a_pid, s->run->a_tid);

	if (ret)
		return mux_side_fail(s, SIDE_B, "open /proc/PID/task/TID/stat", ret);
	evb_rng_seed(&rng, 0x6d7578ULL + (uint64_t)o->common.rep);
	for (int64_t r = 0; r < rounds; r++) {
		ret = write_round(s, &asleep_a, &rng, &track, r);
		if (ret <= 0)
			break;
		ret = 0;
	}
	mux_b_done(s, &track);
	evb_asleep_close(&asleep_a);
	return ret;
}

/* A: wait until the round's fd is reported (found) or given up (lost). */
static int await_round(struct mux_side_ctx *s, int64_t r, bool record, int64_t *t1,
		       int64_t *stamp, int32_t *target, int *found, int *lost,
		       int64_t *spurious)
{
	struct mux_run *run = s->run;

	*found = *lost = 0;
	*spurious = 0;
	*target = -1;
	while (!*found && !*lost) {
		int64_t n;

		s->ready.n = 0;
		n = s->ops->wait(s->ctx, MUX_WAIT_SLICE_NS, &s->ready);
		*t1 = evb_now_ns();
		if (n < 0)
			return mux_side_fail(s, SIDE_A, "wait", (int)n);
		if (atomic_load(&run->stop))
			return -ECANCELED;
		if (record && mux_inject_spurious(s))
			(*spurious)++;
		if (n > 0 && record)
			run->wakeups++;
		int written = atomic_load(&run->written) == r + 1;

		if (written) {
			*target = atomic_load(&run->target);
			*stamp = atomic_load(&run->stamp_ns);
		}
		for (int64_t i = 0; i < s->ready.n; i++) {
			if (written && s->ready.idx[i] == *target && !*found)
				*found = 1;
			else
				(*spurious)++;
		}
		*lost = !*found && written && *t1 - *stamp > MUX_LOST_AFTER_NS;
	}
	return 0;
}

int mux_wakeup_a(struct mux_side_ctx *s)
{
	const struct mux_opts *o = s->opts;
	struct mux_run *run = s->run;
	int64_t rounds = o->common.warmup + o->common.iterations;
	struct mux_phase phase;

	for (int64_t r = 0; r < rounds; r++) {
		bool record = r >= o->common.warmup;
		int found, lost, ret;
		int64_t t1 = 0, stamp = 0, spurious;
		int32_t target;

		if (r == o->common.warmup)
			mux_phase_start(s, &phase);
		atomic_store(&run->waiting, 1);
		ret = await_round(s, r, record, &t1, &stamp, &target, &found, &lost, &spurious);
		if (ret)
			return ret;
		atomic_store(&run->waiting, 0);
		/* Consume the unit (also when it was never reported) and re-arm. */
		int64_t got = fdset_drain(o->fd_type, s->ctx->fds->fd[target]);

		if (got < 0)
			return mux_side_fail(s, SIDE_A, "read", (int)got);
		if (s->ops->rearm) {
			ret = s->ops->rearm(s->ctx, &s->ready);
			if (ret)
				return mux_side_fail(s, SIDE_A, "rearm", ret);
		}
		if (record) {
			if (found)
				evb_hist_record(&run->hist, t1 - stamp);
			run->count_sent++;
			run->delivered += found;
			run->lost += lost;
			run->spurious += spurious;
			atomic_store_explicit(&run->progress, r + 1 - o->common.warmup,
					      memory_order_relaxed);
		}
		atomic_store(&run->acked, r + 1);
	}
	mux_phase_end(s, &phase);
	return 0;
}
