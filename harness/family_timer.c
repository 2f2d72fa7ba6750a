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

const struct harness_family timer_family = {
	.name = "timer",
	.driver = "evb-timer",
	.plan = plan_timer,
	.figures = figures_timer,
	.report = report_timer,
	.presets = plan_timer_presets,
	.claims = claims_timer,
};
