/*
 * compare.c - `evbench compare A B [C ...]`: what changed between two runs
 * (three or more: compare_nway.c).
 *
 * The stages: load both run directories (rundir_read.c), join their cells and
 * judge each (compare_cells.c), read the sentinel and the plans
 * (compare_header.c), print the header and the table and write
 * compare.csv, the figure and what the options ask for (compare_out.c).
 * Exit status: 0, 1 when --fail-on-slower found a cell slower by more than
 * its threshold or a file could not be written, 2 for bad usage or a run
 * directory that cannot be read.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "evb_cli.h"
#include "harness.h"
#include "rundir.h"

#define MIN_CHANGE_PCT 5.0

static const char *const metric_names[] = { "p50", "p99", "ops_per_s", NULL };

static void usage(void)
{
	printf("Usage: evbench compare A B [C ...] [--metric p50|p99|ops_per_s]\n"
	       "                      [--min-change PCT] [--fail-on-slower PCT] [--csv FILE]\n"
	       "                      [--json FILE] [--benchstat] [--out DIR] [--cells TEXT]\n"
	       "\n"
	       "Joins the cells of run directories A and B on their axes and, per cell,\n"
	       "gives the medians over repetitions, the ratio B/A with an order-statistic\n"
	       "interval and the coverage it reaches at the repetitions it has (at least\n"
	       "76.6%% at 4 a side, 87.9%% at 5, 95%% from 7: ci_coverage in the CSV),\n"
	       "the p-value of Welch's t-test on the logs of the repetitions (Mann-Whitney's\n"
	       "beside it in the CSV), its Benjamini-Hochberg q-value over all compared\n"
	       "cells, each side's precision, and a verdict: faster or slower when q < 0.05\n"
	       "and B/A lies beyond 1 +- min-change; ~ otherwise; insufficient\n"
	       "with < %d ok repetitions on a side.  The header says how much the machine\n"
	       "itself moved (sentinel.csv) and whether the plans differ (plan.csv).\n"
	       "\n"
	       "  --metric M            p50 (default), p99, or ops_per_s\n"
	       "  --min-change PCT      smallest change a verdict may report (default %g)\n"
	       "  --fail-on-slower PCT  exit 1 when a cell is judged slower by more than PCT%%\n"
	       "  --csv FILE            also write the table as CSV to FILE\n"
	       "  --json FILE           write the header and the table as JSON to FILE\n"
	       "  --benchstat           write a.bench.txt and b.bench.txt (Go benchmark format)\n"
	       "  --out DIR             where compare.csv and the figure go (new or empty);\n"
	       "                        default results/compare-<A>-vs-<B>/\n"
	       "\n"
	       "With three or more runs, each is compared with the first (the baseline),\n"
	       "with one Benjamini-Hochberg correction over every cell x run; compare.csv\n"
	       "has one record per cell x run, compare_runs.csv the runs' environments,\n"
	       "figures/ a heat map and mechanism lines per family, and `evbench report\n"
	       "DIR` writes the page (docs/compare.md, \"Three or more runs\").\n"
	       "  --cells TEXT          mechanism lines over the cells whose label has TEXT\n"
	       "  --nway                that form for two runs as well (what `evbench vm`\n"
	       "                        writes for its kernels)\n",
	       CMP_MIN_REPS, MIN_CHANGE_PCT);
}

static void parse_args(int argc, char **argv, struct cmp *c, struct cmp_opts *o)
{
	enum { OPT_METRIC = 0x100, OPT_CSV, OPT_JSON, OPT_BENCHSTAT, OPT_OUT, OPT_MIN_CHANGE,
	       OPT_FAIL_ON_SLOWER, OPT_CELLS, OPT_NWAY, OPT_HELP };
	static const struct option long_options[] = {
		{ "metric", required_argument, NULL, OPT_METRIC },
		{ "csv", required_argument, NULL, OPT_CSV },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "benchstat", no_argument, NULL, OPT_BENCHSTAT },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "min-change", required_argument, NULL, OPT_MIN_CHANGE },
		{ "fail-on-slower", required_argument, NULL, OPT_FAIL_ON_SLOWER },
		{ "cells", required_argument, NULL, OPT_CELLS },
		{ "nway", no_argument, NULL, OPT_NWAY },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = HARNESS_PROG " compare";
	int opt;

	c->min_change = MIN_CHANGE_PCT / 100.0;
	o->fail_on_slower_pct = -1.0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (opt) {
		case OPT_METRIC:
			c->metric = (enum cmp_metric)evb_opt_word(prog, "--metric", optarg,
								  metric_names);
			break;
		case OPT_CSV:
			o->csv = optarg;
			break;
		case OPT_JSON:
			o->json = optarg;
			break;
		case OPT_BENCHSTAT:
			o->benchstat = true;
			break;
		case OPT_OUT:
			o->out = optarg;
			break;
		case OPT_MIN_CHANGE:
			c->min_change = evb_opt_pct(prog, "--min-change", optarg, 1000) / 100.0;
			break;
		case OPT_FAIL_ON_SLOWER:
			o->fail_on_slower_pct = evb_opt_pct(prog, "--fail-on-slower", optarg, 1000);
			break;
		case OPT_CELLS:
			o->cells = optarg;
			break;
		case OPT_NWAY:
			o->nway = true;
			break;
		case OPT_HELP:
			usage();
			exit(0);
		default:
			evb_usage_error(prog, "unknown option (see above)");
		}
	}
	if (argc - optind < 2)
		evb_usage_error(prog, "expected two or more run directories");
	if (argc - optind > CMP_MAX_RUNS)
		evb_usage_error(prog, "%d run directories: at most %d", argc - optind,
				CMP_MAX_RUNS);
}

const char *cmp_base_name(const char *path, char *buf, size_t len)
{
	size_t n;

	snprintf(buf, len, "%s", path);
	n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	char *slash = strrchr(buf, '/');

	return slash ? slash + 1 : buf;
}

/* compare.csv, --csv, --json, --benchstat and the figure into dir. */
static int write_outputs(const struct cmp *c, const struct cmp_opts *o, const char *dir)
{
	const char *prog = HARNESS_PROG " compare";
	char path[PATH_MAX + 32];
	int ret = 0, err;

	snprintf(path, sizeof(path), "%s/compare.csv", dir);
	if ((err = cmp_write_csv(c, path)) || (o->csv && (err = cmp_write_csv(c, o->csv)))) {
		fprintf(stderr, "%s: writing CSV: %s\n", prog, strerror(-err));
		ret = 1;
	}
	if (o->json && (err = cmp_write_json(c, o->json))) {
		fprintf(stderr, "%s: %s: %s\n", prog, o->json, strerror(-err));
		ret = 1;
	}
	for (int s = 0; o->benchstat && s < 2; s++) {
		snprintf(path, sizeof(path), "%s/%c.bench.txt", dir, 'a' + s);
		if ((err = cmp_write_benchstat(c, s, path))) {
			fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(-err));
			ret = 1;
		}
	}
	if (cmp_draw(c, dir) == -ENOENT)
		fprintf(stderr, "%s: gnuplot not found: no figure\n", prog);
	return ret;
}

/* Cells judged slower by more than the threshold, named on stderr. */
size_t cmp_count_too_slow(const struct cmp *c, double pct)
{
	size_t n = 0;

	for (size_t i = 0; pct >= 0 && i < c->ncells; i++) {
		const struct cmp_cell *cell = c->cells[i];
		char label[512];

		if (cell->cls != CMP_SLOWER || !(cmp_slowdown_pct(cell) > pct))
			continue;
		cmp_cell_label(c, cell, label, sizeof(label));
		fprintf(stderr, "%s compare: slower by %.1f%% (more than %g%%): %s\n",
			HARNESS_PROG, cmp_slowdown_pct(cell), pct, label);
		n++;
	}
	return n;
}

int cmp_load_runs(struct cmp *c, char *const *dirs)
{
	char error[600];

	for (int s = 0; s < 2; s++) {
		if (harness_run_load(&c->run[s], dirs[s], error, sizeof(error))) {
			fprintf(stderr, "%s compare: %s\n", HARNESS_PROG, error);
			return -EINVAL;
		}
		if (!c->run[s].complete)
			fprintf(stderr, "%s compare: note: %s is %s\n", HARNESS_PROG, dirs[s],
				c->run[s].state);
		harness_env_target(&c->run[s].env, &c->target[s]);
	}
	c->accel_mismatch = cmp_run_emulated(&c->run[0]) != cmp_run_emulated(&c->run[1]);
	return 0;
}

int harness_cmd_compare(int argc, char **argv)
{
	struct cmp_opts o = { 0 };
	struct cmp *c = calloc(1, sizeof(*c));
	char error[600], dir[PATH_MAX], stem[PATH_MAX], name[2][PATH_MAX];
	int ret = 0;

	if (!c)
		return 1;
	parse_args(argc, argv, c, &o);
	if (argc - optind > 2 || (o.nway && argc - optind == 2)) {
		ret = cmp_nway(c, &o, argv + optind, (size_t)(argc - optind));
		free(c);
		return ret;
	}
	if (cmp_load_runs(c, argv + optind)) {
		ret = 2;
		goto out_free;
	}
	cmp_sentinel(c);   /* before the verdicts: "machine moved" */
	if (cmp_add_side(c, 0) || cmp_add_side(c, 1) || cmp_judge_all(c)) {
		fprintf(stderr, "%s compare: %s\n", HARNESS_PROG, strerror(ENOMEM));
		ret = 1;
		goto out_free;
	}
	cmp_plans(c);
	cmp_print_header(c, stdout);
	cmp_print_table(c, stdout);
	cmp_detect_print((const struct cmp *const[]){ c }, 1, stdout);

	snprintf(stem, sizeof(stem), "results/compare-%s-vs-%s",
		 cmp_base_name(argv[optind], name[0], sizeof(name[0])),
		 cmp_base_name(argv[optind + 1], name[1], sizeof(name[1])));
	if (harness_newdir(o.out, stem, dir, sizeof(dir), error, sizeof(error))) {
		fprintf(stderr, "%s compare: %s\n", HARNESS_PROG, error);
		ret = 2;
		goto out_free;
	}
	ret = write_outputs(c, &o, dir);
	printf("\n%zu cells:", c->ncells);
	for (int k = 0; k < CMP_NCLASSES; k++)
		if (k != CMP_REFUSED || c->counts[k])
			printf("%s %zu %s", k ? "," : "", c->counts[k], cmp_class_names[k]);
	printf("\nwritten to %s/ (compare.csv, figures/compare.svg and .png%s%s)\n", dir,
	       o.benchstat ? ", a.bench.txt, b.bench.txt" : "", o.json ? ", the JSON" : "");
	if (cmp_count_too_slow(c, o.fail_on_slower_pct))
		ret = 1;
out_free:
	cmp_free_cells(c);
	harness_run_free(&c->run[0]);
	harness_run_free(&c->run[1]);
	free(c);
	return ret;
}
