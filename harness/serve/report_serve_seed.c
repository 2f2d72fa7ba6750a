/*
 * report_serve_seed.c - the serve section's published server table in its
 * own format (rows 1,000 / 10,000 / 100,000 connections, 10% active;
 * "avg ms / p99 ms" per mechanism, the published figures beside), and the
 * saturation table (the open loop at fractions of the closed maximum).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "evb_axes.h"
#include "evb_sb.h"
#include "figures.h"
#include "plan_serve.h"
#include "report_serve.h"

#define NCONNS 3
#define MAX_MECHS 8

static const int64_t seed_conns[NCONNS] = { 1000, 10000, 100000 };
static const char *const seed_rows[NCONNS] = { "1,000", "10,000", "100,000" };

/* The published table: avg and p99 in ms; NAN: FAILED. */
static const struct {
	const char *mechanism, *variant;
	double avg_ms[NCONNS], p99_ms[NCONNS];
} published[] = {
	{ "select", "", { 15.2, 180, NAN }, { 45, 520, NAN } },
	{ "poll", "", { 12.8, 150, 2800 }, { 38, 450, 8000 } },
	{ "epoll", "lt", { 0.8, 1.2, 8.5 }, { 2, 4, 25 } },
};

/* The seed cell of mechanism/variant at connections[k], as harness_find_row's
 * kv (plan_serve.h's one definition), in kv and nums. */
#define SEED_KV(m, v, k) \
	const char *kv[PLAN_SERVE_SEED_KV]; \
	char kv_nums[2][24]; \
	plan_serve_seed_kv(kv, kv_nums, m, v, seed_conns[k], NULL)

/* The seed cell of mechanism/variant at connections[k], or -1. */
static long seed_cell(const struct evb_table *s, const char *m, const char *v, int k)
{
	SEED_KV(m, v, k);

	return harness_find_row(s, kv);
}

/* The table's columns: the published mechanisms, then every io_uring variant
 * that has a seed cell. */
static size_t seed_mechs(const struct evb_table *s, char names[][2][64])
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(published) / sizeof(published[0]); i++) {
		snprintf(names[n][0], 64, "%s", published[i].mechanism);
		snprintf(names[n++][1], 64, "%s", published[i].variant);
	}
	for (size_t r = 0; r < s->nrows && n < MAX_MECHS; r++) {
		bool seen = false;

		if (!serve_row(s, r, "open") || strcmp(harness_str(s, r, "mechanism"), "io_uring"))
			continue;
		for (size_t i = 0; i < n; i++)
			seen |= !strcmp(names[i][0], "io_uring") &&
				!strcmp(names[i][1], harness_str(s, r, "variant"));
		if (seen)
			continue;
		for (int k = 0; k < NCONNS && !seen; k++)
			seen = seed_cell(s, "io_uring", harness_str(s, r, "variant"), k) == (long)r;
		if (!seen)
			continue;
		snprintf(names[n][0], 64, "io_uring");
		snprintf(names[n++][1], 64, "%s", harness_str(s, r, "variant"));
	}
	return n;
}

static void seed_text(const struct report_ctx *ctx, struct report_trust *t,
		      struct report_beside *b, size_t mech, const char *m, const char *v, int k,
		      char *buf, size_t len)
{
	SEED_KV(m, v, k);
	char pub[64] = "", what[160];
	struct evb_sb sb;

	evb_sb_fmt(what, sizeof(what), "%s%s%s at %s connections", m, v[0] ? "/" : "", v,
		   seed_rows[k]);

	const struct report_ctx *c = report_beside_pick(ctx, kv, b, what);
	long r = harness_find_row(c->summary, kv);

	if (c != ctx)
		t = &b->trust;
	if (mech < sizeof(published) / sizeof(published[0])) {
		if (isfinite(published[mech].avg_ms[k]))
			snprintf(pub, sizeof(pub), " (published %g / %g)", published[mech].avg_ms[k],
				 published[mech].p99_ms[k]);
		else
			snprintf(pub, sizeof(pub), " (published FAILED)");
	}
	evb_sb_init(&sb, buf, len);
	if (r < 0)
		evb_sb_puts(&sb, "not run");
	else if (!strcmp(harness_str(c->summary, (size_t)r, "status"), "ok") ||
		 !strcmp(harness_str(c->summary, (size_t)r, "status"), "partial")) {
		double avg = serve_value(c, t, (size_t)r, "mean_median");
		double p99 = serve_p99(c, t, (size_t)r);
		size_t ok, cb = serve_client_bound(c, (size_t)r, &ok);

		double got = report_value(c->summary, kv, "ops_per_s_median");
		double offered = report_value(c->summary, kv, "offered_per_s_median");

		evb_sb_printf(&sb, avg < 1e9 ? "%.3g / " : "%.0f / ", avg / 1e6);
		if (isfinite(p99))
			evb_sb_printf(&sb, p99 < 1e9 ? "%.3g" : "%.0f", p99 / 1e6);
		else
			evb_sb_puts(&sb, "-");
		if (cb)
			evb_sb_puts(&sb, ", client-bound or -lagged");
		/* Below the offered rate the latency is a growing queue's. */
		if (isfinite(got) && isfinite(offered) && got < 0.9 * offered)
			evb_sb_printf(&sb, ", saturated: %.0f of %.0f req/s", got, offered);
		report_beside_mark(c, buf, len);
	} else {
		serve_status_text(c->summary, (size_t)r, buf, len);
	}
	evb_sb_resume(&sb, buf, len);
	evb_sb_puts(&sb, pub);
}

/* Why the 100,000 row did not run here, and what it needs. */
static void seed_refused(const struct report_ctx *ctx, char names[][2][64], size_t n)
{
	const struct evb_table *s = ctx->summary;
	const char *shown = "";
	char from[200];

	for (size_t i = 0; i < n && ctx->beside && !shown[0]; i++) {
		SEED_KV(names[i][0], names[i][1], NCONNS - 1);

		if (report_beside_pick(ctx, kv, NULL, NULL) != ctx) {
			snprintf(from, sizeof(from), " The row shows instead the cells of the run "
				 "marked [%s], which ran them: see the next paragraph.",
				 ctx->beside->label);
			shown = from;
		}
	}

	for (size_t i = 0; i < n; i++) {
		long r = seed_cell(s, names[i][0], names[i][1], NCONNS - 1);

		if (r < 0 || strcmp(harness_str(s, (size_t)r, "status"), "skipped"))
			continue;
		doc_p(ctx->doc, "100,000 connections did not run here (%s/%s: \"%s\"). The cell "
		      "needs a descriptor per connection in each process: 100,000 in the server "
		      "and 100,000 in the load generator, plus the listener and the mechanism's "
		      "own (an epoll fd, a ring), so RLIMIT_NOFILE above 100,000 for both; and "
		      "100,000 client ports, which the load generator finds by spreading the "
		      "connections over 127.0.0.1, 127.0.0.2, ... (4,000 each). This machine's "
		      "descriptor limit refuses it.%s", names[i][0], names[i][1],
		      harness_str(s, (size_t)r, "reason"), shown);
		return;
	}
}

void report_serve_seed(const struct report_ctx *ctx)
{
	const struct evb_table *s = ctx->summary;
	char names[MAX_MECHS][2][64], heads_text[MAX_MECHS][140];
	const char *heads[MAX_MECHS + 1] = { "connections (10% active)" };
	size_t n = seed_mechs(s, names);
	struct report_trust trust = { 0 };
	struct report_beside beside = { 0 };
	bool any = false;

	for (size_t i = 0; i < n && !any; i++)
		for (int k = 0; k < NCONNS && !any; k++)
			any = seed_cell(s, names[i][0], names[i][1], k) >= 0 ||
			      (ctx->beside &&
			       seed_cell(ctx->beside->summary, names[i][0], names[i][1], k) >= 0);
	if (!any)
		return;
	doc_h(ctx->doc, 3, "The published server table, beside this machine");
	doc_p(ctx->doc, "In the table's own format: mean / p99 request latency in ms per "
	      "mechanism, 10%% of the connections active, the published figures in brackets. "
	      "Measured here: an open loop at 5000 req/s (Poisson) over the active connections, "
	      "64 B requests, latency from each request's due time (p99 from every ok "
	      "repetition's samples pooled). The published load is not stated, so compare "
	      "the shape (how latency grows with connections, the ratios between mechanisms), "
	      "not the milliseconds. \"saturated: X of Y req/s\": the cell answered below "
	      "90%% of the offered rate, so its latency is mostly a growing queue's.");
	for (size_t i = 0; i < n; i++) {
		evb_sb_fmt(heads_text[i], sizeof(heads_text[i]), "%s%s%s avg / p99 ms",
			   names[i][0], names[i][1][0] ? "/" : "", names[i][1]);
		heads[i + 1] = heads_text[i];
	}
	doc_table(ctx->doc, (int)n + 1, heads);
	for (int k = 0; k < NCONNS; k++) {
		char cells[MAX_MECHS][160];
		const char *row[MAX_MECHS + 1] = { seed_rows[k] };

		for (size_t i = 0; i < n; i++) {
			seed_text(ctx, &trust, &beside, i, names[i][0], names[i][1], k, cells[i],
				  sizeof(cells[i]));
			row[i + 1] = cells[i];
		}
		doc_row(ctx->doc, row);
	}
	doc_table_end(ctx->doc);
	report_trust_note(ctx, &trust);
	seed_refused(ctx, names, n);
	report_beside_note(ctx, &beside);
}

static const char *const sat_rates[] = { "10%", "30%", "50%", "70%", "90%", "110%", "150%",
					 "300%" };
#define NRATES (sizeof(sat_rates) / sizeof(sat_rates[0]))

void report_serve_saturation(const struct report_ctx *ctx)
{
	const struct evb_table *s = ctx->summary;
	const char *heads[NRATES + 1] = { "mechanism" };
	char names[48][2][64];
	size_t n = report_mechanisms(s, "serve", "open", names, 48), shown = 0;
	struct report_trust trust = { 0 };

	for (size_t k = 0; k < NRATES; k++)
		heads[k + 1] = sat_rates[k];
	for (size_t i = 0; i < n; i++) {
		char label[140], cells[NRATES][64];
		const char *row[NRATES + 1] = { label };
		size_t found = 0;

		for (size_t k = 0; k < NRATES; k++) {
			const char *const kv[] = { "family", "serve", "mode", "open", "mechanism",
						   names[i][0], "variant", names[i][1], "rate",
						   sat_rates[k], "connections", "100", NULL };
			long r = harness_find_row(s, kv);

			row[k + 1] = cells[k];
			snprintf(cells[k], 64, "-");
			if (r < 0)
				continue;
			found++;
			if (strcmp(harness_str(s, (size_t)r, "status"), "ok")) {
				serve_status_text(s, (size_t)r, cells[k], 64);
				continue;
			}
			char rate[64], p99[64];
			struct evb_sb sb;

			report_fmt_rate(rate, sizeof(rate),
					serve_value(ctx, &trust, (size_t)r, "ops_per_s_median"));
			report_fmt_ns(p99, sizeof(p99), serve_p99(ctx, &trust, (size_t)r));
			evb_sb_init(&sb, cells[k], sizeof(cells[k]));
			evb_sb_printf(&sb, "%s, %s", rate, p99);
		}
		if (!found)
			continue;
		if (!shown++) {
			doc_h(ctx->doc, 3, "Saturation: the open loop at a fraction of the capacity");
			doc_p(ctx->doc, "100 connections, 10 active; the rate is a fraction of the "
			      "capacity the driver's search (open-loop steps, achieved within 5%% "
			      "of offered) found just before, on the same connections. Each cell: achieved req/s, p99 latency from the due "
			      "time. Beyond 100%% the backlog grows for the whole run: the p99 "
			      "then measures how long the run was, not the server.");
			doc_table(ctx->doc, NRATES + 1, heads);
		}
		evb_mech_label(label, sizeof(label), names[i][0], names[i][1]);
		doc_row(ctx->doc, row);
	}
	if (!shown)
		return;
	doc_table_end(ctx->doc);
	report_trust_note(ctx, &trust);
}
