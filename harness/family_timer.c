/*
 * family_timer.c - the timer family as the harness sees it: its driver,
 * planner, presets, figures, report section and claims.
 */
#include <stddef.h>

#include "claims.h"
#include "figures.h"
#include "plan.h"
#include "report.h"

/* Defined in plan_timer.c, figures_timer.c, report_timer.c, claims_timer.c. */
int plan_timer(struct harness_plan *plan, const struct harness_plan_req *req,
	       const struct harness_mech *mechs, size_t nmechs);
extern const char *const plan_timer_presets[];
int figures_timer(const struct harness_figctx *ctx);
void report_timer(const struct report_ctx *ctx);
extern const struct claim *const claims_timer[];

const struct harness_family timer_family = {
	.name = "timer",
	.driver = "evb-timer",
	.plan = plan_timer,
	.figures = figures_timer,
	.report = report_timer,
	.presets = plan_timer_presets,
	.claims = claims_timer,
};
