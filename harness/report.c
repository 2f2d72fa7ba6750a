/*
 * report.c - `evbench report RUN [--beside RUN2]`, also the last stage of
 * `evbench run` (a run shown beside another: report_beside.c).
 *
 * Order: first what to take away: the run's one-line identity, the key
 * results per family (report_keys.c) and the claims, one line each; then
 * how the claims are tested (their details), what ran where (the machine,
 * warnings, driver runs), how far to trust the numbers, one section per
 * family (figures, key cells), the cells that did not run and why, the
 * cross-check, and the full environment.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare.h"
#include "evb_cli.h"
#include "figures.h"
#include "harness.h"
#include "report.h"
#include "rundir_read.h"
#include "summary.h"
#include "rundir.h"

/* A value in the first unit it reaches (scales largest first; the last at 0). */
struct fmt_scale {
	double at;
	const char *fmt;
};

static void fmt_scaled(char *buf, size_t len, double v, const struct fmt_scale *sc)
{
	if (!isfinite(v)) {
		snprintf(buf, len, "-");
		return;
	}
	while (v < sc->at && sc->at > 1)
		sc++;
	snprintf(buf, len, sc->fmt, v / sc->at);
}

void report_fmt_ns(char *buf, size_t len, double ns)
{
	static const struct fmt_scale ns_scale[] = {
		{ 1e9, "%.2f s" }, { 1e6, "%.2f ms" }, { 1e3, "%.1f us" }, { 1, "%.0f ns" },
	};

	fmt_scaled(buf, len, ns, ns_scale);
}

void report_fmt_rate(char *buf, size_t len, double per_s)
{
	static const struct fmt_scale rate_scale[] = {
		{ 1e6, "%.2f M/s" }, { 1e3, "%.1f k/s" }, { 1, "%.0f /s" },
	};

	fmt_scaled(buf, len, per_s, rate_scale);
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

void report_cell_label(const struct evb_table *s, size_t r, char *buf, size_t len)
{
	const char *values[EVB_NAXES];

	for (size_t i = 0; i < EVB_NAXES; i++)
		values[i] = harness_str(s, r, harness_axis_columns[i]);
	evb_axes_label(values, buf, len);
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
	report_identity(ctx);
	report_keys(ctx);
	report_claims(ctx);
	report_claim_details(ctx);
	report_run_section(ctx);
	report_trust_section(ctx);
	for (size_t f = 0; f < harness_nfamilies; f++)
		if (harness_families[f]->report)
			harness_families[f]->report(ctx);
	report_not_run(ctx);
	report_crosscheck(ctx);
	report_environment(ctx);
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
		snprintf(error, error_len, "%s/report.html: %s", run_dir, evb_open_why(ret));
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
		snprintf(error, error_len, "%s/report.html: %s", run_dir, evb_open_why(ret));
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

static void check_beside(const char *prog, const char *run, const char *beside)
{
	char run_real[PATH_MAX], beside_real[PATH_MAX], path[PATH_MAX];

	if (cmp_is_nway_dir(run))
		evb_usage_error(prog, "--beside %s: %s is a compare directory; --beside shows a "
				"run beside a run", beside, run);
	harness_run_path(path, sizeof(path), beside, "results.csv");
	if (access(path, R_OK))
		evb_usage_error(prog, "--beside %s: not a run directory (%s: %s)", beside, path,
				strerror(errno));
	if (realpath(run, run_real) && realpath(beside, beside_real) &&
	    !strcmp(run_real, beside_real))
		evb_usage_error(prog, "--beside %s: the same run as %s; name another run", beside,
				run);
}

int harness_cmd_report(int argc, char **argv)
{
	const char *prog = HARNESS_PROG " report", *run = NULL, *beside = NULL;
	char error[1200];

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: evbench report RUN [--beside RUN2]\n\nWrites RUN/report.html "
		       "(self-contained: figures embedded as SVG images) and RUN/report.md (figures as "
		       "PNG links) from the run's CSV files.  An interrupted run is reported as "
		       "incomplete.\nRUN may also be the directory of a compare of three or more "
		       "runs.\n\n  --beside RUN2  in the seed tables, a cell that is not ok in "
		       "RUN but is in RUN2\n                shows RUN2's value, marked with RUN2's "
		       "label (\"vm tcg <guest kernel>\"\n                for a run inside a VM, "
		       "else RUN2's directory name); RUN's own\n                ok cells are "
		       "never replaced.  E.g. a VM's 100,000-connection cells\n"
		       "                beside a host that refuses them.\n");
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--beside")) {
			if (i + 1 == argc)
				evb_usage_error(prog, "--beside: expected a run directory after it");
			beside = argv[++i];
		} else if (!strncmp(argv[i], "--beside=", 9)) {
			beside = argv[i] + 9;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			evb_usage_error(prog, "unknown option '%s'", argv[i]);
		} else if (run) {
			evb_usage_error(prog, "expected one run directory, got '%s' and '%s'", run,
					argv[i]);
		} else {
			run = argv[i];
		}
	}
	if (!run)
		evb_usage_error(prog, "expected one argument: a run directory");
	if (beside)
		check_beside(prog, run, beside);
	if (cmp_is_nway_dir(run) ? cmp_nway_report(run, error, sizeof(error)) :
	    harness_report_beside(run, beside, error, sizeof(error))) {
		fprintf(stderr, "%s: %s\n", prog, error);
		return 2;
	}
	printf("%s/report.html\n%s/report.md\n", run, run);
	return 0;
}
