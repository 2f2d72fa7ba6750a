/* report_notify.c - the notify family's section of the report. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "evb_axes.h"
#include "figures.h"
#include "report.h"
#include "family.h"

/* A notify cell: every axis past placement is empty in this family. */
static double cell(const struct report_ctx *ctx, struct report_trust *t, const char *mech,
		   const char *variant, const char *mode, const char *ipc, const char *placement,
		   const char *column)
{
	const char *const kv[] = { "family", "notify", "mechanism", mech, "variant", variant,
				   "mode", mode, "ipc", ipc, "placement", placement, NULL };

	return report_cell(ctx, t, kv, column);
}

/* The latency columns of the key-cell table, in order. */
static const struct {
	const char *mode, *ipc, *placement, *column;
} latency_cols[] = {
	{ "pingpong", "thread", "same-cpu", "p50_median" },
	{ "pingpong", "thread", "same-cpu", "p99_pooled" },
	{ "pingpong", "thread", "cross-cpu", "p50_median" },
	{ "pingpong", "process", "cross-cpu", "p50_median" },
	{ "wakeup", "thread", "cross-cpu", "p50_median" },
};

void report_notify(const struct report_ctx *ctx)
{
	struct doc *d = ctx->doc;
	char names[64][2][64];
	size_t n = report_mechanisms(ctx->summary, "notify", NULL, names, 64);
	struct report_trust trust;

	if (!n)
		return;
	doc_h(d, 2, "Notify: signals, eventfd, pipes, futex, condvar");
	doc_p(d, "Side A notifies side B (a thread or a process, pinned to the same CPU, to "
	      "two CPUs, or left free). pingpong: one sample is a round trip, A to B and back. "
	      "wakeup: one sample is A's clock before notify to B's clock after its wait "
	      "returns, B asleep when notified. burst: A sends N back to back; B counts what "
	      "arrives (standard signals merge while one is pending).");
	doc_figure(d, "notify_latency_pingpong_thread", "Round trip between two threads, "
		   "median p50 over repetitions (bar) and pooled p99 (whisker), log scale");
	doc_figure(d, "notify_latency_pingpong_process", "Round trip between two processes");
	doc_figure(d, "notify_latency_wakeup_thread", "One-way wakeup latency between threads");
	doc_figure(d, "notify_latency_wakeup_process", "One-way wakeup latency between processes");
	doc_figure(d, "notify_burst", "Burst: delivered share of sent, and delivered per second");

	const char *const heads[] = {
		"mechanism", "pingpong p50 thread same-cpu", "p99", "pingpong p50 thread cross-cpu",
		"pingpong p50 process cross-cpu", "wakeup p50 thread cross-cpu",
		"burst delivered/sent (process, free)", "burst delivered/s (thread, cross-cpu)",
	};

	memset(&trust, 0, sizeof(trust));
	doc_h(d, 3, "Key cells");
	doc_table(d, 8, heads);
	for (size_t i = 0; i < n; i++) {
		const char *m = names[i][0], *v = names[i][1];
		char label[140], c[7][32];
		double sent = cell(ctx, &trust, m, v, "burst", "process", "free", "sent_median");
		double got = cell(ctx, &trust, m, v, "burst", "process", "free", "delivered_median");

		evb_mech_label(label, sizeof(label), m, v);
		for (size_t k = 0; k < 5; k++)
			report_fmt_ns(c[k], 32, cell(ctx, &trust, m, v, latency_cols[k].mode,
						     latency_cols[k].ipc, latency_cols[k].placement,
						     latency_cols[k].column));
		report_fmt_pct(c[5], 32, sent > 0 ? 100.0 * got / sent : NAN);
		report_fmt_rate(c[6], 32, cell(ctx, &trust, m, v, "burst", "thread", "cross-cpu",
					       "ops_per_s_median"));
		const char *row[] = { label, c[0], c[1], c[2], c[3], c[4], c[5], c[6] };

		doc_row(d, row);
	}
	doc_table_end(d);
	report_trust_note(ctx, &trust);
}
