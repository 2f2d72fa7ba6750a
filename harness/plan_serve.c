/*
 * plan_serve.c - which serve cells each profile and preset runs.
 *
 * Every mechanism x variant evb-serve lists gets every part of its
 * profile; an unsupported one becomes a skipped row.  msg_size is 64 B and
 * work_ns 0 unless a part says otherwise; every cell keeps a histogram
 * (pooled tails).
 *
 *   part        what                                           smoke  quick  standard  full
 *   closed      connections 4, active 2, depth 1, cross-cpu    yes    -      -         -
 *   open        epoll/lt only: 4 connections, 2000 req/s,      yes    -      -         -
 *               poisson
 *   round trip  closed, 1 connection, depth 1, same-cpu        -      2000   5000      5000
 *   closed      100 conns, 10 active, depth 4, cross-cpu       -      5000   -         -
 *               1000 conns, 100 active, depth 1, cross-cpu     -      -      20000     20000
 *   open        1000 conns, 100 active, 5000 req/s, poisson,   -      -      5000      5000
 *               cross-cpu (1 s of schedule)
 *   presets     seed-server-table, io-uring-vs-epoll,          -      -      -         all
 *               saturation (below)
 *
 * An io_uring variant's cells run once per setup (plan_uring.h): default
 * and defer (full: coop too); in smoke default, and defer for multishot
 * only.
 *
 * Time, standard, per mechanism and repetition (2-CPU VM): the round trip
 * ~5500 x 20-40 us = 0.1-0.2 s; the closed 1000-connection cell ~0.1 s to
 * connect plus ~21000 requests at 50-100k req/s = 0.3-0.5 s (select and
 * poll scan 1000 fds a wait: maybe 1 s); the open cell 0.1 s to connect plus
 * 5500 requests at 5000 req/s = 1.1 s.  With process start-up ~2-2.5 s for
 * the three, 8 mechanisms: ~20 s a repetition, ~100 s for the default 5.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "family.h"
#include "plan.h"
#include "plan_uring.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define US 1000LL
#define MS (1000 * US)
#define S (1000 * MS)

const char *const plan_serve_presets[] = { "seed-server-table", "io-uring-vs-epoll",
					   "saturation", NULL };

/* One cell's axes and counts; rate and arrival NULL for closed. */
struct serve_axes {
	const char *mode;
	const char *placement;
	int64_t connections;
	int64_t active;
	int64_t depth;                /* closed only (EVB_NA open: the row has none) */
	int64_t msg_size;
	int64_t work_ns;              /* the handler's busy work */
	const char *rate;             /* "5000" req/s, or "30%" of the capacity */
	const char *arrival;
	int64_t iterations;
	int64_t warmup;
	const char *const *extra;     /* more driver options, or NULL */
};

/*
 * The driver's time limit, generous: 30 s, plus 0.5 ms a connection (10,000
 * connections take seconds to open on a busy VM), plus each request at 1 ms
 * (a closed loop at its slowest, or an open one at a % of a capacity not
 * known yet), or five times its interval at a fixed rate below 1000 req/s.
 * A capacity search (--mode capacity, or a rate in %) adds its steps at
 * that 1 ms a request: at most 12 steps of at least 2,000 requests each
 * (the driver starts none after 10 s of searching).
 */
#define SEARCH_STEPS_MAX 12
#define SEARCH_STEP_REQUESTS 2000

static int64_t timeout_ns(const struct serve_axes *a)
{
	int64_t per_request = 1 * MS, search_ns = 0;

	if (a->rate && !strchr(a->rate, '%')) {
		int64_t rate = strtoll(a->rate, NULL, 10);

		if (rate > 0 && 5 * S / rate > per_request)
			per_request = 5 * S / rate;
	} else if (a->rate || !strcmp(a->mode, "capacity")) {
		search_ns = SEARCH_STEPS_MAX * SEARCH_STEP_REQUESTS * per_request;
	}
	return 30 * S + a->connections * 500 * US + (a->iterations + a->warmup) * per_request +
	       search_ns;
}

/*
 * Memory per connection, both processes and the kernel, with a third to
 * spare: measured here, a loopback TCP pair's slab 7.4 KB, and 8.3 KB of
 * RSS a connection in each of the server and the load generator (VmRSS
 * 83 MB each at 10,000 connections).
 */
#define CONNECTION_BYTES (32 * 1024LL)

static bool is(const struct harness_mech *m, const char *mechanism, const char *variant)
{
	return !strcmp(m->mechanism, mechanism) && (!variant || !strcmp(m->variant, variant));
}

static int add_cell(struct harness_plan *plan, const struct harness_mech *m,
		    const struct serve_axes *a, enum harness_profile profile)
{
	struct harness_cell cell;

	harness_cell_init(&cell, "serve");
	evb_row_set(&cell.axes, mechanism, m->mechanism);
	evb_row_set(&cell.axes, variant, m->variant);
	evb_row_set(&cell.axes, mode, a->mode);
	evb_row_set(&cell.axes, placement, a->placement);
	cell.axes.connections = a->connections;
	cell.axes.active = a->active;
	cell.axes.depth = a->depth;
	cell.axes.msg_size = a->msg_size;
	cell.axes.work_ns = a->work_ns;
	evb_row_set(&cell.axes, rate, a->rate ? a->rate : "");
	evb_row_set(&cell.axes, arrival, a->arrival ? a->arrival : "");
	cell.iterations = a->iterations;
	cell.warmup = a->warmup;
	cell.timeout_ns = timeout_ns(a);
	cell.hist = true;
	cell.mem_bytes = a->connections * CONNECTION_BYTES;
	for (size_t i = 0; a->extra && a->extra[i] && i + 1 < HARNESS_EXTRA_ARGS; i++)
		cell.extra[i] = a->extra[i];
	return plan_uring_add(plan, &cell, m, profile, is(m, "io_uring", "multishot"));
}

/* Closed loop at depth d (open cells are built from it). */
static struct serve_axes closed(const char *placement, int64_t conns, int64_t active,
				int64_t depth, int64_t iterations)
{
	return (struct serve_axes){
		.mode = "closed", .placement = placement, .connections = conns,
		.active = active, .depth = depth, .msg_size = 64, .iterations = iterations,
		.warmup = iterations / 10 < 1000 ? iterations / 10 : 1000,
	};
}

/* Open loop: no depth axis (evb-serve's open rows leave it empty). */
static struct serve_axes open_loop(int64_t conns, int64_t active, const char *rate,
				   int64_t iterations)
{
	struct serve_axes a = closed("cross-cpu", conns, active, EVB_NA, iterations);

	a.mode = "open";
	a.rate = rate;
	a.arrival = "poisson";
	return a;
}

static int plan_smoke(struct harness_plan *plan, const struct harness_mech *m,
		      enum harness_profile profile)
{
	struct serve_axes a = closed("cross-cpu", 4, 2, 1, 500);

	a.warmup = 100;
	if (add_cell(plan, m, &a, profile))
		return -ENOMEM;
	if (!is(m, "epoll", "lt"))
		return 0;
	a = open_loop(4, 2, "2000", 500);
	a.warmup = 100;
	return add_cell(plan, m, &a, profile);
}

static int plan_quick(struct harness_plan *plan, const struct harness_mech *m,
		      enum harness_profile profile)
{
	struct serve_axes rtt = closed("same-cpu", 1, 1, 1, 2000);
	struct serve_axes many = closed("cross-cpu", 100, 10, 4, 5000);

	return add_cell(plan, m, &rtt, profile) || add_cell(plan, m, &many, profile) ? -ENOMEM
										     : 0;
}

static int plan_standard(struct harness_plan *plan, const struct harness_mech *m,
			 enum harness_profile profile)
{
	struct serve_axes rtt = closed("same-cpu", 1, 1, 1, 5000);
	struct serve_axes many = closed("cross-cpu", 1000, 100, 1, 20000);
	struct serve_axes fixed = open_loop(1000, 100, "5000", 5000);

	fixed.warmup = 500;
	return add_cell(plan, m, &rtt, profile) || add_cell(plan, m, &many, profile) ||
		       add_cell(plan, m, &fixed, profile) ? -ENOMEM : 0;
}

/*
 * seed-server-table: the published server table's rows, 10% active, at a
 * rate epoll sustains comfortably, so that the latency is the mechanism's
 * and not a queue's.  100,000 connections need more descriptors than this
 * machine's limit allows: a skipped row saying so is the point.
 */
static int plan_seed(struct harness_plan *plan, const struct harness_mech *m,
		     enum harness_profile profile)
{
	static const int64_t conns[] = { 1000, 10000, 100000 };

	if (!is(m, "select", NULL) && !is(m, "poll", NULL) && !is(m, "epoll", "lt") &&
	    !is(m, "io_uring", NULL))
		return 0;
	for (size_t k = 0; k < COUNT_OF(conns); k++) {
		struct serve_axes a = open_loop(conns[k], conns[k] / 10, "5000", 5000);

		a.warmup = 500;
		if (add_cell(plan, m, &a, profile))
			return -ENOMEM;
	}
	return 0;
}

/* io-uring-vs-epoll: the closed-loop maximum and its CPU, 64 B and 4 KiB. */
static int plan_uring_epoll(struct harness_plan *plan, const struct harness_mech *m,
			    enum harness_profile profile)
{
	static const int64_t sizes[] = { 64, 4096 };

	if (!is(m, "epoll", NULL) && !is(m, "io_uring", NULL))
		return 0;
	for (size_t k = 0; k < COUNT_OF(sizes); k++) {
		struct serve_axes a = closed("cross-cpu", 1000, 100, 1, 20000);

		a.msg_size = sizes[k];
		if (add_cell(plan, m, &a, profile))
			return -ENOMEM;
	}
	return 0;
}

/*
 * saturation: the open loop at fractions of the maximum the driver measures
 * just before (closed, the same connections, depth 16: passed as an extra
 * option, since an open row has no depth axis), with a handler of 10 us
 * (work_ns) so that the server, not the load generator, is what saturates:
 * without it a 64-byte echo is as cheap for the server as for the client,
 * and the client runs out of CPU first (client-bound rows).  Beyond 100% the
 * backlog grows for the whole run, which lasts iterations / achieved rate
 * (20000 requests: about 0.3 s at the maximum, 3 s at 10%).
 */
static int plan_saturation(struct harness_plan *plan, const struct harness_mech *m,
			   enum harness_profile profile)
{
	static const char *const rates[] = { "10%", "30%", "50%", "70%", "90%", "110%",
					     "150%", "300%" };
	static const char *const calibration_depth[] = { "--depth", "16", NULL };

	for (size_t k = 0; k < COUNT_OF(rates); k++) {
		struct serve_axes a = open_loop(100, 10, rates[k], 20000);

		a.extra = calibration_depth;
		a.warmup = 2000;
		a.work_ns = 10000;
		if (add_cell(plan, m, &a, profile))
			return -ENOMEM;
	}
	return 0;
}

typedef int (*serve_part_fn)(struct harness_plan *plan, const struct harness_mech *m,
			     enum harness_profile profile);

static const struct {
	const char *name;
	serve_part_fn plan;
} presets[] = {
	{ "seed-server-table", plan_seed },
	{ "io-uring-vs-epoll", plan_uring_epoll },
	{ "saturation", plan_saturation },
};

static int plan_each(struct harness_plan *plan, serve_part_fn part,
		     const struct harness_mech *mechs, size_t nmechs, enum harness_profile profile)
{
	for (size_t m = 0; m < nmechs; m++)
		if (part(plan, &mechs[m], profile))
			return -ENOMEM;
	return 0;
}

int plan_serve(struct harness_plan *plan, const struct harness_plan_req *req,
	       const struct harness_mech *mechs, size_t nmechs)
{
	static const serve_part_fn profiles[] = {
		[HARNESS_SMOKE] = plan_smoke, [HARNESS_QUICK] = plan_quick,
		[HARNESS_STANDARD] = plan_standard, [HARNESS_FULL] = plan_standard,
	};

	if (req->preset) {
		for (size_t p = 0; p < COUNT_OF(presets); p++)
			if (!strcmp(req->preset, presets[p].name))
				return plan_each(plan, presets[p].plan, mechs, nmechs,
						 req->profile);
		return 0;   /* another family's: run_plan refuses one nobody knows */
	}
	if (plan_each(plan, profiles[req->profile], mechs, nmechs, req->profile))
		return -ENOMEM;
	for (size_t p = 0; req->profile == HARNESS_FULL && p < COUNT_OF(presets); p++)
		if (plan_each(plan, presets[p].plan, mechs, nmechs, req->profile))
			return -ENOMEM;
	return 0;
}
