/*
 * schedule.c - the deadlines a run serves and what each wakeup counts:
 * one sample, or overruns by cyclictest's skip-ahead (main.c's opening
 * comment; timer.h draws it).
 */
#include <errno.h>
#include <stdio.h>

#include "evb_clock.h"
#include "driver.h"

static int64_t deadline_of(const struct timer_run *r, int64_t timer)
{
	return r->first[timer] + r->next[timer] * r->opts->period_ns;
}

/* Number of deadline indexes in [lo, hi) that fall in the measured span. */
static int64_t in_span(const struct timer_run *r, int64_t lo, int64_t hi)
{
	if (lo < r->span_begin)
		lo = r->span_begin;
	if (hi > r->span_end)
		hi = r->span_end;
	return hi > lo ? hi - lo : 0;
}

/*
 * One timer went off at now: take the sample if its deadline is in the
 * measured span, skip the deadlines that passed too, and move that timer's
 * schedule on.
 */
static void account(struct timer_run *r, const struct timer_fire *f, int64_t now)
{
	const struct timer_opts *o = r->opts;
	struct timer_tally *t = &r->tally;
	int64_t k = r->next[f->timer];
	int64_t lateness = now - deadline_of(r, f->timer);
	int64_t missed = lateness > 0 ? (lateness - 1) / o->period_ns : 0;
	int64_t advance = 1 + missed;               /* cyclictest's skip-ahead */
	bool measured = in_span(r, k, k + 1) == 1;

	if (f->expirations > 0) {
		/* the kernel's count moves its own timer's schedule */
		if (measured && f->expirations > advance)
			t->early_counts += f->expirations - advance;
		else if (measured)
			t->late_counts += advance - f->expirations;
		advance = f->expirations;
		t->counted = true;
	}
	r->next[f->timer] = k + advance;
	t->overruns += in_span(r, k + 1, k + advance);
	if (!measured)
		return;
	if (++r->measured_seen == o->inject_miss)
		return;   /* test aid: a sample the tally never sees */
	evb_hist_record(&r->hist, lateness);
	if (lateness < 0)
		evb_hist_record(&r->early, -lateness);   /* kept: the early column */
	t->samples++;
	t->clock_overruns += missed;
	atomic_store_explicit(&r->progress, t->samples, memory_order_relaxed);
	if (t->samples == o->stall_at)
		evb_spin_ns(o->stall_ns);   /* stuck, no yield: its timers keep running */
}

int timer_run_until(struct timer_run *r, int64_t until)
{
	int64_t done = 0;

	for (int64_t i = 0; i < r->ntimers; i++)
		done += r->next[i] >= until;
	while (done < r->ntimers) {
		int n = r->ops->wait(r->ctx, deadline_of(r, 0), r->fired);
		int64_t now = evb_now_ns();
		int64_t samples_before = r->tally.samples;

		if (n < 1 || n > r->ntimers) {
			snprintf(r->failed_call, sizeof(r->failed_call), "%s wait",
				 r->ops->base.name);
			return n < 0 ? n : -EPROTO;
		}
		for (int j = 0; j < n; j++) {
			const struct timer_fire *f = &r->fired[j];

			if (f->timer < 0 || f->timer >= r->ntimers || f->expirations < 0) {
				snprintf(r->failed_call, sizeof(r->failed_call),
					 "%s wait: bad timer %lld", r->ops->base.name,
					 (long long)f->timer);
				return -EPROTO;
			}
			bool was_done = r->next[f->timer] >= until;

			account(r, f, now);
			done += !was_done && r->next[f->timer] >= until;
		}
		r->tally.wakeups += r->tally.samples > samples_before;
	}
	return 0;
}

