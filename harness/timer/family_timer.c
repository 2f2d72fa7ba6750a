/*
 * family_timer.c - the timer family as the harness sees it: its driver,
 * planner, presets, figures, report section and claims.
 */
#include <stddef.h>

#include "claims.h"
#include "family.h"
#include "figures.h"
#include "plan.h"
#include "report.h"

/*
 * The report's key result: lateness at a 1 ms period under SCHED_OTHER with
 * the default timer slack, waiter pinned, no load: what an unprivileged
 * program gets, and the cell every profile runs for every mechanism
 * (timerfd-epoll's says timers=1; its timers sweep is left out); and how
 * lateness moves with the period (quick and up: 100 us and 10 ms).
 */
#define TIMER_KEY_KV(...) \
	(const char *const[]){ "family", "timer", "mode", "lateness", "timer_slack_ns", "", \
			       "sched", "other", "load", "none", "placement", "same-cpu", \
			       "timers", "|1", __VA_ARGS__ NULL }

static const struct report_key timer_key = {
	.figures = { { "timer_lateness", "Lateness at 1 ms per mechanism: p50 bar, p99 whisker, "
		       "max marker; default slack, 1 ns slack, SCHED_FIFO" } },
	.what = "Lateness of a periodic wakeup (SCHED_OTHER, default slack, pinned)",
	.figure = "p50",
	.cells = { { "at a 1 ms period", TIMER_KEY_KV("period_ns", "1000000",) } },
	.scan = { .axis = "period_ns", .figure = "p50", .what = "lateness",
		  .kv = TIMER_KEY_KV() },
};

const struct harness_family timer_family = {
	.name = "timer",
	.driver = "evb-timer",
	.plan = plan_timer,
	.figures = figures_timer,
	.report = report_timer,
	.presets = plan_timer_presets,
	.claims = claims_timer,
	.keys = { &timer_key },
};
