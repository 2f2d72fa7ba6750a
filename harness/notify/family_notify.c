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

/*
 * The loop-wake key results: a thread blocked in its event loop, woken by
 * another thread, one way; the fastest way per kind of loop.  Which loop a
 * variant's waiter sits in is notify.h's rule: a variant named epoll sits
 * in epoll_wait, an io_uring-* mechanism's others in io_uring_enter.
 */
#define NOTIFY_LOOP_KV(placement_, mech_, variant_) \
	(const char *const[]){ "family", "notify", "mode", "wakeup", "ipc", "thread", \
			       "placement", placement_, "mechanism", mech_, "variant", variant_, \
			       NULL }
#define NOTIFY_LOOP_FIGURE { { "notify_loop_wakeup", "One-way wakeup of a thread blocked " \
			       "in its event loop: the epoll loop's ways (epoll:), then the " \
			       "io_uring loop's (ring:)" } }

static const struct report_key notify_epoll_loop_key = {
	.title = "waking an epoll loop",
	.figures = NOTIFY_LOOP_FIGURE,
	.what = "One-way wakeup of a thread blocked in epoll_wait, from another thread",
	.figure = "p50",
	.cells = { { "on two CPUs", NOTIFY_LOOP_KV("cross-cpu", "*", "epoll") },
		   { "on one CPU", NOTIFY_LOOP_KV("same-cpu", "*", "epoll") } },
};

static const struct report_key notify_ring_loop_key = {
	.title = "waking an io_uring loop",
	.figures = NOTIFY_LOOP_FIGURE,
	.what = "One-way wakeup of a thread blocked in io_uring_enter, from another thread",
	.figure = "p50",
	.cells = { { "on two CPUs", NOTIFY_LOOP_KV("cross-cpu", "io_uring*", "!epoll") },
		   { "on one CPU", NOTIFY_LOOP_KV("same-cpu", "io_uring*", "!epoll") } },
};

const struct harness_family notify_family = {
	.name = "notify",
	.driver = "evb-notify",
	.plan = plan_notify,
	.figures = figures_notify,
	.report = report_notify,
	.claims = claims_notify,
	.keys = { &notify_key, &notify_epoll_loop_key, &notify_ring_loop_key },
	.sentinel = notify_sentinel,
};
