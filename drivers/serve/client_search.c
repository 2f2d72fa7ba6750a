/*
 * client_search.c - the capacity search (client.h): the highest offered
 * open-loop rate the server sustains, found the way Mutilate's --search
 * finds it, by short open-loop steps on the run's own connections.
 *
 *   estimate   a closed loop at --depth, SEARCH_ESTIMATE_REQUESTS: the
 *              rate it reaches is the first step's rate (a closed loop at
 *              depth 1 reaches less than the capacity: 137k req/s here
 *              against an open loop that achieved 357k offered 411k)
 *   step       an open loop at rate R: max(2,000, R x 50 ms) requests, a
 *              tenth of them warmup; the rest give the step's figures
 *   passes     achieved >= 95% of offered (the measured requests' responses
 *              took at most 1/0.95 of the time their schedule spans: a rate
 *              the server cannot keep up with makes the queue, and so the
 *              window, grow), the client not CPU-bound over the step (its
 *              CPU < SERVE_CLIENT_BOUND of the wall time: a client that
 *              falls behind its schedule sends in batches, which a server
 *              answers far faster than one request at a time - 16M req/s
 *              of 64 B "achieved" on one connection), its send lag within
 *              its bound (client_step_lag_ok), and with an slo its latency
 *              p99 <= slo
 *   grow       x2 from each pass until a step fails; from a failed first
 *              step /2 until one passes, at most down to estimate / 4 (a
 *              step at a low rate is long, 2,000 requests, and an open
 *              loop's latency at low load is no better than the closed
 *              estimate's round trip)
 *   bisect     the geometric middle of the last pass and the first fail,
 *              until they are within 5% of each other
 *   retry      a step that fails on the client's account (CPU-bound or
 *              late) runs once more at its rate: a stall of the load
 *              generator's vCPU says nothing of the server
 *
 * At most SEARCH_STEPS_MAX steps, and none started after SEARCH_BUDGET_NS;
 * the capacity is the highest rate that passed (NAN: none did).  Each step
 * ends when every response of it is in, so the connections are idle when
 * the next one starts, and the server has answered every request the
 * client sent (the run's counts include the steps').  The measured run
 * that follows (client.c) confirms the rate: the row's figures are its.
 * A step's latencies go through sh's histogram and are cleared after it;
 * its window edges are overwritten by the next phase's.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "evb_clock.h"

#define SEARCH_STEPS_MAX 12
#define SEARCH_BUDGET_NS (10 * EVB_NSEC_PER_SEC)
#define SEARCH_ESTIMATE_REQUESTS 2000
#define SEARCH_STEP_REQUESTS_MIN 2000   /* >= 1,000 measured: a p99 */
#define SEARCH_STEP_REQUESTS_MAX (1000 * 1000LL)
#define SEARCH_STEP_NS (50 * 1000 * 1000LL)
#define SEARCH_SUSTAINED 0.95           /* achieved / offered, at least */
#define SEARCH_RESOLUTION 1.05          /* first fail / last pass, at most */
#define SEARCH_DOWN_MAX 4               /* lowest rate: estimate / this */
#define SEARCH_RATE_MAX 1e8             /* --rate's own maximum */

/* One step's outcome. */
struct search_step {
	double rate;            /* offered, requests/s */
	double achieved;        /* offered x schedule span / window */
	int64_t p99_ns;         /* latency from the due time */
	bool passed;
	bool client_failed;     /* failed on the client's account: CPU-bound or late */
};

int client_due_reserve(struct client *cl, int64_t n)
{
	int64_t *due;

	if (n <= cl->due_cap)
		return 0;
	due = realloc(cl->due_off, (size_t)n * sizeof(*due));
	if (!due)
		return client_fail(cl, "allocate the schedule", -ENOMEM);
	cl->due_off = due;
	cl->due_cap = n;
	return 0;
}

/*
 * The step's send lag p50 within the bound of the row's client-bound check
 * (serve_lag_bound_ns of the latency p50): the client's schedule was late
 * at the median, so the step says nothing of the server.  Not the p99: a
 * step is short (a few hundred requests), and one preemption of the load
 * generator's vCPU puts its p99 of lag above a quarter of a loopback round
 * trip; the confirming run's row still names a late tail (client-lagged).
 */
static bool client_step_lag_ok(const struct client *cl)
{
	const struct serve_shared *sh = cl->sh;

	return evb_hist_quantile(&sh->send_lag, 0.5) <=
	       serve_lag_bound_ns(evb_hist_quantile(&sh->hist, 0.5), cl->closed_rtt_ns);
}

/* The client's CPU share over the step's window (its polling for due
 * times taken out, client_pace.c; the larger of its clock and its CPU's
 * busy time, serve_client_share) below the bound. */
static bool search_step_client_ok(const struct client *cl)
{
	const struct client_edge *e0 = &cl->edge[0], *e1 = &cl->edge[1];
	int64_t wall_ns = e1->wall_ns - e0->wall_ns;
	bool by_busy;

	return wall_ns <= 0 ||
	       serve_client_share(e1->client_cpu_ns - e0->client_cpu_ns - cl->poll_ns,
				  client_busy_ns(cl, e0, e1), wall_ns, &by_busy) <
	       SERVE_CLIENT_BOUND;
}

/* The first step's rate: what a closed loop reaches, > 0. */
static int search_estimate(struct client *cl, double *rate)
{
	int64_t total = SEARCH_ESTIMATE_REQUESTS, window_ns;
	int ret;

	client_phase_begin(cl, total, total / 5, false);
	ret = client_run_closed(cl, cl->active, cl->cfg->depth);
	if (ret)
		return ret;
	window_ns = cl->ph.end_ns - cl->ph.start_ns;
	if (window_ns <= 0)
		return client_fail(cl, "capacity search (no time passed)", -ERANGE);
	*rate = (double)(cl->ph.total - cl->ph.warmup - 1) * 1e9 / (double)window_ns;
	return 0;
}

/* Requests of a step at rate: enough for its figures and >= 50 ms. */
static int64_t search_step_requests(double rate)
{
	double n = rate * (double)SEARCH_STEP_NS / 1e9;

	if (n < SEARCH_STEP_REQUESTS_MIN)
		return SEARCH_STEP_REQUESTS_MIN;
	return n > (double)SEARCH_STEP_REQUESTS_MAX ? SEARCH_STEP_REQUESTS_MAX : (int64_t)n;
}

/* One open-loop step at st->rate; its verdict in st.  0 or -errno. */
static int search_step_run(struct client *cl, int64_t slo_ns, struct search_step *st)
{
	int64_t total = search_step_requests(st->rate), warmup = total / 10;
	int64_t span_ns, window_ns;
	int ret = client_due_reserve(cl, total);

	if (ret)
		return ret;
	client_phase_begin(cl, total, warmup, true);
	ret = client_run_open(cl, st->rate);
	if (ret)
		return ret;
	/* window: the first measured request's due time to the last arrival */
	span_ns = cl->due_off[total - 1] - cl->due_off[warmup];
	window_ns = cl->ph.end_ns - cl->ph.start_ns;
	st->achieved = window_ns > 0 ? st->rate * (double)span_ns / (double)window_ns : NAN;
	st->p99_ns = evb_hist_quantile(&cl->sh->hist, 0.99);
	st->client_failed = !search_step_client_ok(cl) || !client_step_lag_ok(cl);
	st->passed = st->achieved >= SEARCH_SUSTAINED * st->rate &&
		     (slo_ns <= 0 || st->p99_ns <= slo_ns) && !st->client_failed;
	client_figures_clear(cl);
	return 0;
}

/* The next rate to try after lo (highest pass, 0 none) and hi (lowest
 * fail, 0 none); 0 when the search is done. */
static double search_next(double lo, double hi, double floor_rate)
{
	if (lo > 0 && hi > 0)
		return hi <= lo * SEARCH_RESOLUTION ? 0 : sqrt(lo * hi);
	if (lo > 0)
		return lo >= SEARCH_RATE_MAX ? 0 : fmin(lo * 2, SEARCH_RATE_MAX);
	return hi / 2 < floor_rate * (1 - 1e-9) ? 0 : hi / 2;
}

int client_search_capacity(struct client *cl, int64_t slo_ns, double *capacity,
			   double *lowest)
{
	int64_t began = evb_now_ns();
	double lo = 0, hi = 0, estimate = 0, floor_rate;
	struct search_step st = { 0 };
	int steps = 0;
	double retried = 0;         /* the rate last run again */
	int ret = search_estimate(cl, &estimate);

	if (ret)
		return ret;
	floor_rate = estimate / SEARCH_DOWN_MAX;
	*lowest = estimate;
	for (st.rate = estimate; st.rate > 0 && steps < SEARCH_STEPS_MAX &&
	     evb_now_ns() - began < SEARCH_BUDGET_NS; steps++) {
		ret = search_step_run(cl, slo_ns, &st);
		if (ret)
			return ret;
		if (st.rate < *lowest)
			*lowest = st.rate;
		/* a step the client failed says nothing of the server (a vCPU
		 * stall of the load generator's): the same rate once more */
		if (!st.passed && st.client_failed && retried != st.rate) {
			retried = st.rate;
			continue;
		}
		if (st.passed)
			lo = st.rate;
		else
			hi = st.rate;
		st.rate = search_next(lo, hi, floor_rate);
	}
	*capacity = lo > 0 ? lo : NAN;
	fprintf(stderr, "evb-serve: capacity search: %d steps in %.2f s from %.0f req/s "
		"(closed estimate): capacity %.0f req/s%s\n", steps,
		(double)(evb_now_ns() - began) / 1e9, estimate, lo,
		lo > 0 ? "" : " (no rate passed)");
	return 0;
}

int client_open_rate(struct client *cl, double *rate)
{
	const struct serve_cfg *cfg = cl->cfg;
	struct serve_shared *sh = cl->sh;
	int ret;

	*rate = cfg->rate;
	if (cfg->mode == SERVE_OPEN && !cfg->rate_pct)
		return 0;
	ret = client_search_capacity(cl, cfg->mode == SERVE_CAPACITY ? cfg->slo_ns : 0,
				     &sh->capacity_per_s, &sh->search_low_per_s);
	if (ret)
		return ret;
	if (cfg->mode == SERVE_CAPACITY)   /* none passed: the row shows the lowest */
		*rate = isnan(sh->capacity_per_s) ? sh->search_low_per_s : sh->capacity_per_s;
	else if (isnan(sh->capacity_per_s))
		return client_fail(cl, "capacity search (no offered rate was sustained)",
				   -ERANGE);
	else
		*rate = cfg->rate / 100.0 * sh->capacity_per_s;
	return 0;
}
