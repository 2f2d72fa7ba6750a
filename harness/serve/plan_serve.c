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
 *               1000 conns, 100 active, depth 1, cross-cpu     -      -      40000     40000
 *   open        1000 conns, 100 active, 5000 req/s, poisson,   -      -      2000      2000
 *               cross-cpu (0.4 s of schedule; also the server
 *               table's 1,000-connection row)
 *   seed 10k    the server table's 10,000-connection row:      -      -      2000      2000
 *               10,000 conns, 1000 active, as the open cell;
 *               select, poll, epoll/lt, io_uring/multishot on
 *               defer (the preset: every variant and setup)
 *   curve       open, 1000 conns, 100 active, poisson,         -      -      1000..    as
 *               cross-cpu, at 2k 8k 32k 64k 128k 256k 512k            64000     standard
 *               req/s; poll, epoll/lt, io_uring/multishot
 *               on defer only
 *   capacity    --mode capacity, the curve's shape,            -      -      10000     as
 *               --slo-ns 1 ms and 10 ms; the curve's                             standard
 *               mechanisms
 *   presets     seed-server-table, io-uring-vs-epoll,          -      -      -         all
 *               saturation (below); a cell standard has
 *               already is planned once
 *
 * An io_uring variant's cells run once per setup (plan_uring.h): default
 * and defer (full: coop too); in smoke default, and defer for multishot
 * only; the curve and capacity cells defer only.  The server table's
 * claim (claims_serve.c) reads the open cells of poll and epoll/lt at
 * 1,000 and 10,000 connections: standard has both.
 *
 * Time, standard, per repetition (2-CPU VM, each driver run timed in
 * run.log, 2026-12-02; a run starts in ~50 ms, 1,000 connections connect
 * in ~50 ms, 10,000 in ~0.5 s):
 *
 *   part         cells  each                                     a repetition
 *   round trip   11     ~5500 x 20-40 us + start: 0.1 s          ~1.3 s
 *   closed 1000  11     41000 requests at 50-150k req/s: 0.5-1 s ~8 s
 *   open 1000    11     2500 at 5000 req/s: 0.6 s                ~7 s
 *   seed 10k     4      connect + 0.5 s of schedule: ~1.5 s      ~6 s
 *   curve        21     2k: 0.6 s; 8k .. 512k: 0.2-0.3 s (an     ~7 s
 *                       eighth of a second of schedule, at most
 *                       64,000 requests)
 *   capacity     6      a search of <= 12 steps of ~0.1 s and    ~9 s
 *                       the confirming 11,000 requests: 0.5-2 s
 *
 * ~40 s a repetition, ~200 s for the default 5.  Before this table's
 * cuts (every io_uring variant and setup at 10,000 connections, 5,000
 * requests per seed cell, a 1M step) a repetition took 65 s and the
 * standard profile 12:41; the seed-server-table preset still has every
 * variant.  The harness gives every cell of a run the same minimum
 * repetitions (no per-cell count); the run's precision loop then spends
 * what is left of its budget (run.c: 450 s of cells in standard).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "family.h"
#include "plan_serve.h"
#include "plan_uring.h"

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

bool plan_serve_is(const struct harness_mech *m, const char *mechanism, const char *variant)
{
	return !strcmp(m->mechanism, mechanism) && (!variant || !strcmp(m->variant, variant));
}

int plan_serve_add_cell(struct harness_plan *plan, const struct harness_mech *m,
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
	cell.axes.slo_ns = a->slo_ns > 0 ? a->slo_ns : EVB_NA;
	cell.iterations = a->iterations;
	cell.warmup = a->warmup;
	cell.timeout_ns = timeout_ns(a);
	cell.hist = true;
	cell.mem_bytes = a->connections * CONNECTION_BYTES;
	for (size_t i = 0; a->extra && a->extra[i] && i + 1 < HARNESS_EXTRA_ARGS; i++)
		cell.extra[i] = a->extra[i];
	if (a->uring_setup)
		return plan_uring_add_setup(plan, &cell, m, a->uring_setup);
	return plan_uring_add(plan, &cell, m, profile, plan_serve_is(m, "io_uring", "multishot"));
}

/* Closed loop at depth d (open cells are built from it). */
struct serve_axes plan_serve_closed(const char *placement, int64_t conns, int64_t active,
				    int64_t depth, int64_t iterations)
{
	return (struct serve_axes){
		.mode = "closed", .placement = placement, .connections = conns,
		.active = active, .depth = depth, .msg_size = 64, .iterations = iterations,
		.warmup = iterations / 10 < 1000 ? iterations / 10 : 1000,
	};
}

/* Open loop: no depth axis (evb-serve's open rows leave it empty). */
struct serve_axes plan_serve_open(int64_t conns, int64_t active, const char *rate,
				  int64_t iterations)
{
	struct serve_axes a = plan_serve_closed("cross-cpu", conns, active, EVB_NA, iterations);

	a.mode = "open";
	a.rate = rate;
	a.arrival = "poisson";
	if (a.warmup < 2 * active)   /* every active connection warm, twice */
		a.warmup = 2 * active;
	return a;
}

static int plan_smoke(struct harness_plan *plan, const struct harness_mech *m,
		      enum harness_profile profile)
{
	struct serve_axes a = plan_serve_closed("cross-cpu", 4, 2, 1, 500);

	a.warmup = 100;
	if (plan_serve_add_cell(plan, m, &a, profile))
		return -ENOMEM;
	if (!plan_serve_is(m, "epoll", "lt"))
		return 0;
	a = plan_serve_open(4, 2, "2000", 500);
	a.warmup = 100;
	return plan_serve_add_cell(plan, m, &a, profile);
}

static int plan_quick(struct harness_plan *plan, const struct harness_mech *m,
		      enum harness_profile profile)
{
	struct serve_axes rtt = plan_serve_closed("same-cpu", 1, 1, 1, 2000);
	struct serve_axes many = plan_serve_closed("cross-cpu", 100, 10, 4, 5000);

	return plan_serve_add_cell(plan, m, &rtt, profile) ||
		       plan_serve_add_cell(plan, m, &many, profile) ? -ENOMEM : 0;
}

/* The published server table's mechanisms (claims_serve.c's server table). */
bool plan_serve_in_seed(const struct harness_mech *m)
{
	return plan_serve_is(m, "select", NULL) || plan_serve_is(m, "poll", NULL) ||
	       plan_serve_is(m, "epoll", "lt") || plan_serve_is(m, "io_uring", NULL);
}

/*
 * A seed-server-table cell: the published table's row at conns, 10%
 * active, at a rate epoll sustains comfortably, so that the latency is the
 * mechanism's and not a queue's.
 */
#define SEED_REQUESTS 2000      /* 0.4 s of schedule */

struct serve_axes plan_serve_seed_axes(int64_t conns)
{
	struct serve_axes a = plan_serve_open(conns, PLAN_SERVE_SEED_ACTIVE(conns),
					      PLAN_SERVE_SEED_RATE, SEED_REQUESTS);

	if (a.warmup < 500)
		a.warmup = 500;
	return a;
}

void plan_serve_seed_kv(const char *kv[PLAN_SERVE_SEED_KV], char nums[2][24], const char *m,
			const char *v, int64_t conns, const char *setup)
{
	size_t n = 0;

	snprintf(nums[0], 24, "%lld", (long long)conns);
	snprintf(nums[1], 24, "%lld", (long long)PLAN_SERVE_SEED_ACTIVE(conns));
#define KV(k, val) (kv[n++] = (k), kv[n++] = (val))
	KV("family", "serve");
	KV("mode", "open");
	if (m) {
		KV("mechanism", m);
		KV("variant", v);
	}
	KV("placement", PLAN_SERVE_SEED_PLACEMENT);
	KV("connections", nums[0]);
	KV("active", nums[1]);
	KV("depth", "");
	KV("msg_size", PLAN_SERVE_SEED_MSG);
	KV("rate", PLAN_SERVE_SEED_RATE);
	KV("arrival", PLAN_SERVE_SEED_ARRIVAL);
	if (setup)
		KV("uring_setup", setup);
#undef KV
	kv[n] = NULL;
}

/*
 * The latency-throughput curve and the capacity cells: one mechanism of
 * each kind (a scan of every fd, a readiness list, a completion ring),
 * io_uring on the setup its authors advise for a server (defer).  poll is
 * the scan: select walks the same O(n) set (its bitmaps instead of
 * pollfds) and has its fixed-rate and 10,000-connection cells.
 */
static bool on_curve(const struct harness_mech *m)
{
	return plan_serve_is(m, "poll", NULL) || plan_serve_is(m, "epoll", "lt") ||
	       plan_serve_is(m, "io_uring", "multishot");
}

/*
 * The curve's connections: 1,000 of which 100 carry requests, the shape of
 * the standard closed and open cells and the server table's 10% active.
 * With only 10 active each connection carries 100k req/s at 1M: the
 * server reads hundreds of requests a wakeup and the curve stays flat into
 * millions (TCP's batching, not the mechanism); with 100 the knee falls
 * where the mechanism's cost per wakeup matters (between 128k and 256k
 * req/s on this 2-CPU VM), and select and poll scan 1,000 fds a wait.
 */
#define CURVE_CONNECTIONS 1000
#define CURVE_ACTIVE 100

/* The curve's offered rates, req/s: geometric, past this VM's capacity. */
const char *const plan_serve_curve_rates[PLAN_SERVE_NCURVE + 1] = {
	"2000", "8000", "32000", "64000", "128000", "256000", "512000", NULL,
};
/* An eighth of a second of schedule a step, at least 1,000 responses (a p99) and
 * at most 64,000 (beyond the capacity the backlog, and the run, grow). */
#define CURVE_MIN_REQUESTS 1000
#define CURVE_MAX_REQUESTS 64000
/* The capacity cells' p99 bounds. */
static const int64_t capacity_slos[] = { 1 * MS, 10 * MS };
/* The capacity search's confirming step (the row's figures). */
#define CAPACITY_REQUESTS 10000

static int plan_curve(struct harness_plan *plan, const struct harness_mech *m,
		      enum harness_profile profile)
{
	for (size_t k = 0; plan_serve_curve_rates[k]; k++) {
		int64_t n = strtoll(plan_serve_curve_rates[k], NULL, 10) / 8;
		struct serve_axes a;

		n = n < CURVE_MIN_REQUESTS ? CURVE_MIN_REQUESTS
		    : n > CURVE_MAX_REQUESTS ? CURVE_MAX_REQUESTS : n;
		a = plan_serve_open(CURVE_CONNECTIONS, CURVE_ACTIVE, plan_serve_curve_rates[k], n);
		a.warmup = n / 10 > 2 * CURVE_ACTIVE ? n / 10 : 2 * CURVE_ACTIVE;
		a.uring_setup = "defer";
		if (plan_serve_add_cell(plan, m, &a, profile))
			return -ENOMEM;
	}
	for (size_t k = 0; k < COUNT_OF(capacity_slos); k++) {
		struct serve_axes a = plan_serve_open(CURVE_CONNECTIONS, CURVE_ACTIVE, NULL,
						      CAPACITY_REQUESTS);

		a.mode = "capacity";
		a.slo_ns = capacity_slos[k];
		a.warmup = CAPACITY_REQUESTS / 10;
		a.uring_setup = "defer";
		if (plan_serve_add_cell(plan, m, &a, profile))
			return -ENOMEM;
	}
	return 0;
}

static int plan_standard(struct harness_plan *plan, const struct harness_mech *m,
			 enum harness_profile profile)
{
	struct serve_axes rtt = plan_serve_closed("same-cpu", 1, 1, 1, 5000);
	struct serve_axes many = plan_serve_closed("cross-cpu", 1000, 100, 1,
						   PLAN_SERVE_CLOSED_REQUESTS);
	/* every mechanism's: also the server table's 1,000-connection row */
	struct serve_axes fixed = plan_serve_seed_axes(1000);
	struct serve_axes seed10k = plan_serve_seed_axes(10000);

	if (plan_serve_add_cell(plan, m, &rtt, profile) ||
	    plan_serve_add_cell(plan, m, &many, profile) ||
	    plan_serve_add_cell(plan, m, &fixed, profile))
		return -ENOMEM;
	/* the 10,000-connection row, io_uring on the curve's ring only (the
	 * seed-server-table preset has every variant and setup) */
	seed10k.uring_setup = "defer";
	if (plan_serve_in_seed(m) && (!plan_serve_is(m, "io_uring", NULL) || on_curve(m)) &&
	    plan_serve_add_cell(plan, m, &seed10k, profile))
		return -ENOMEM;
	return on_curve(m) ? plan_curve(plan, m, profile) : 0;
}


int plan_serve_each(struct harness_plan *plan, plan_serve_part_fn part,
		    const struct harness_mech *mechs, size_t nmechs, enum harness_profile profile)
{
	for (size_t m = 0; m < nmechs; m++)
		if (part(plan, &mechs[m], profile))
			return -ENOMEM;
	return 0;
}

/*
 * Drop the cells from index first on that repeat an earlier one's axes
 * (full: standard holds the seed-server-table preset's 1,000- and
 * 10,000-connection cells): one cell, one hist/<slug>.csv.  0 or -ENOMEM.
 */
static int drop_repeats(struct harness_plan *plan, size_t first)
{
	size_t n = plan->ncells - first, kept = 0;
	char (*slugs)[HARNESS_SLUG_MAX + 1] = calloc(n ? n : 1, sizeof(*slugs));

	if (!slugs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		harness_cell_slug(&plan->cells[first + i].axes, slugs[kept], sizeof(slugs[kept]));
		for (size_t k = 0; k < kept && !seen; k++)
			seen = !strcmp(slugs[k], slugs[kept]);
		if (!seen)
			plan->cells[first + kept++] = plan->cells[first + i];
	}
	plan->ncells = first + kept;
	free(slugs);
	return 0;
}

int plan_serve(struct harness_plan *plan, const struct harness_plan_req *req,
	       const struct harness_mech *mechs, size_t nmechs)
{
	size_t first = plan->ncells;

	static const plan_serve_part_fn profiles[] = {
		[HARNESS_SMOKE] = plan_smoke, [HARNESS_QUICK] = plan_quick,
		[HARNESS_STANDARD] = plan_standard, [HARNESS_FULL] = plan_standard,
	};
	plan_serve_part_fn part;

	if (req->preset) {
		part = plan_serve_preset(req->preset);
		/* another family's: run_plan refuses one nobody knows */
		return part ? plan_serve_each(plan, part, mechs, nmechs, req->profile) : 0;
	}
	if (plan_serve_each(plan, profiles[req->profile], mechs, nmechs, req->profile))
		return -ENOMEM;
	for (size_t p = 0; req->profile == HARNESS_FULL && (part = plan_serve_preset_at(p)); p++)
		if (plan_serve_each(plan, part, mechs, nmechs, req->profile))
			return -ENOMEM;
	return drop_repeats(plan, first);
}
