/*
 * family_serve.c - the serve family as the harness sees it: its driver,
 * planner, presets, figures, report section and claims.
 */
#include <stddef.h>

#include "family.h"
#include "plan.h"

const struct harness_family serve_family = {
	.name = "serve",
	.driver = "evb-serve",
	.plan = plan_serve,
};
