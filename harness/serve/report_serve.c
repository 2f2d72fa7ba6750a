/*
 * report_serve.c - the serve family's section of the report: its figures,
 * the round trip per mechanism, the closed-loop table (req/s, server CPU
 * and wakeups per request), the open-loop latency, the memory per
 * connection, and the published server table beside this machine's
 * (report_serve_seed.c).  A repetition whose reason starts with
 * "client-bound" measured the load generator, not the server: its cell is
 * shown, marked, and judged by nothing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_sb.h"
#include "figures.h"
#include "report.h"
#include "report_serve.h"
#include "summary.h"
#include "family.h"

bool serve_row(const struct evb_table *s, size_t r, const char *mode)
{
	return !strcmp(harness_str(s, r, "family"), "serve") &&
	       (!mode || !strcmp(harness_str(s, r, "mode"), mode));
}

void serve_row_kv(const struct evb_table *s, size_t r, const char **kv)
{
	size_t n = 0;

	for (size_t i = 0; harness_axis_columns[i] && n + 3 < SERVE_KV_MAX; i++) {
		kv[n++] = harness_axis_columns[i];
		kv[n++] = harness_str(s, r, harness_axis_columns[i]);
	}
	kv[n] = NULL;
}

double serve_value(const struct report_ctx *ctx, struct report_trust *t, size_t r,
		   const char *column)
{
	const char *kv[SERVE_KV_MAX];

	serve_row_kv(ctx->summary, r, kv);
	return report_cell(ctx, t, kv, column);
}

double serve_p99(const struct report_ctx *ctx, struct report_trust *t, size_t r)
{
	double pooled = harness_num(ctx->summary, r, "p99_pooled");

	return serve_value(ctx, t, r, isfinite(pooled) ? "p99_pooled" : "p99_median");
}

size_t serve_ok_reps(const struct report_ctx *ctx, size_t r, size_t *rows, size_t max)
{
	int cols[32];
	char key[1024];
	size_t n = 0;

	harness_axis_cols(ctx->summary, cols);
	harness_row_key(ctx->summary, r, cols, key, sizeof(key));
	for (size_t i = 0; i < ctx->results->nrows; i++) {
		if (strcmp(ctx->result_keys[i], key) ||
		    strcmp(harness_str(ctx->results, i, "status"), "ok"))
			continue;
		if (n < max)
			rows[n] = i;
		n++;
	}
	return n;
}

bool serve_reason_is(const struct report_ctx *ctx, size_t row, const char *prefix)
{
	return !strncmp(harness_str(ctx->results, row, "reason"), prefix, strlen(prefix));
}

size_t serve_client_bound(const struct report_ctx *ctx, size_t r, size_t *ok)
{
	size_t rows[SERVE_REPS_MAX], n = 0;

	*ok = serve_ok_reps(ctx, r, rows, SERVE_REPS_MAX);
	for (size_t i = 0; i < *ok && i < SERVE_REPS_MAX; i++)
		n += serve_reason_is(ctx, rows[i], SERVE_CLIENT_BOUND) ||
		     serve_reason_is(ctx, rows[i], SERVE_CLIENT_LAGGED);
	return n;
}

void serve_status_text(const struct evb_table *s, size_t r, char *buf, size_t len)
{
	const char *status = harness_str(s, r, "status"), *reason = harness_str(s, r, "reason");

	if (strstr(reason, "RLIMIT_NOFILE") || strstr(reason, "fd limit"))
		snprintf(buf, len, "skipped: fd limit");
	else if (strstr(reason, "FD_SETSIZE"))
		snprintf(buf, len, "skipped: FD_SETSIZE");
	else
		snprintf(buf, len, "%s", status);
}

static bool is_ok(const struct evb_table *s, size_t r)
{
	const char *status = harness_str(s, r, "status");

	return !strcmp(status, "ok") || !strcmp(status, "partial");
}

/* "1000 conns, 100 active, depth 1, 64 B, cross-cpu" (an open cell has no depth) */
static void shape_label(const struct evb_table *s, size_t r, char *buf, size_t len)
{
	const char *depth = harness_str(s, r, "depth");

	snprintf(buf, len, "%s conns, %s active, %s%s%s%s B, %s",
		 harness_str(s, r, "connections"), harness_str(s, r, "active"),
		 depth[0] ? "depth " : "", depth, depth[0] ? ", " : "",
		 harness_str(s, r, "msg_size"), harness_str(s, r, "placement"));
}

/* The 1-connection round trip, one request outstanding. */
static void round_trip_table(const struct report_ctx *ctx)
{
	const struct evb_table *s = ctx->summary;
	const char *const heads[] = { "mechanism", "placement", "p50", "p99", "mean", "req/s" };
	struct report_trust trust = { 0 };
	bool any = false;

	for (size_t r = 0; r < s->nrows && !any; r++)
		any = serve_row(s, r, "closed") && harness_num(s, r, "connections") == 1;
	if (!any)
		return;
	doc_h(ctx->doc, 3, "Round trip: one connection, one request at a time");
	doc_p(ctx->doc, "One sample: the client's clock before it sends a 64 B request to its "
	      "clock after the whole response arrived, over TCP loopback: two wakeups, two "
	      "socket writes and reads, and the server's loop turn.");
	doc_table(ctx->doc, 6, heads);
	for (size_t r = 0; r < s->nrows; r++) {
		char label[140], c[4][48];

		if (!serve_row(s, r, "closed") || harness_num(s, r, "connections") != 1)
			continue;
		harness_mech_label(s, r, label, sizeof(label));
		if (is_ok(s, r)) {
			report_fmt_ns(c[0], 48, serve_value(ctx, &trust, r, "p50_median"));
			report_fmt_ns(c[1], 48, serve_p99(ctx, &trust, r));
			report_fmt_ns(c[2], 48, serve_value(ctx, &trust, r, "mean_median"));
			report_fmt_rate(c[3], 48, serve_value(ctx, &trust, r, "ops_per_s_median"));
		} else {
			serve_status_text(s, r, c[0], 48);
			snprintf(c[1], 48, "-");
			snprintf(c[2], 48, "-");
			snprintf(c[3], 48, "-");
		}
		const char *row[] = { label, harness_str(s, r, "placement"), c[0], c[1], c[2],
				      c[3] };

		doc_row(ctx->doc, row);
	}
	doc_table_end(ctx->doc);
	report_trust_note(ctx, &trust);
}

/* "12 us / 5 us / 6 us": machine, server and client CPU per request. */
static void serve_cpu_text(const struct report_ctx *ctx, struct report_trust *t, size_t r,
			   char *buf, size_t len)
{
	static const char *const cols[] = { "machine_cpu_ns_per_op_median",
					    "server_cpu_ns_per_op_median",
					    "client_cpu_ns_per_op_median" };
	struct evb_sb sb;

	evb_sb_init(&sb, buf, len);
	for (size_t k = 0; k < 3; k++) {
		char ns[32];

		report_fmt_ns(ns, sizeof(ns), serve_value(ctx, t, r, cols[k]));
		evb_sb_printf(&sb, "%s%s", k ? " / " : "", ns);
	}
}

/* Closed loop over many connections: what the server sustains, and at what cost. */
static void closed_table(const struct report_ctx *ctx)
{
	const struct evb_table *s = ctx->summary;
	const char *const heads[] = { "mechanism", "cell", "req/s",
				      "CPU per request: machine / server / client",
				      "wakeups per request", "p99" };
	struct report_trust trust = { 0 };
	size_t shown = 0, bound = 0;

	for (size_t r = 0; r < s->nrows; r++) {
		char label[140], shape[160], c[4][64];
		struct evb_sb sb;
		size_t ok, cb;

		if (!serve_row(s, r, "closed") || !(harness_num(s, r, "connections") > 1))
			continue;
		if (!shown++) {
			doc_h(ctx->doc, 3, "Closed loop: requests per second the server sustains");
			doc_p(ctx->doc, "Each active connection keeps `depth` requests outstanding; "
			      "the rate is what the server sustains. CPU per request, over the "
			      "requests answered in the measured window: the whole machine's "
			      "(/proc/stat), the server process's (every thread, io_uring's "
			      "workers too) and the load generator's; on loopback each side's "
			      "send runs the other's TCP receive, so the machine's is the one "
			      "to compare. Wakeups per request: the server loop's turns that "
			      "found work in the window, per response (below 1: batching).");
			doc_table(ctx->doc, 6, heads);
		}
		harness_mech_label(s, r, label, sizeof(label));
		shape_label(s, r, shape, sizeof(shape));
		cb = serve_client_bound(ctx, r, &ok);
		bound += cb > 0;
		if (is_ok(s, r)) {
			report_fmt_rate(c[0], 64, serve_value(ctx, &trust, r, "ops_per_s_median"));
			if (cb) {
				evb_sb_resume(&sb, c[0], 64);
				evb_sb_printf(&sb, " (client-bound or -lagged %zu/%zu)", cb, ok);
			}
			serve_cpu_text(ctx, &trust, r, c[1], 64);
			evb_sb_fmt(c[2], 64, "%.2f",
				   serve_value(ctx, &trust, r, "wakeups_per_op_median"));
			report_fmt_ns(c[3], 64, serve_p99(ctx, &trust, r));
		} else {
			serve_status_text(s, r, c[0], 64);
			snprintf(c[1], 64, "-");
			snprintf(c[2], 64, "-");
			snprintf(c[3], 64, "-");
		}
		const char *row[] = { label, shape, c[0], c[1], c[2], c[3] };

		doc_row(ctx->doc, row);
	}
	if (!shown)
		return;
	doc_table_end(ctx->doc);
	report_trust_note(ctx, &trust);
	serve_trouble_note(ctx, "closed");
	if (bound)
		doc_p(ctx->doc, "client-bound or -lagged k/n: k of the n ok repetitions found the "
		      "load generator, not the server, the bottleneck (its CPU saturated) or "
		      "late (its send-lag p99 above a quarter of the latency p99, or of the "
		      "closed round trip where that is larger): their "
		      "figures are the client's as much as the server's, and no claim is "
		      "judged from them.");
}

/* Open loop at a fixed rate: latency from each request's due time. */
static void open_table(const struct report_ctx *ctx)
{
	const struct evb_table *s = ctx->summary;
	const char *const heads[] = { "mechanism", "cell", "offered", "achieved", "mean", "p50",
				      "p99 (samples)" };
	struct report_trust trust = { 0 };
	size_t shown = 0;

	for (size_t r = 0; r < s->nrows; r++) {
		char label[140], shape[200], c[5][64];
		struct evb_sb sb;

		if (!serve_row(s, r, "open") || strchr(harness_str(s, r, "rate"), '%') ||
		    serve_curve_step(s, r))
			continue;
		if (!shown++) {
			doc_h(ctx->doc, 3, "Open loop: request latency at a fixed rate");
			doc_p(ctx->doc, "Requests are due at a fixed rate (Poisson or uniform "
			      "spacing) whatever the server does, and each latency counts from "
			      "the time its request was due: a server stall shows in every "
			      "request queued behind it (no coordinated omission). p99 from "
			      "every ok repetition's samples pooled.");
			doc_table(ctx->doc, 7, heads);
		}
		harness_mech_label(s, r, label, sizeof(label));
		snprintf(shape, sizeof(shape), "%s conns, %s active, %s",
			 harness_str(s, r, "connections"), harness_str(s, r, "active"),
			 harness_str(s, r, "arrival"));
		if (is_ok(s, r)) {
			report_fmt_rate(c[0], 64, serve_value(ctx, &trust, r, "offered_per_s_median"));
			report_fmt_rate(c[1], 64, serve_value(ctx, &trust, r, "ops_per_s_median"));
			report_fmt_ns(c[2], 64, serve_value(ctx, &trust, r, "mean_median"));
			report_fmt_ns(c[3], 64, serve_value(ctx, &trust, r, "p50_median"));
			double pooled = harness_num(s, r, "samples_pooled");

			report_fmt_ns(c[4], 48, serve_p99(ctx, &trust, r));
			evb_sb_resume(&sb, c[4], 64);
			if (isfinite(pooled))
				evb_sb_printf(&sb, " (%.0f)", pooled);
		} else {
			serve_status_text(s, r, c[0], 64);
			for (int k = 1; k < 5; k++)
				snprintf(c[k], 64, "-");
		}
		const char *row[] = { label, shape, c[0], c[1], c[2], c[3], c[4] };

		doc_row(ctx->doc, row);
	}
	if (!shown)
		return;
	doc_table_end(ctx->doc);
	report_trust_note(ctx, &trust);
	serve_trouble_note(ctx, "open");
}

/* Server RSS and kernel TCP slab per connection, from 1,000 connections. */
static void memory_table(const struct report_ctx *ctx)
{
	const struct evb_table *s = ctx->summary;
	const char *const heads[] = { "mechanism", "cell", "server RSS per connection",
				      "kernel slab per connection" };
	struct report_trust trust = { 0 };
	size_t shown = 0;

	for (size_t r = 0; r < s->nrows; r++) {
		char label[140], shape[160], shape_only[160], rss[48], slab[48];
		struct evb_sb sb;
		double v;

		if (!serve_row(s, r, NULL) || !(harness_num(s, r, "connections") >= 1000) ||
		    !is_ok(s, r) || strchr(harness_str(s, r, "rate"), '%'))
			continue;
		if (!shown++) {
			doc_h(ctx->doc, 3, "Memory per connection");
			doc_p(ctx->doc, "The server process's RSS growth and the kernel's TCP slab "
			      "growth (sockets, buffers; /proc/slabinfo) per accepted connection: "
			      "what holding connections costs, whatever the mechanism.");
			doc_table(ctx->doc, 4, heads);
		}
		harness_mech_label(s, r, label, sizeof(label));
		shape_label(s, r, shape_only, sizeof(shape_only));
		evb_sb_init(&sb, shape, sizeof(shape));
		evb_sb_printf(&sb, "%s, %s", harness_str(s, r, "mode"), shape_only);
		v = serve_value(ctx, &trust, r, "rss_bytes_per_fd_median");
		evb_sb_fmt(rss, sizeof(rss), isfinite(v) ? "%.0f B" : "-", v);
		v = serve_value(ctx, &trust, r, "slab_bytes_per_fd_median");
		snprintf(slab, sizeof(slab), isfinite(v) ? "%.0f B" : "not measured", v);
		const char *row[] = { label, shape, rss, slab };

		doc_row(ctx->doc, row);
	}
	if (!shown)
		return;
	doc_table_end(ctx->doc);
	report_trust_note(ctx, &trust);
}

void report_serve(const struct report_ctx *ctx)
{
	struct doc *d = ctx->doc;
	bool any = false;

	for (size_t r = 0; r < ctx->summary->nrows && !any; r++)
		any = serve_row(ctx->summary, r, NULL);
	if (!any)
		return;
	doc_h(d, 2, "Serve: a TCP request/response server under load");
	doc_p(d, "One server process answers requests over TCP loopback with one mechanism "
	      "(select, poll, epoll, io_uring; threads: a blocking thread per connection); a "
	      "load generator in another process opens `connections` connections, of which "
	      "`active` carry requests. closed: each active connection keeps `depth` requests "
	      "outstanding, latency from the send, the rate is what the server sustains. "
	      "open: requests are due at `rate` (req/s, or a %% of the capacity a search "
	      "found just before, see capacity), latency from the due time, so queueing shows. "
	      "capacity: the load generator searches for the highest open-loop rate the "
	      "server sustains, within a p99 bound (`slo_ns`). Figures "
	      "whose cells this run did not measure are left out (the saturation curve needs "
	      "the saturation preset, the connections figure seed-server-table or standard, "
	      "the latency-throughput curve standard or full).");
	doc_figure(d, "serve_connections", "Request latency vs connections: p50, whisker to p99");
	doc_figure(d, "serve_saturation", "Saturation: p99 latency vs achieved req/s");
	doc_figure(d, "serve_uring_epoll", "io_uring vs epoll: req/s and CPU per request");
	doc_figure(d, "serve_latency_rate", "Latency against offered rate: p50 and p99");
	round_trip_table(ctx);
	closed_table(ctx);
	open_table(ctx);
	report_serve_curve(ctx);
	report_serve_capacity(ctx);
	report_serve_saturation(ctx);
	memory_table(ctx);
	report_serve_seed(ctx);
}
