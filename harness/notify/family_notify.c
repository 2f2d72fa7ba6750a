/*
 * family_notify.c - the notify family as the harness sees it: its driver,
 * planner, figures, report section and claims, and the run's sentinel.
 */
#include <stddef.h>

#include "claims.h"
#include "family.h"
#include "evb_clock.h"
#include "figures.h"
#include "plan.h"
#include "report.h"

/*
 * The run's sentinels (run_sentinel.c): pipe pingpong between two threads,
 * on one CPU and across two, 2000 round trips (~20 ms) each, cheap enough
 * to repeat every ~30 s and simple enough that their drift is the
 * machine's (its scheduler, its wakeups between CPUs), not the
 * mechanism's.  On one online CPU the cross-cpu one is a skipped row with
 * the driver's reason.
 */
static void notify_sentinel(struct harness_cell cells[HARNESS_NSENTINELS])
{
	static const char *const placements[HARNESS_NSENTINELS] = { "same-cpu", "cross-cpu" };

	for (int i = 0; i < HARNESS_NSENTINELS; i++) {
		struct harness_cell *cell = &cells[i];

		harness_cell_init(cell, "notify");
		evb_row_set(&cell->axes, mechanism, "pipe");
		evb_row_set(&cell->axes, mode, "pingpong");
		evb_row_set(&cell->axes, ipc, "thread");
		evb_row_set(&cell->axes, placement, placements[i]);
		cell->iterations = 2000;
		cell->timeout_ns = 10 * EVB_NSEC_PER_SEC;
	}
}

/*
 * The report's key result: the round trip between two threads on two CPUs,
 * every mechanism and variant.  Every profile measures it (smoke nothing
 * else in pingpong), and waking a thread on another CPU is what a
 * notification mechanism is used for; on one online CPU, on one CPU.
 */
#define NOTIFY_KEY_KV(placement_) \
	(const char *const[]){ "family", "notify", "mode", "pingpong", "ipc", "thread", \
			       "placement", placement_, NULL }

static const struct report_key notify_key = {
	.figures = { { "notify_latency_pingpong_thread", "Round trip between two threads, "
		       "median p50 over repetitions (bar) and pooled p99 (whisker), log scale" } },
	.what = "Round trip between two threads",
	.figure = "p50",
	.cells = { { "on two CPUs", NOTIFY_KEY_KV("cross-cpu") },
		   { "on one CPU", NOTIFY_KEY_KV("same-cpu") } },
};

const struct harness_family notify_family = {
	.name = "notify",
	.driver = "evb-notify",
	.plan = plan_notify,
	.figures = figures_notify,
	.report = report_notify,
	.claims = claims_notify,
	.key = &notify_key,
	.sentinel = notify_sentinel,
};
