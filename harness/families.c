/* families.c - the families evbench knows, in run order. */
#include <stddef.h>

#include "figures.h"
#include "plan.h"
#include "report.h"

static const struct harness_family notify_family = {
	.name = "notify",
	.driver = "evb-notify",
	.plan = plan_notify,
	.figures = figures_notify,
	.report = report_notify,
};

static const struct harness_family mux_family = {
	.name = "mux",
	.driver = "evb-mux",
	.plan = plan_mux,
	.figures = figures_mux,
	.report = report_mux,
	.presets = plan_mux_presets,
};

static const struct harness_family timer_family = {
	.name = "timer",
	.driver = "evb-timer",
	.plan = plan_timer,
	.figures = figures_timer,
	.report = report_timer,
	.presets = plan_timer_presets,
};

const struct harness_family *const harness_families[] = {
	&notify_family,
	&mux_family,
	&timer_family,
};

const size_t harness_nfamilies = sizeof(harness_families) / sizeof(harness_families[0]);
