/*
 * row.c - an evb-timer run's row: lateness percentiles with the early
 * wakeups kept, the counts, what the span cost (context switches per
 * period on each side, the machine's CPU time), and the check that decides
 * the status: samples + overruns = sent.
 */
#include <stdio.h>
#include <string.h>

#include "driver.h"

void timer_fill_row(const struct timer_run *r, struct evb_row *row)
{
	const struct timer_tally *t = &r->tally;
	const struct timer_cost *c = &r->cost;

	evb_row_set_hist_early(row, &r->hist, &r->early);
	row->sent = (r->span_end - r->span_begin) * r->ntimers;
	row->wakeups = t->wakeups;
	row->overruns = t->overruns;
	row->wall_ns = r->cost.wall_ns;
	row->cpu_user_ns = r->cost.waiter.user_ns;
	row->cpu_sys_ns = r->cost.waiter.sys_ns;
	row->machine_cpu_ns = r->cost.machine_cpu_ns;
	/* context switches per period: A the waiter, B the --load sibling (if any) */
	evb_driver_row_switches(row, &c->waiter, c->loaded ? &c->load : NULL,
				(double)(r->span_end - r->span_begin));
	evb_driver_row_rss(row, false);
}

/* What a reader of stderr should know about the counts. */
static void report_counts(const struct timer_run *r, const char *prog)
{
	const struct timer_tally *t = &r->tally;

	if (r->early.count)
		fprintf(stderr, "%s: %llu wakeups came BEFORE their deadline (min %lld ns), "
			"kept in the percentiles and counted in early\n", prog,
			(unsigned long long)r->early.count, (long long)r->hist.min);
	if (t->early_counts)
		fprintf(stderr, "%s: the mechanism counted %lld expirations before their "
			"deadline by CLOCK_MONOTONIC\n", prog, (long long)t->early_counts);
	if (t->counted && t->late_counts)
		fprintf(stderr, "%s: %lld deadlines passed between the mechanism's count and "
			"the clock read; they were served by the next, immediate wakeups "
			"(clock rule: %lld overruns, mechanism's count: %lld)\n", prog,
			(long long)t->late_counts, (long long)t->clock_overruns,
			(long long)t->overruns);
}

void timer_check_counts(const struct timer_run *r, struct evb_row *row)
{
	const struct timer_tally *t = &r->tally;
	int64_t sent = (r->span_end - r->span_begin) * r->ntimers;

	report_counts(r, r->opts->common.prog);
	if (t->samples + t->overruns != sent)
		evb_row_count_fail(row, "samples %lld + overruns %lld != sent %lld: the "
				   "schedule does not add up", (long long)t->samples,
				   (long long)t->overruns, (long long)sent);
	evb_row_check_counts(row, 0);
}
