/*
 * compare.c - `evbench compare A B`: what changed between two runs.
 *
 * Cells are joined on their axis columns.  For each cell in both runs, over
 * the repetitions that were ok on each side:
 *   median A, median B     of the compared figure (p50 or p99 of latency
 *                          cells, ops_per_s of throughput cells)
 *   ratio B/A              with a 95% percentile-bootstrap CI (resampling the
 *                          repetitions of each side independently)
 *   p                      two-sided Mann-Whitney U over the per-rep values
 *   verdict                faster / slower when p < 0.05 and |ratio - 1| >= 2%,
 *                          "~" otherwise, "insufficient" with fewer than 4 ok
 *                          repetitions on a side, "skipped" when neither
 *                          run could measure it (skipped rows on both sides)
 * "faster" means better for the figure: lower latency, higher throughput.
 * Cells present in one run only are listed, never dropped.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_cli.h"
#include "evb_csv.h"
#include "evb_stats.h"
#include "figures.h"
#include "harness.h"
#include "rundir.h"
#include "runread.h"
#include "summary.h"

#define MIN_REPS 4
#define ALPHA 0.05
#define MIN_CHANGE 0.02
#define BOOTSTRAP_ROUNDS 2000

enum cmp_metric { CMP_P50, CMP_P99, CMP_OPS };
static const char *const metric_names[] = { "p50", "p99", "ops_per_s", NULL };

struct cmp_side {
	size_t first_row;       /* a row of the cell, for its axes */
	double *values;         /* ok repetitions */
	size_t n, total, skipped;
	bool present;
};

struct cmp_cell {
	char key[1024];
	struct cmp_side side[2];
	const char *figure;     /* column compared */
	bool higher_is_better;
	double med[2], ratio, lo, hi, p;
	const char *verdict;
	struct cmp_cell *next;  /* hash chain */
};

struct cmp {
	struct harness_run run[2];
	enum cmp_metric metric;
	struct cmp_cell **cells;
	size_t ncells, cap;
	struct cmp_cell *buckets[4096];
	int axis_cols[2][32];
};

static unsigned hash_key(const char *key)
{
	unsigned h = 2166136261u;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h % 4096;
}

static struct cmp_cell *cell_get(struct cmp *c, const char *key)
{
	unsigned h = hash_key(key);
	struct cmp_cell *cell;

	for (cell = c->buckets[h]; cell; cell = cell->next)
		if (!strcmp(cell->key, key))
			return cell;
	if (c->ncells == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct cmp_cell **cells = realloc(c->cells, cap * sizeof(*cells));

		if (!cells)
			return NULL;
		c->cells = cells;
		c->cap = cap;
	}
	cell = calloc(1, sizeof(*cell));
	if (!cell)
		return NULL;
	evb_strlcpy(cell->key, key, sizeof(cell->key));
	cell->next = c->buckets[h];
	c->buckets[h] = cell;
	c->cells[c->ncells++] = cell;
	return cell;
}

/* Which figure a row's cell is compared on. */
static const char *figure_of(const struct evb_table *t, size_t row, enum cmp_metric metric,
			     bool *higher_is_better)
{
	const char *unit = harness_str(t, row, "unit");
	bool throughput = strstr(unit, "/s") != NULL;

	*higher_is_better = throughput || metric == CMP_OPS;
	if (throughput || metric == CMP_OPS)
		return "ops_per_s";
	return metric == CMP_P99 ? "p99" : "p50";
}

static int add_side(struct cmp *c, int s)
{
	const struct evb_table *t = &c->run[s].results;

	harness_axis_cols(t, c->axis_cols[s]);
	for (size_t r = 0; r < t->nrows; r++) {
		char key[1024];

		harness_row_key(t, r, c->axis_cols[s], key, sizeof(key));
		struct cmp_cell *cell = cell_get(c, key);

		if (!cell)
			return -ENOMEM;
		struct cmp_side *side = &cell->side[s];

		if (!side->present) {
			side->present = true;
			side->first_row = r;
		}
		side->total++;
		side->skipped += !strcmp(harness_str(t, r, "status"), "skipped");
		if (strcmp(harness_str(t, r, "status"), "ok"))
			continue;
		if (!cell->figure)
			cell->figure = figure_of(t, r, c->metric, &cell->higher_is_better);
		double v = harness_num(t, r, cell->figure);

		if (!isfinite(v))
			continue;
		double *values = realloc(side->values, (side->n + 1) * sizeof(double));

		if (!values)
			return -ENOMEM;
		side->values = values;
		side->values[side->n++] = v;
	}
	return 0;
}

static void judge(struct cmp_cell *cell)
{
	struct cmp_side *a = &cell->side[0], *b = &cell->side[1];
	double u;

	cell->med[0] = cell->med[1] = cell->ratio = cell->lo = cell->hi = cell->p = NAN;
	if (!a->present || !b->present) {
		cell->verdict = a->present ? "only in A" : "only in B";
		return;
	}
	for (int s = 0; s < 2; s++) {
		evb_sort_doubles(cell->side[s].values, cell->side[s].n);
		cell->med[s] = evb_median_sorted(cell->side[s].values, cell->side[s].n);
	}
	if (a->n > 0 && b->n > 0 && cell->med[0] != 0.0)
		cell->ratio = cell->med[1] / cell->med[0];
	if (a->n == 0 && b->n == 0 && a->skipped == a->total && b->skipped == b->total) {
		cell->verdict = "skipped";
		return;
	}
	if (a->n < MIN_REPS || b->n < MIN_REPS) {
		cell->verdict = "insufficient";
		return;
	}
	evb_mann_whitney(a->values, a->n, b->values, b->n, &u, &cell->p);
	if (evb_bootstrap_ratio_ci(a->values, a->n, b->values, b->n, BOOTSTRAP_ROUNDS, 0.95,
				   0x5eed, &cell->lo, &cell->hi))
		cell->lo = cell->hi = NAN;
	if (!isfinite(cell->ratio) || cell->p >= ALPHA || fabs(cell->ratio - 1.0) < MIN_CHANGE) {
		cell->verdict = "~";
		return;
	}
	bool b_higher = cell->ratio > 1.0;

	cell->verdict = b_higher == cell->higher_is_better ? "faster" : "slower";
}

/* "notify eventfd/counter pingpong thread same-cpu n=... " from the axes. */
static void cell_label(const struct cmp *c, const struct cmp_cell *cell, char *buf, size_t len)
{
	int s = cell->side[0].present ? 0 : 1;
	const struct evb_table *t = &c->run[s].results;
	size_t r = cell->side[s].first_row;
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; harness_axis_columns[i] && used < len; i++) {
		const char *name = harness_axis_columns[i];
		const char *v = evb_table_get(t, r, c->axis_cols[s][i]);

		if (!v[0])
			continue;
		bool named = !strcmp(name, "nfds") || !strcmp(name, "active") ||
			     !strcmp(name, "period_ns") || !strcmp(name, "timers") ||
			     !strcmp(name, "timer_slack_ns") || !strcmp(name, "load");
		bool slash = !strcmp(name, "variant");

		used += (size_t)snprintf(buf + used, len - used, "%s%s%s%s",
					 used ? (slash ? "/" : " ") : "", named ? name : "",
					 named ? "=" : "", v);
	}
}

static void print_num(FILE *out, double v)
{
	if (!isfinite(v))
		fprintf(out, "%12s", "-");
	else if (fabs(v) >= 1e6)
		fprintf(out, "%12.4g", v);
	else
		fprintf(out, "%12.1f", v);
}

static const char *const env_keys[] = {
	"kernel_release", "kernel_version", "kernel_cmdline", "preempt_model", "cpu_model",
	"cpus_online", "smt_active", "virtualization", "clocksource", "governor",
	"cpuidle_driver", "mitigations", "cpu_dma_latency_us", "tuning_cpu_dma_latency",
	"timer_slack_ns", "thp", "io_uring_disabled", "rlimit_nofile_hard", "compiler", "cflags",
	"liburing", "evbench_commit", "run_profile", "run_reps", NULL,
};

static void print_header(const struct cmp *c, FILE *out)
{
	for (int s = 0; s < 2; s++) {
		const struct harness_run *r = &c->run[s];

		fprintf(out, "%c: %s\n   kernel %s on %s, profile %s, %s\n", 'A' + s, r->dir,
			harness_run_env(r, "kernel_release"), harness_run_env(r, "hostname"),
			harness_run_env(r, "run_profile"),
			r->complete ? "complete" : r->state);
	}
	int diffs = 0;

	for (int i = 0; env_keys[i]; i++) {
		const char *a = harness_run_env(&c->run[0], env_keys[i]);
		const char *b = harness_run_env(&c->run[1], env_keys[i]);

		if (!strcmp(a, b))
			continue;
		if (!diffs++)
			fprintf(out, "environment differences that could explain a change:\n");
		fprintf(out, "  %-22s A: %.60s\n  %-22s B: %.60s\n", env_keys[i], a, "", b);
	}
	if (!diffs)
		fprintf(out, "environment: no difference in the recorded keys\n");
}

static void print_table(const struct cmp *c, FILE *out)
{
	fprintf(out, "\n%-78s %-10s %12s %12s %8s %-17s %7s %s\n", "cell", "figure", "median A",
		"median B", "B/A", "95% CI", "p", "verdict");
	for (size_t i = 0; i < c->ncells; i++) {
		const struct cmp_cell *cell = c->cells[i];
		char label[512], ci[64] = "-", p[16] = "-";

		cell_label(c, cell, label, sizeof(label));
		if (isfinite(cell->lo))
			snprintf(ci, sizeof(ci), "[%.3f, %.3f]", cell->lo, cell->hi);
		if (isfinite(cell->p))
			snprintf(p, sizeof(p), "%.3g", cell->p);
		fprintf(out, "%-78.78s %-10s", label, cell->figure ? cell->figure : "-");
		print_num(out, cell->med[0]);
		print_num(out, cell->med[1]);
		if (isfinite(cell->ratio))
			fprintf(out, " %8.3f", cell->ratio);
		else
			fprintf(out, " %8s", "-");
		fprintf(out, " %-17s %7s %s\n", ci, p, cell->verdict);
	}
}

static void put_csv_num(FILE *f, double v)
{
	fputc(',', f);
	if (isfinite(v))
		fprintf(f, "%.10g", v);
}

static int write_csv(const struct cmp *c, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	for (size_t i = 0; harness_axis_columns[i]; i++)
		fprintf(f, "%s,", harness_axis_columns[i]);
	fprintf(f, "figure,reps_ok_a,reps_total_a,reps_ok_b,reps_total_b,median_a,median_b,"
		   "ratio,ratio_ci_lo,ratio_ci_hi,p_value,verdict\n");
	for (size_t i = 0; i < c->ncells; i++) {
		const struct cmp_cell *cell = c->cells[i];
		int s = cell->side[0].present ? 0 : 1;

		for (size_t k = 0; harness_axis_columns[k]; k++) {
			evb_csv_field(f, evb_table_get(&c->run[s].results, cell->side[s].first_row,
						       c->axis_cols[s][k]));
			fputc(',', f);
		}
		fprintf(f, "%s,%zu,%zu,%zu,%zu", cell->figure ? cell->figure : "",
			cell->side[0].n, cell->side[0].total, cell->side[1].n, cell->side[1].total);
		put_csv_num(f, cell->med[0]);
		put_csv_num(f, cell->med[1]);
		put_csv_num(f, cell->ratio);
		put_csv_num(f, cell->lo);
		put_csv_num(f, cell->hi);
		put_csv_num(f, cell->p);
		fputc(',', f);
		evb_csv_field(f, cell->verdict);
		fputc('\n', f);
	}
	return fclose(f) ? -errno : 0;
}

/* Go benchmark text, one line per ok repetition, for benchstat. */
static int write_benchstat(const struct cmp *c, int s, const char *path)
{
	FILE *f = fopen(path, "w");
	const struct evb_table *t = &c->run[s].results;

	if (!f)
		return -errno;
	fprintf(f, "goos: linux\ngoarch: %s\npkg: evbench\ncpu: %s\nkernel: %s\n",
		harness_run_env(&c->run[s], "machine"), harness_run_env(&c->run[s], "cpu_model"),
		harness_run_env(&c->run[s], "kernel_release"));
	for (size_t r = 0; r < t->nrows; r++) {
		bool higher;
		const char *figure = figure_of(t, r, c->metric, &higher);
		double v = harness_num(t, r, figure);
		const char *family = harness_str(t, r, "family");

		if (strcmp(harness_str(t, r, "status"), "ok") || !isfinite(v))
			continue;
		fprintf(f, "Benchmark%c%s", family[0] & ~0x20, family + 1);
		for (size_t i = 1; harness_axis_columns[i]; i++) {
			const char *value = evb_table_get(t, r, c->axis_cols[s][i]);

			if (value[0])
				fprintf(f, "/%s=%s", harness_axis_columns[i], value);
		}
		if (!strcmp(figure, "ops_per_s"))
			fprintf(f, " 1 %.10g ops/s\n", v);
		else
			fprintf(f, " 1 %.10g %s-ns/op\n", v, figure);
	}
	return fclose(f) ? -errno : 0;
}

static int draw(const struct cmp *c, const char *dir)
{
	char path[PATH_MAX], plots[PATH_MAX];
	struct harness_figctx ctx = { .run_dir = dir, .plots_dir = plots };
	FILE *f;
	size_t n = 0;

	f = harness_fig_data(&ctx, "compare", path, sizeof(path));
	if (!f)
		return -EIO;
	fprintf(f, "# index\tlabel\tratio\tci_lo\tci_hi\tclass\n");
	/* Families in order, each a block; class 0 = ~/insufficient, 1 faster, 2 slower. */
	const char *family = NULL;

	for (size_t i = 0; i < c->ncells; i++) {
		const struct cmp_cell *cell = c->cells[i];
		char label[512];

		if (!isfinite(cell->ratio))
			continue;
		cell_label(c, cell, label, sizeof(label));
		const char *fam = harness_str(&c->run[0].results, cell->side[0].first_row, "family");

		if (family && strcmp(family, fam))
			n++;   /* a gap between families */
		family = fam;
		int cls = !strcmp(cell->verdict, "faster") ? 1 : !strcmp(cell->verdict, "slower") ? 2 : 0;

		fprintf(f, "%zu\t%s (%s)\t%.6g\t%.6g\t%.6g\t%d\n", n++, label, cell->figure,
			cell->ratio, isfinite(cell->lo) ? cell->lo : cell->ratio,
			isfinite(cell->hi) ? cell->hi : cell->ratio, cls);
	}
	fclose(f);
	if (!n)
		return 0;

	char rows_var[64], title_var[1200];

	harness_plots_dir(plots, sizeof(plots));
	snprintf(rows_var, sizeof(rows_var), "rows=%zu", n);
	snprintf(title_var, sizeof(title_var),
		 "title=\"B/A per cell (median over reps, 95%% bootstrap CI); grey: not significant"
		 "\\nA: %s   B: %s\"", harness_run_env(&c->run[0], "run_id"),
		 harness_run_env(&c->run[1], "run_id"));
	const char *vars[] = { rows_var, title_var, NULL };

	/* harness_gnuplot writes into <run_dir>/figures; the compare dir plays that part. */
	return harness_gnuplot(&ctx, "compare.gp", path, "compare", vars);
}

static void usage(void)
{
	printf("Usage: evbench compare A B [--metric p50|p99|ops_per_s] [--csv FILE]\n"
	       "                      [--benchstat] [--out DIR]\n"
	       "\n"
	       "Joins the cells of run directories A and B on their axes and, per cell,\n"
	       "gives the medians over repetitions, the ratio B/A with a 95%% bootstrap CI,\n"
	       "the Mann-Whitney U p-value and a verdict: faster, slower, ~ (p >= 0.05 or\n"
	       "|change| < 2%%) or insufficient (< 4 ok repetitions on a side).  Latency\n"
	       "cells compare their p50 (or --metric p99); throughput cells their ops/s.\n"
	       "\n"
	       "  --metric M    p50 (default), p99, or ops_per_s\n"
	       "  --csv FILE    also write the table as CSV to FILE\n"
	       "  --benchstat   write a.bench.txt and b.bench.txt (Go benchmark format)\n"
	       "  --out DIR     where compare.csv and the figure go (new or empty);\n"
	       "                default results/compare-<A>-vs-<B>/\n");
}

static const char *base_name(const char *path)
{
	static char buf[2][PATH_MAX];
	static int which;
	char *b = buf[which++ % 2];
	size_t len;

	snprintf(b, PATH_MAX, "%s", path);
	len = strlen(b);
	while (len > 1 && b[len - 1] == '/')
		b[--len] = '\0';
	char *slash = strrchr(b, '/');

	return slash ? slash + 1 : b;
}

int harness_cmd_compare(int argc, char **argv)
{
	enum { OPT_METRIC = 0x100, OPT_CSV, OPT_BENCHSTAT, OPT_OUT, OPT_HELP };
	static const struct option long_options[] = {
		{ "metric", required_argument, NULL, OPT_METRIC },
		{ "csv", required_argument, NULL, OPT_CSV },
		{ "benchstat", no_argument, NULL, OPT_BENCHSTAT },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = HARNESS_PROG " compare";
	const char *csv = NULL, *out = NULL;
	bool benchstat = false;
	struct cmp *c = calloc(1, sizeof(*c));
	char error[600], dir[PATH_MAX], stem[PATH_MAX], path[PATH_MAX + 32];
	int opt, ret = 0;

	if (!c)
		return 1;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (opt) {
		case OPT_METRIC:
			c->metric = (enum cmp_metric)evb_opt_word(prog, "--metric", optarg,
								  metric_names);
			break;
		case OPT_CSV:
			csv = optarg;
			break;
		case OPT_BENCHSTAT:
			benchstat = true;
			break;
		case OPT_OUT:
			out = optarg;
			break;
		case OPT_HELP:
			usage();
			free(c);
			return 0;
		default:
			evb_usage_error(prog, "unknown option (see above)");
		}
	}
	if (argc - optind != 2)
		evb_usage_error(prog, "expected two run directories, A and B");
	for (int s = 0; s < 2; s++) {
		if (harness_run_load(&c->run[s], argv[optind + s], error, sizeof(error))) {
			fprintf(stderr, "%s: %s\n", prog, error);
			ret = 2;
			goto out_free;
		}
		if (!c->run[s].complete)
			fprintf(stderr, "%s: note: %s is %s\n", prog, argv[optind + s],
				c->run[s].state);
	}
	for (int s = 0; s < 2 && !ret; s++)
		if (add_side(c, s))
			ret = 1;
	for (size_t i = 0; i < c->ncells; i++)
		judge(c->cells[i]);

	print_header(c, stdout);
	print_table(c, stdout);

	snprintf(stem, sizeof(stem), "results/compare-%s-vs-%s", base_name(argv[optind]),
		 base_name(argv[optind + 1]));
	if (harness_newdir(out, stem, dir, sizeof(dir), error, sizeof(error))) {
		fprintf(stderr, "%s: %s\n", prog, error);
		ret = 2;
		goto out_free;
	}
	snprintf(path, sizeof(path), "%s/compare.csv", dir);
	if (write_csv(c, path) || (csv && write_csv(c, csv))) {
		fprintf(stderr, "%s: writing CSV: %s\n", prog, strerror(errno));
		ret = 1;
	}
	if (benchstat) {
		snprintf(path, sizeof(path), "%s/a.bench.txt", dir);
		write_benchstat(c, 0, path);
		snprintf(path, sizeof(path), "%s/b.bench.txt", dir);
		write_benchstat(c, 1, path);
	}
	if (draw(c, dir) == -ENOENT)
		fprintf(stderr, "%s: gnuplot not found: no figure\n", prog);

	static const char *const verdicts[] = { "faster", "slower", "~", "insufficient",
						 "skipped", "only in A", "only in B", NULL };
	size_t counts[8] = { 0 };

	for (size_t i = 0; i < c->ncells; i++)
		counts[evb_parse_word(c->cells[i]->verdict, verdicts)]++;
	printf("\n%zu cells:", c->ncells);
	for (int v = 0; verdicts[v]; v++)
		printf("%s %zu %s", v ? "," : "", counts[v], verdicts[v]);
	printf("\nwritten to %s/ (compare.csv, figures/compare.svg and .png%s)\n", dir,
	       benchstat ? ", a.bench.txt, b.bench.txt" : "");
out_free:
	for (size_t i = 0; i < c->ncells; i++) {
		free(c->cells[i]->side[0].values);
		free(c->cells[i]->side[1].values);
		free(c->cells[i]);
	}
	free(c->cells);
	harness_run_free(&c->run[0]);
	harness_run_free(&c->run[1]);
	free(c);
	return ret;
}
