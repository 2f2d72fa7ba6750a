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

const struct harness_family notify_family = {
	.name = "notify",
	.driver = "evb-notify",
	.plan = plan_notify,
	.figures = figures_notify,
	.report = report_notify,
	.claims = claims_notify,
	.sentinel = notify_sentinel,
};
