/*
 * report.c - `evbench report RUN`, also the last stage of `evbench run`
 * (its command line, and --beside RUN2, in report_beside.c).
 *
 * Order: what ran where (header, warnings), the claims with verdicts, one
 * section per family (figures, key cells), the cells that did not run and
 * why, the cross-check, and the full environment.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evb_cli.h"
#include "figures.h"
#include "harness.h"
#include "report.h"
#include "runread.h"
#include "summary.h"

void report_fmt_ns(char *buf, size_t len, double ns)
{
	if (!isfinite(ns))
		snprintf(buf, len, "-");
	else if (ns >= 1e9)
		snprintf(buf, len, "%.2f s", ns / 1e9);
	else if (ns >= 1e6)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else if (ns >= 1e3)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else
		snprintf(buf, len, "%.0f ns", ns);
}

void report_fmt_rate(char *buf, size_t len, double per_s)
{
	if (!isfinite(per_s))
		snprintf(buf, len, "-");
	else if (per_s >= 1e6)
		snprintf(buf, len, "%.2f M/s", per_s / 1e6);
	else if (per_s >= 1e3)
		snprintf(buf, len, "%.1f k/s", per_s / 1e3);
	else
		snprintf(buf, len, "%.0f /s", per_s);
}

void report_fmt_pct(char *buf, size_t len, double pct)
{
	if (!isfinite(pct))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f%%", pct);
}

double report_value(const struct evb_table *summary, const char *const *kv, const char *column)
{
	long r = harness_find_row(summary, kv);

	if (r < 0)
		return NAN;
	if (strcmp(harness_str(summary, (size_t)r, "status"), "ok") &&
	    strcmp(harness_str(summary, (size_t)r, "status"), "partial"))
		return NAN;
	return harness_num(summary, (size_t)r, column);
}

size_t report_mechanisms(const struct evb_table *s, const char *family, const char *mode,
			 char names[][2][64], size_t max)
{
	size_t n = 0;

	for (size_t r = 0; r < s->nrows && n < max; r++) {
		const char *m = harness_str(s, r, "mechanism"), *v = harness_str(s, r, "variant");
		size_t i = 0;

		if (strcmp(harness_str(s, r, "family"), family) ||
		    (mode && strcmp(harness_str(s, r, "mode"), mode)))
			continue;
		while (i < n && (strcmp(names[i][0], m) || strcmp(names[i][1], v)))
			i++;
		if (i == n) {
			snprintf(names[n][0], sizeof(names[n][0]), "%s", m);
			snprintf(names[n][1], sizeof(names[n][1]), "%s", v);
			n++;
		}
	}
	return n;
}

static void header(const struct report_ctx *ctx, const struct harness_run *run)
{
	struct doc *d = ctx->doc;
	static const char *const keys[][2] = {
		{ "run_id", "run" }, { "kernel_release", "kernel" }, { "hostname", "host" },
		{ "cpu_model", "CPU" }, { "cpus_online", "online CPUs" },
		{ "virtualization", "virtualization" }, { "clocksource", "clocksource" },
		{ "preempt_model", "preemption" }, { "governor", "cpufreq governor" },
		{ "cpu_dma_latency_us", "cpu_dma_latency (us)" },
		{ "tuning_cpu_dma_latency", "tuning" }, { "run_profile", "profile" },
		{ "run_reps", "repetitions per cell" }, { "evbench_commit", "evbench commit" },
		{ "compiler", "compiler" },
	};

	doc_h(d, 1, "evbench report: %s", harness_run_env(run, "run_id"));
	doc_p(d, "Linux notification and multiplexing mechanisms measured on %s, kernel %s. "
	      "Every number is a median over repetitions of a per-run figure; summary.csv has "
	      "its 95%% confidence interval and results.csv every run.",
	      harness_run_env(run, "hostname"), harness_run_env(run, "kernel_release"));
	if (run->complete)
		doc_p(d, "This run is complete: every planned driver run has its row.");
	else
		doc_note(d, "This run is %s. The tables hold what finished; cells after the "
			 "interruption are missing.", run->state);
	report_vm_header(ctx);

	const char *const heads[] = { "what", "value" };

	doc_table(d, 2, heads);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *row[] = { keys[i][1], harness_run_env(run, keys[i][0]) };

		doc_row(d, row);
	}
	doc_table_end(d);

	int env_key = evb_table_col(&run->env, "key"), env_value = evb_table_col(&run->env, "value");
	int warnings = 0;

	for (size_t r = 0; r < run->env.nrows; r++) {
		if (strncmp(evb_table_get(&run->env, r, env_key), "warning_", 8))
			continue;
		if (!warnings++)
			doc_p(d, "Warnings about this machine:");
		doc_item(d, "%s", evb_table_get(&run->env, r, env_value));
	}
	if (warnings)
		doc_list_end(d);

	size_t counts[4] = { 0 };
	static const char *const statuses[] = { "ok", "skipped", "failed", "timeout", NULL };

	for (size_t r = 0; r < ctx->results->nrows; r++) {
		int s = evb_parse_word(harness_str(ctx->results, r, "status"), statuses);

		if (s >= 0)
			counts[s]++;
	}
	doc_p(d, "%zu driver runs: %zu ok, %zu skipped (cannot run here, with the reason), "
	      "%zu failed, %zu timed out.", ctx->results->nrows, counts[0], counts[1], counts[2],
	      counts[3]);
}

void report_cell_label(const struct evb_table *s, size_t r, char *buf, size_t len)
{
	const char *values[EVB_NAXES];

	for (size_t i = 0; i < EVB_NAXES; i++)
		values[i] = harness_str(s, r, harness_axis_columns[i]);
	evb_axes_label(values, buf, len);
}

/* Every cell with a repetition that was not ok, from summary.csv. */
static void not_run(const struct report_ctx *ctx)
{
	struct doc *d = ctx->doc;
	const struct evb_table *s = ctx->summary;
	const char *const heads[] = { "cell", "status", "reps ok", "reason" };
	int rows = 0;

	doc_h(d, 2, "Cells that did not run, or not every time");
	for (size_t r = 0; r < s->nrows; r++) {
		const char *status = harness_str(s, r, "status");
		char label[512], reps[32];

		if (!strcmp(status, "ok"))
			continue;
		if (!rows++)
			doc_table(d, 4, heads);
		report_cell_label(s, r, label, sizeof(label));
		snprintf(reps, sizeof(reps), "%s/%s", harness_str(s, r, "reps_ok"),
			 harness_str(s, r, "reps_total"));
		const char *row[] = { label, status, reps, harness_str(s, r, "reason") };

		doc_row(d, row);
	}
	if (rows)
		doc_table_end(d);
	else
		doc_p(d, "None: every cell ran in every repetition.");
}

static void crosscheck(const struct report_ctx *ctx)
{
	struct doc *d = ctx->doc;
	const struct evb_table *x = ctx->crosscheck;

	doc_h(d, 2, "Cross-check: whole-process timing with hyperfine");
	if (!x->nrows) {
		doc_p(d, "Not run for this run (it is a stage of the standard profile; "
		      "`evbench crosscheck RUN` runs it).");
		return;
	}
	doc_p(d, "hyperfine times the whole driver process at N and 10N operations; the "
	      "slope (t(10N) - t(N)) / 9N is the cost of one more operation, start-up and "
	      "exit cancel out. Beside it the in-process figure the driver measured "
	      "(the mean per operation). Disagreement over 15%% is flagged.");
	const char *const heads[] = { "cell", "hyperfine slope", "in-process", "ratio", "agrees" };

	doc_table(d, 5, heads);
	for (size_t r = 0; r < x->nrows; r++) {
		char slope[32], inproc[32], ratio[32];
		const char *status = harness_str(x, r, "status");

		report_fmt_ns(slope, sizeof(slope), harness_num(x, r, "slope_ns_per_op"));
		report_fmt_ns(inproc, sizeof(inproc), harness_num(x, r, "inprocess_ns_per_op"));
		snprintf(ratio, sizeof(ratio), "%.2f", harness_num(x, r, "ratio"));
		const char *row[] = { harness_str(x, r, "cell"), slope, inproc,
				      strcmp(status, "ok") ? "-" : ratio,
				      strcmp(status, "ok") ? harness_str(x, r, "reason")
							   : harness_str(x, r, "agrees") };

		doc_row(d, row);
	}
	doc_table_end(d);
}

static void environment(const struct report_ctx *ctx, const struct harness_run *run)
{
	struct doc *d = ctx->doc;
	int k = evb_table_col(&run->env, "key"), v = evb_table_col(&run->env, "value");
	const char *const heads[] = { "key", "value" };

	doc_h(d, 2, "Environment (env.csv)");
	doc_table(d, 2, heads);
	for (size_t r = 0; r < run->env.nrows; r++) {
		const char *row[] = { evb_table_get(&run->env, r, k), evb_table_get(&run->env, r, v) };

		doc_row(d, row);
	}
	doc_table_end(d);
}

/* The cell key of every results.csv row (NULL when out of memory). */
static char **result_keys(const struct evb_table *results)
{
	int cols[32];
	char **keys = calloc(results->nrows + 1, sizeof(*keys));

	if (!keys)
		return NULL;
	harness_axis_cols(results, cols);
	for (size_t r = 0; r < results->nrows; r++) {
		char key[1024];

		harness_row_key(results, r, cols, key, sizeof(key));
		keys[r] = strdup(key);
		if (!keys[r]) {
			while (r--)
				free(keys[r]);
			free(keys);
			return NULL;
		}
	}
	return keys;
}

static void free_keys(char **keys, size_t n)
{
	for (size_t r = 0; keys && r < n; r++)
		free(keys[r]);
	free(keys);
}

/* A run read back for its report: what its report_ctx points into. */
struct report_run {
	struct harness_run run;
	struct evb_table summary, crosscheck;
	char **keys;
};

static void report_run_free(struct report_run *rr)
{
	free_keys(rr->keys, rr->run.results.nrows);
	evb_table_free(&rr->crosscheck);
	evb_table_free(&rr->summary);
	harness_run_free(&rr->run);
}

static int report_run_load(struct report_run *rr, const char *dir, char *error, size_t error_len)
{
	char path[PATH_MAX];
	int ret;

	memset(rr, 0, sizeof(*rr));
	ret = harness_run_load(&rr->run, dir, error, error_len);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	ret = evb_table_load(&rr->summary, path);
	if (ret) {
		snprintf(error, error_len, "%s", rr->summary.error);
		goto err_free;
	}
	snprintf(path, sizeof(path), "%s/crosscheck.csv", dir);
	if (access(path, R_OK) == 0 && evb_table_load(&rr->crosscheck, path)) {
		snprintf(error, error_len, "%s", rr->crosscheck.error);
		ret = -EINVAL;
		goto err_free;
	}
	rr->keys = result_keys(&rr->run.results);
	if (!rr->keys) {
		snprintf(error, error_len, "out of memory");
		ret = -ENOMEM;
		goto err_free;
	}
	return 0;
err_free:
	report_run_free(rr);
	return ret;
}

static void report_ctx_of(struct report_ctx *ctx, struct doc *d, struct report_run *rr,
			  const char *dir)
{
	*ctx = (struct report_ctx){
		.doc = d,
		.summary = &rr->summary,
		.results = &rr->run.results,
		.crosscheck = &rr->crosscheck,
		.run_dir = dir,
		.result_keys = rr->keys,
		.run = &rr->run,
	};
}

static void report_write(const struct report_ctx *ctx)
{
	header(ctx, ctx->run);
	report_claims(ctx);
	report_trust_section(ctx);
	for (size_t f = 0; f < harness_nfamilies; f++)
		if (harness_families[f]->report)
			harness_families[f]->report(ctx);
	not_run(ctx);
	crosscheck(ctx);
	environment(ctx, ctx->run);
}

int harness_report_beside(const char *run_dir, const char *beside_dir, char *error,
			  size_t error_len)
{
	struct report_run rr, other;
	struct report_ctx ctx, beside_ctx;
	char title[512], label[128], why[512];
	struct doc d;
	int ret;

	ret = report_run_load(&rr, run_dir, error, error_len);
	if (ret)
		return ret;
	if (beside_dir) {
		ret = report_run_load(&other, beside_dir, why, sizeof(why));
		if (ret) {
			snprintf(error, error_len, "--beside %s: %s", beside_dir, why);
			goto out_run;
		}
	}
	snprintf(title, sizeof(title), "evbench report %s", harness_run_env(&rr.run, "run_id"));
	ret = doc_open(&d, run_dir, title);
	if (ret) {
		snprintf(error, error_len, "%s/report.html: %s", run_dir, strerror(-ret));
		goto out_other;
	}
	report_ctx_of(&ctx, &d, &rr, run_dir);
	if (beside_dir) {
		report_ctx_of(&beside_ctx, &d, &other, beside_dir);
		report_beside_attach(&ctx, &beside_ctx, label, sizeof(label));
	}
	report_write(&ctx);
	ret = doc_close(&d);
	if (ret)
		snprintf(error, error_len, "%s/report.html: %s", run_dir, strerror(-ret));
out_other:
	if (beside_dir)
		report_run_free(&other);
out_run:
	report_run_free(&rr);
	return ret;
}

int harness_report(const char *run_dir, char *error, size_t error_len)
{
	return harness_report_beside(run_dir, NULL, error, error_len);
}
