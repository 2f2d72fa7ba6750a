/*
 * row.c - evb-serve's row from a finished run: the latency histogram and
 * window the client measured, the CPU of both processes over that window,
 * the server's wakeups in that window and its troubles (blocked writes, a
 * ring's ENOBUFS re-posts and CQ overflows) over the run, memory per
 * connection, and the checks (counts,
 * server answered == client sent, the client's own CPU share).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "driver.h"
#include "evb_sb.h"

void serve_row_axes(const struct serve_run *r, struct evb_row *row)
{
	const struct evb_driver_opts *o = &r->opts->common;
	const struct serve_cfg *cfg = &r->cfg;

	evb_driver_row_init(o, row);
	evb_row_set(row, metric, "latency_ns");
	evb_row_set(row, unit, "ns");
	row->connections = cfg->connections;
	row->active = cfg->active;
	if (cfg->mode == SERVE_CLOSED)
		row->depth = cfg->depth;
	row->msg_size = cfg->msg_size;
	row->work_ns = cfg->work_ns;
	if (cfg->mode != SERVE_CLOSED) {
		evb_row_set(row, rate, r->opts->rate_text);   /* "" in capacity mode */
		evb_row_set(row, arrival, cfg->arrival == SERVE_POISSON ? "poisson" : "uniform");
		if (cfg->arrival == SERVE_POISSON)
			row->seed = (int64_t)cfg->seed;
	}
	row->client_threads = cfg->client_threads;
	if (cfg->mode == SERVE_CAPACITY && cfg->slo_ns > 0)
		row->slo_ns = cfg->slo_ns;
}

static void fill_figures(const struct serve_run *r, struct evb_row *row)
{
	const struct serve_shared *sh = r->sh;
	double measured = (double)sh->measured;

	evb_row_set_hist(row, &sh->hist);
	if (r->cfg.mode != SERVE_CLOSED && sh->send_lag.count) {
		row->send_lag_p50_ns = evb_row_quantile(&sh->send_lag, 0.50);
		row->send_lag_p99_ns = evb_row_quantile(&sh->send_lag, 0.99);
		row->send_lag_max_ns = sh->send_lag.max;
	}
	row->closed_rtt_ns = sh->closed_rtt_ns;
	if (sh->window_ns > 0)
		row->ops_per_s = measured * 1e9 / (double)sh->window_ns;
	row->offered_per_s = sh->offered_per_s;
	row->capacity_per_s = sh->capacity_per_s;
	row->server_cpu_ns = sh->server_cpu_ns;
	row->client_cpu_ns = sh->client_cpu_ns;
	row->machine_cpu_ns = sh->machine_cpu_ns;
	row->cpu_user_ns = sh->server_utime_ns;
	row->cpu_sys_ns = sh->server_stime_ns;
	row->wall_ns = sh->window_ns;
	row->sent = sh->sent;
	row->delivered = sh->received;
	row->lost = sh->sent - sh->received;
	row->spurious = sh->bad;
	row->wakeups = sh->server_wakeups;     /* the window's */
	/* The server's troubles over the whole run; an io_uring ring's own
	 * only where there is a ring (else empty). */
	row->blocked_writes = (int64_t)r->srv.blocked_writes;
	if (r->ops->base.uring) {
		row->enobufs = (int64_t)r->srv.enobufs;
		row->cq_overflows = (int64_t)r->srv.cq_overflows;
	}
	row->rss_bytes_per_fd = r->rss_bytes_per_fd;
	row->slab_bytes_per_fd = r->slab_bytes_per_fd;
	/* Side A: the server process over its whole serve(), per request it
	 * answered; side B: the client over the measured window. */
	if (r->srv.served > 0) {
		row->vcsw_a_per_op = (double)r->server_usage.vcsw / (double)r->srv.served;
		row->ivcsw_a_per_op = (double)r->server_usage.ivcsw / (double)r->srv.served;
	}
	if (measured > 0) {
		row->vcsw_b_per_op = (double)sh->client_usage.vcsw / measured;
		row->ivcsw_b_per_op = (double)sh->client_usage.ivcsw / measured;
	}
	evb_driver_row_rss(row, false);   /* the server's: the measured side */
}

/*
 * The load generator's CPU over the window at SERVE_CLIENT_BOUND or more:
 * the row says so, naming the figure that decided (its process clock, or
 * its CPU's busy time in /proc/stat) and the other.  Returns true.
 */
static bool client_bound(const struct serve_run *r, struct evb_row *row)
{
	const struct serve_shared *sh = r->sh;
	double clock, busy, share;
	char busy_text[160];
	bool by_busy;

	if (sh->client_wall_ns <= 0)
		return false;
	share = serve_client_share(sh->client_cpu_ns, sh->client_busy_ns, sh->client_wall_ns,
				   &by_busy);
	if (share < SERVE_CLIENT_BOUND)
		return false;
	clock = (double)sh->client_cpu_ns / (double)sh->client_wall_ns;
	busy = (double)sh->client_busy_ns / (double)sh->client_wall_ns;
	if (by_busy) {
		evb_row_reason(row, "client-bound: the load generator's CPU %d was %.0f%% busy by "
			       "/proc/stat, its polling%s taken out (softirq work and any other "
			       "task there count; its process clock said %.0f%%); not a measure "
			       "of the server", r->cfg.client_cpu, share * 100,
			       r->cfg.client_cpu == r->cfg.server_cpu ? " and the server" : "",
			       clock * 100);
		return true;
	}
	if (sh->client_busy_ns == EVB_NA)
		snprintf(busy_text, sizeof(busy_text), "its CPU's busy time not measured");
	else
		evb_sb_fmt(busy_text, sizeof(busy_text), "CPU %d's busy time in /proc/stat: %.0f%%",
			   r->cfg.client_cpu, busy * 100);
	evb_row_reason(row, "client-bound: the load generator used %.0f%% of its CPU by its "
		       "process clock (%s); not a measure of the server", share * 100, busy_text);
	return true;
}

void serve_fill_row(const struct serve_run *r, struct evb_row *row)
{
	const struct serve_shared *sh = r->sh;

	fill_figures(r, row);
	if (evb_row_check_counts(row, 0))
		return;
	if ((int64_t)r->srv.served != sh->sent) {
		evb_row_count_fail(row, "server answered %llu of %lld sent",
				   (unsigned long long)r->srv.served, (long long)sh->sent);
		return;
	}
	if (client_bound(r, row))
		return;
	if (r->cfg.mode == SERVE_CAPACITY && isnan(sh->capacity_per_s)) {
		/* a result, not a failure: the server cannot meet the bound */
		if (r->cfg.slo_ns > 0)
			evb_row_reason(row, "no offered rate >= %.0f req/s met p99 <= %lld ns",
				       sh->search_low_per_s, (long long)r->cfg.slo_ns);
		else
			evb_row_reason(row, "no offered rate >= %.0f req/s was sustained "
				       "(achieved >= 95%% of offered, the load generator below "
				       "95%% of its CPU)", sh->search_low_per_s);
		return;
	}
	if (row->send_lag_p50_ns != EVB_NA && row->p50 != EVB_NA &&
	    row->send_lag_p50_ns > serve_lag_bound_ns(row->p50, sh->closed_rtt_ns)) {
		/* late at the median: the schedule itself was the client's */
		evb_row_reason(row, "client-bound: the load generator sent late, send lag p50 "
			       "%.1f us above its bound %.1f us (max(latency p50, closed round "
			       "trip %.1f us) / 4); not a measure of the server",
			       (double)row->send_lag_p50_ns / 1e3,
			       (double)serve_lag_bound_ns(row->p50, sh->closed_rtt_ns) / 1e3,
			       (double)sh->closed_rtt_ns / 1e3);
		return;
	}
	if (row->send_lag_p99_ns != EVB_NA && row->p99 != EVB_NA &&
	    row->send_lag_p99_ns > serve_lag_bound_ns(row->p99, sh->closed_rtt_ns)) {
		evb_row_reason(row, "client-lagged: send lag p99 %.1f us above its bound "
			       "%.1f us (max(latency p99, closed round trip %.1f us) / 4); the "
			       "load generator's lateness, not only the server's",
			       (double)row->send_lag_p99_ns / 1e3,
			       (double)serve_lag_bound_ns(row->p99, sh->closed_rtt_ns) / 1e3,
			       (double)sh->closed_rtt_ns / 1e3);
		return;
	}
	if (r->cfg.mode == SERVE_CAPACITY && r->cfg.slo_ns > 0 && row->p99 != EVB_NA &&
	    row->p99 > r->cfg.slo_ns) {
		/* the search's step met the bound, the longer measured run did not */
		evb_row_reason(row, "unconfirmed: the measured run at the capacity found had "
			       "p99 %lld ns, above the bound %lld ns its search step met",
			       (long long)row->p99, (long long)r->cfg.slo_ns);
		return;
	}
	if (r->slab_note[0])
		evb_row_reason(row, "%s", r->slab_note);
}
