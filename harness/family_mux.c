/*
 * family_mux.c - the mux family as the harness sees it: its driver,
 * planner, presets, figures, report section and claims.
 */
#include <stddef.h>

#include "claims.h"
#include "figures.h"
#include "plan.h"
#include "report.h"

/* Defined in plan_mux.c, figures_mux.c, report_mux.c, claims_mux.c. */
int plan_mux(struct harness_plan *plan, const struct harness_plan_req *req,
	     const struct harness_mech *mechs, size_t nmechs);
extern const char *const plan_mux_presets[];
int figures_mux(const struct harness_figctx *ctx);
void report_mux(const struct report_ctx *ctx);
extern const struct claim *const claims_mux[];

const struct harness_family mux_family = {
	.name = "mux",
	.driver = "evb-mux",
	.plan = plan_mux,
	.figures = figures_mux,
	.report = report_mux,
	.presets = plan_mux_presets,
	.claims = claims_mux,
};
