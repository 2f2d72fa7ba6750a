/* report_notify.c - the notify family's section of the report. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "evb_axes.h"
#include "figures.h"
#include "report.h"
#include "family.h"
#include "notify_loop.h"

/* A way to notify: mechanism, variant, io_uring setup ("" for none), and
 * its label as the figures name it (harness_mech_label). */
struct way {
	char mech[64], variant[64], setup[16], label[160];
};

/* The distinct ways of the notify rows, in first-seen order. */
static size_t collect_ways(const struct evb_table *s, struct way *ways, size_t max)
{
	size_t n = 0;

	for (size_t r = 0; r < s->nrows && n < max; r++) {
		struct way w;
		size_t i = 0;

		if (strcmp(harness_str(s, r, "family"), "notify") ||
		    !strcmp(harness_str(s, r, "mode"), "exit"))
			continue;   /* the exit-* mechanisms have their own figure */
		snprintf(w.mech, sizeof(w.mech), "%s", harness_str(s, r, "mechanism"));
		snprintf(w.variant, sizeof(w.variant), "%s", harness_str(s, r, "variant"));
		snprintf(w.setup, sizeof(w.setup), "%s", harness_str(s, r, "uring_setup"));
		while (i < n && (strcmp(ways[i].mech, w.mech) || strcmp(ways[i].variant, w.variant) ||
				 strcmp(ways[i].setup, w.setup)))
			i++;
		if (i == n) {
			harness_mech_label(s, r, w.label, sizeof(w.label));
			ways[n++] = w;
		}
	}
	return n;
}

/* A notify cell: every axis past placement but uring_setup is empty here. */
static double cell(const struct report_ctx *ctx, struct report_trust *t, const struct way *w,
		   const char *mode, const char *ipc, const char *placement, const char *column)
{
	const char *const kv[] = { "family", "notify", "mechanism", w->mech, "variant", w->variant,
				   "uring_setup", w->setup, "mode", mode, "ipc", ipc,
				   "placement", placement, NULL };

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

/*
 * The loop ways' one-way wakeup and round trip between threads, and what a
 * wakeup costs in CPU: from pingpong on two CPUs, both threads' CPU clocks
 * over the measured phase per round trip (cpu_ab_ns_per_op), halved, as a
 * round trip is two wakeups (a wake, and a sleep in the loop until woken,
 * on each side).  Not from mode wakeup, whose A spins while it verifies
 * that B sleeps.
 */
static void loop_table(const struct report_ctx *ctx, const struct way *ways, size_t n)
{
	static const char *const heads[] = {
		"loop", "way", "wakeup p50 same-cpu", "wakeup p50 cross-cpu",
		"round trip p50 cross-cpu", "CPU per wakeup, both threads (cross-cpu)",
	};
	struct report_trust trust;
	size_t rows = 0;

	memset(&trust, 0, sizeof(trust));
	for (int k = 0; k < 2; k++) {
		const char *loop = k ? "ring" : "epoll";

		for (size_t i = 0; i < n; i++) {
			const char *kind = notify_loop_kind(ways[i].mech, ways[i].variant);
			char c[4][32];

			if (!kind || strcmp(kind, loop))
				continue;
			if (!rows++)
				doc_table(ctx->doc, 6, heads);
			report_fmt_ns(c[0], 32, cell(ctx, &trust, &ways[i], "wakeup", "thread",
						     "same-cpu", "p50_median"));
			report_fmt_ns(c[1], 32, cell(ctx, &trust, &ways[i], "wakeup", "thread",
						     "cross-cpu", "p50_median"));
			report_fmt_ns(c[2], 32, cell(ctx, &trust, &ways[i], "pingpong", "thread",
						     "cross-cpu", "p50_median"));
			report_fmt_ns(c[3], 32, cell(ctx, &trust, &ways[i], "pingpong", "thread",
						     "cross-cpu", "cpu_ab_ns_per_op_median") / 2);
			const char *row[] = { loop, ways[i].label, c[0], c[1], c[2], c[3] };

			doc_row(ctx->doc, row);
		}
	}
	if (rows) {
		doc_table_end(ctx->doc);
		report_trust_note(ctx, &trust);
	}
}

void report_notify(const struct report_ctx *ctx)
{
	struct doc *d = ctx->doc;
	struct way ways[64];
	size_t n = collect_ways(ctx->summary, ways, 64);
	struct report_trust trust;

	if (!n)
		return;
	doc_h(d, 2, "Notify: signals, eventfd, pipes, futexes, condvar, io_uring's wake-ups, "
	      "a child's exit");
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
	doc_h(d, 3, "Waking a thread's event loop");
	doc_p(d, "The question event-loop authors ask: a thread is blocked in its loop, how "
	      "should another thread wake it? An epoll loop (epoll:) sleeps in epoll_wait: "
	      "woken through an eventfd it watches (eventfd/epoll), or through a ring whose "
	      "completions signal an eventfd it watches (a MSG_RING into that ring, or a "
	      "futex wait the ring holds). An io_uring loop (ring:) sleeps in io_uring_enter "
	      "for a completion: woken by a MSG_RING from the waker's ring or from no ring "
	      "(sync), by a futex wake of the IORING_OP_FUTEX_WAIT it holds (from futex(2) or "
	      "from the waker's ring), or by a write to an eventfd it reads "
	      "(io_uring-read). Each io_uring way runs under each setup measured "
	      "(/defer: SINGLE_ISSUER | DEFER_TASKRUN).");
	doc_figure(d, "notify_loop_wakeup", "One-way wakeup of a thread blocked in its event loop, "
		   "same-cpu and cross-cpu: median p50 over repetitions (bar), pooled p99 "
		   "(whisker)");
	doc_figure(d, "notify_loop_pingpong", "Round trip between two threads, each blocked in "
		   "its event loop when the other wakes it");
	loop_table(ctx, ways, n);
	doc_h(d, 3, "A child's exit as an event");
	doc_p(d, "Mode exit: the parent forks a child per sample and sleeps until it learns "
	      "that the child exited: in waitid, reading SIGCHLD from a signalfd, polling the "
	      "child's pidfd (alone, or in an epoll set), or waiting on its ring's "
	      "IORING_OP_WAITID. One sample is the child's clock just before _exit to the "
	      "parent's after its wait returns; the child exits only once the parent is seen "
	      "asleep.");
	doc_figure(d, "notify_exit", "A child's exit to its parent's wakeup, median p50 over "
		   "repetitions (bar) and pooled p99 (whisker)");

	const char *const heads[] = {
		"mechanism", "pingpong p50 thread same-cpu", "p99", "pingpong p50 thread cross-cpu",
		"pingpong p50 process cross-cpu", "wakeup p50 thread cross-cpu",
		"burst delivered/sent (process, free)", "burst delivered/s (thread, cross-cpu)",
	};

	memset(&trust, 0, sizeof(trust));
	doc_h(d, 3, "Key cells");
	doc_table(d, 8, heads);
	for (size_t i = 0; i < n; i++) {
		const struct way *w = &ways[i];
		char c[7][32];
		double sent = cell(ctx, &trust, w, "burst", "process", "free", "sent_median");
		double got = cell(ctx, &trust, w, "burst", "process", "free", "delivered_median");

		for (size_t k = 0; k < 5; k++)
			report_fmt_ns(c[k], 32, cell(ctx, &trust, w, latency_cols[k].mode,
						     latency_cols[k].ipc, latency_cols[k].placement,
						     latency_cols[k].column));
		report_fmt_pct(c[5], 32, sent > 0 ? 100.0 * got / sent : NAN);
		report_fmt_rate(c[6], 32, cell(ctx, &trust, w, "burst", "thread", "cross-cpu",
					       "ops_per_s_median"));
		const char *row[] = { w->label, c[0], c[1], c[2], c[3], c[4], c[5], c[6] };

		doc_row(d, row);
	}
	doc_table_end(d);
	report_trust_note(ctx, &trust);
}
