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

/*
 * The report's key result: the requests per second a server sustains in a
 * closed loop over many connections, the profile's main cell (standard
 * 1,000 connections, quick 100, smoke 4); a client-bound repetition's rate
 * is a floor, said so.  How latency from the due time grows with the
 * connections: the open loop at 5,000 req/s (seed-server-table).
 */
#define SERVE_KEY_CLOSED(conns, active_, depth_) \
	(const char *const[]){ "family", "serve", "mode", "closed", "placement", "cross-cpu", \
			       "connections", conns, "active", active_, "depth", depth_, \
			       "msg_size", "64", NULL }

static const char *const serve_key_marks[] = { "client-bound", "client-lagged", NULL };

static const struct report_key serve_key = {
	.figures = { { "serve_uring_epoll", "io_uring vs epoll: req/s and CPU per request" },
		     { "serve_connections", "Request latency vs connections: p50, whisker to "
		       "p99" },
		     { "serve_saturation", "Saturation: p99 latency vs achieved req/s" } },
	.what = "Requests per second the server sustains, closed loop,",
	.figure = "ops_per_s",
	.higher_is_better = true,
	.cells = { { "over 1,000 connections, 100 active", SERVE_KEY_CLOSED("1000", "100", "1") },
		   { "over 100 connections, 10 active, depth 4",
		     SERVE_KEY_CLOSED("100", "10", "4") },
		   { "over 4 connections, 2 active", SERVE_KEY_CLOSED("4", "2", "1") } },
	.marks = serve_key_marks,
	.scan = { .axis = "connections", .unit = " connections", .figure = "p50",
		  .what = "latency from the due time at 5,000 req/s",
		  .kv = (const char *const[]){ "family", "serve", "mode", "open", "rate", "5000",
					      "arrival", "poisson", "msg_size", "64", NULL } },
};

/* Beside summary.csv's shared figures: the offered rate, and the server's,
 * the load generator's CPU and the wakeups per answered request. */
static const char *const serve_summary_figures[] = {
	"offered_per_s", "server_cpu_ns_per_op", "client_cpu_ns_per_op", "wakeups_per_op", NULL,
};

const struct harness_family serve_family = {
	.name = "serve",
	.driver = "evb-serve",
	.plan = plan_serve,
	.figures = figures_serve,
	.report = report_serve,
	.presets = plan_serve_presets,
	.claims = claims_serve,
	.keys = { &serve_key },
	.cpu_per_window = true,
	.summary_figures = serve_summary_figures,
};
