/*
 * report_timer.c - the timer family's section of the report: its figures,
 * the p50/p99 lateness table at 1 ms (default slack, 1 ns slack,
 * SCHED_FIFO), what a busy CPU does, and the cyclictest twin cell.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "evb_axes.h"
#include "figures.h"
#include "report.h"
#include "family.h"

#define MAX_MECHS 64

/* The 1 ms cell of mech/variant with slack ("" default, "1"), sched, load, placement. */
static double cell(const struct report_ctx *ctx, struct report_trust *t, const char *mech,
		   const char *variant, const char *slack, const char *sched, const char *load,
		   const char *placement, const char *column)
{
	/* timerfd-epoll's one-timer cell says timers=1, every other mechanism "" */
	static const char *const timers[] = { "", "1" };

	for (int i = 0; i < 2; i++) {
		const char *const kv[] = { "family", "timer", "mechanism", mech, "variant", variant,
					   "mode", "lateness", "period_ns", "1000000",
					   "timers", timers[i], "timer_slack_ns", slack,
					   "sched", sched, "load", load, "placement", placement,
					   "ipc", "", "fd_type", "", "nfds", "", "active", "", NULL };

		if (harness_find_row(ctx->summary, kv) >= 0)
			return report_cell(ctx, t, kv, column);
	}
	return NAN;
}

/* One column of a lateness table: which cell at 1 ms, which figure. */
struct lateness_col {
	const char *slack, *sched, *load, *column;
};

static const struct lateness_col lateness_cols[] = {
	{ "", "other", "none", "p50_median" }, { "", "other", "none", "p99_pooled" },
	{ "1", "other", "none", "p50_median" }, { "1", "other", "none", "p99_pooled" },
	{ "", "fifo", "none", "p50_median" }, { "", "fifo", "none", "p99_pooled" },
};

static const struct lateness_col load_cols[] = {
	{ "", "other", "none", "p99_pooled" }, { "", "other", "busy", "p99_pooled" },
	{ "", "fifo", "none", "p99_pooled" }, { "", "fifo", "busy", "p99_pooled" },
};

static double col_value(const struct report_ctx *ctx, struct report_trust *t, const char *m,
			const char *v, const struct lateness_col *c)
{
	return cell(ctx, t, m, v, c->slack, c->sched, c->load, "same-cpu", c->column);
}

static void lateness_table(const struct report_ctx *ctx, char names[][2][64], size_t n)
{
	struct doc *d = ctx->doc;
	const char *const heads[] = {
		"mechanism", "p50 default slack", "p99 default slack", "p50 1 ns slack",
		"p99 1 ns slack", "p50 SCHED_FIFO", "p99 SCHED_FIFO",
		"overruns per 1000 deadlines (default slack)",
	};
	struct report_trust trust = { 0 };

	doc_h(d, 3, "Lateness at a 1 ms period");
	doc_p(d, "Median over repetitions of each run's percentile. SCHED_OTHER unless "
	      "stated, waiter pinned, no load.");
	doc_table(d, 8, heads);
	for (size_t i = 0; i < n; i++) {
		const char *m = names[i][0], *v = names[i][1];
		char label[140], c[7][32];
		double overruns = cell(ctx, &trust, m, v, "", "other", "none", "same-cpu",
				       "overruns_median");
		double sent = cell(ctx, &trust, m, v, "", "other", "none", "same-cpu",
				   "sent_median");

		evb_mech_label(label, sizeof(label), m, v);
		for (size_t k = 0; k < 6; k++)
			report_fmt_ns(c[k], 32, col_value(ctx, &trust, m, v, &lateness_cols[k]));
		if (sent > 0)
			snprintf(c[6], 32, "%.3g", 1000.0 * overruns / sent);
		else
			snprintf(c[6], 32, "-");
		const char *row[] = { label, c[0], c[1], c[2], c[3], c[4], c[5], c[6] };

		doc_row(d, row);
	}
	doc_table_end(d);
	report_trust_note(ctx, &trust);
}

static void load_table(const struct report_ctx *ctx, char names[][2][64], size_t n)
{
	struct doc *d = ctx->doc;
	const char *const heads[] = {
		"mechanism", "p99 other", "p99 other + busy CPU", "p99 fifo",
		"p99 fifo + busy CPU",
	};
	struct report_trust trust = { 0 };
	bool any = false;

	for (size_t i = 0; i < n && !any; i++)
		any = !isnan(col_value(ctx, NULL, names[i][0], names[i][1], &load_cols[1]));
	if (!any)
		return;
	doc_h(d, 3, "A busy CPU");
	doc_p(d, "The same cells with a busy SCHED_OTHER sibling thread pinned to the "
	      "waiter's CPU (default slack, 1 ms).");
	doc_table(d, 5, heads);
	for (size_t i = 0; i < n; i++) {
		const char *m = names[i][0], *v = names[i][1];
		char label[140], c[4][32];

		if (isnan(col_value(ctx, NULL, m, v, &load_cols[1])))
			continue;
		evb_mech_label(label, sizeof(label), m, v);
		for (size_t k = 0; k < 4; k++)
			report_fmt_ns(c[k], 32, col_value(ctx, &trust, m, v, &load_cols[k]));
		const char *row[] = { label, c[0], c[1], c[2], c[3] };

		doc_row(d, row);
	}
	doc_table_end(d);
	report_trust_note(ctx, &trust);
}

static void cyclictest_twin(const struct report_ctx *ctx)
{
	struct doc *d = ctx->doc;
	static const char *const figures[] = { "min_median", "p50_median", "p99_pooled",
					       "max_median" };
	struct report_trust trust = { 0 };
	char c[4][32];

	if (isnan(cell(ctx, NULL, "clock-nanosleep", "abs", "", "other", "none", "free",
		       "p50_median")))
		return;
	for (size_t k = 0; k < 4; k++)
		report_fmt_ns(c[k], 32, cell(ctx, &trust, "clock-nanosleep", "abs", "", "other",
					     "none", "free", figures[k]));
	doc_h(d, 3, "Beside cyclictest");
	doc_p(d, "clock-nanosleep abs, 1 ms, unpinned SCHED_OTHER, inherited slack is the loop "
	      "of `cyclictest --default-system -t1 -i1000` (clock_nanosleep TIMER_ABSTIME on "
	      "CLOCK_MONOTONIC, latency = clock after wakeup - deadline, skip ahead when "
	      "late): min %s, p50 %s, p99 %s, max %s (medians over repetitions). Run "
	      "cyclictest on the same machine, alone, to compare.", c[0], c[1], c[2], c[3]);
	report_trust_note(ctx, &trust);
}

void report_timer(const struct report_ctx *ctx)
{
	struct doc *d = ctx->doc;
	char names[MAX_MECHS][2][64];
	size_t n = report_mechanisms(ctx->summary, "timer", NULL, names, MAX_MECHS);

	if (!n)
		return;
	doc_h(d, 2, "Timer: timerfd, POSIX timers, sleeps and wait timeouts");
	doc_p(d, "The waiter serves absolute CLOCK_MONOTONIC deadlines t0 + k x period. One "
	      "sample is its lateness: the clock right after the wait returned minus the "
	      "deadline. A wakeup more than a period late skips the deadlines that passed "
	      "meanwhile (cyclictest's rule); those are overruns. Timer slack delays sleeps "
	      "and poll-family timeouts (not timerfd, POSIX timers or io_uring timeouts); "
	      "SCHED_FIFO threads get none. epoll_wait rounds its timeout up to whole ms.");
	doc_figure(d, "timer_lateness", "Lateness at 1 ms per mechanism: p50 bar, p99 whisker, "
		   "max marker; default slack, 1 ns slack, SCHED_FIFO");
	doc_figure(d, "timer_cdf", "Lateness CDF at 1 ms, all repetitions merged: default "
		   "slack beside 1 ns slack");
	doc_figure(d, "timer_periods", "Lateness and overruns against the period");
	doc_figure(d, "timer_many", "timerfd-epoll: lateness against the number of timerfds "
		   "in one epoll set");
	lateness_table(ctx, names, n);
	load_table(ctx, names, n);
	cyclictest_twin(ctx);
}
