/*
 * family_mux.c - the mux family as the harness sees it: its driver,
 * planner, presets, figures, report section and claims.
 */
#include <stddef.h>

#include "claims.h"
#include "family.h"
#include "figures.h"
#include "plan.h"
#include "report.h"

const struct harness_family mux_family = {
	.name = "mux",
	.driver = "evb-mux",
	.plan = plan_mux,
	.figures = figures_mux,
	.report = report_mux,
	.presets = plan_mux_presets,
	.claims = claims_mux,
};
