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

/*
 * The report's key result: one wait call with timeout 0 over 1,000
 * registered eventfds, one ready, ranked; and how that call's cost grows
 * with the fds.  1,000 is the largest size quick and standard both scan at
 * which select's fd_set still works (FD_SETSIZE 1024), so every mechanism
 * is in the ranking; smoke scans 100 and 1,100.
 */
#define MUX_KEY_KV(...) \
	(const char *const[]){ "family", "mux", "mode", "scan", "fd_type", "eventfd", "ipc", \
			       "thread", "placement", "same-cpu", "active", "1", "threads", "1", \
			       __VA_ARGS__ NULL }

static const struct report_key mux_key = {
	.figures = { { "mux_scan", "Scan: ns per call vs registered fds, 1 ready (log-log)" } },
	.what = "One wait call (timeout 0) over registered eventfds, 1 ready,",
	.figure = "p50",
	.cells = { { "at 1,000 fds", MUX_KEY_KV("nfds", "1000",) },
		   { "at 1,100 fds", MUX_KEY_KV("nfds", "1100",) },
		   { "at 100 fds", MUX_KEY_KV("nfds", "100",) } },
	.scan = { .axis = "nfds", .unit = " fds", .figure = "p50", .what = "scan time",
		  .kv = MUX_KEY_KV() },
};

/* summary.csv's own mux figures: each side's CPU per event (loop, wakeup),
 * both together, and a scan sample's system calls. */
static const char *const mux_summary_figures[] = {
	"cpu_a_ns_per_op", "cpu_b_ns_per_op", "cpu_ab_ns_per_op", "syscalls_per_op", NULL,
};

const struct harness_family mux_family = {
	.name = "mux",
	.driver = "evb-mux",
	.plan = plan_mux,
	.figures = figures_mux,
	.report = report_mux,
	.presets = plan_mux_presets,
	.claims = claims_mux,
	.keys = { &mux_key },
	.summary_figures = mux_summary_figures,
};
