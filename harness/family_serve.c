/*
 * family_serve.c - the serve family as the harness sees it: its driver,
 * planner, presets, figures, report section and claims.
 */
#include <stddef.h>

#include "claims.h"
#include "family.h"
#include "figures.h"
#include "plan.h"
#include "report.h"

const struct harness_family serve_family = {
	.name = "serve",
	.driver = "evb-serve",
	.plan = plan_serve,
	.figures = figures_serve,
	.report = report_serve,
	.presets = plan_serve_presets,
	.claims = claims_serve,
};
