/*
 * compare_header.c - what a comparison rests on, printed above its table:
 * where A and B differ in the recorded environment, how much the machine
 * itself moved between them (the sentinel cell that `evbench run` measures
 * through the run into sentinel.csv), and whether the two runs measured
 * their cells with the same plan (plan.csv: iterations, warm-up, timeout,
 * histogram, extra driver arguments per cell).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "evb_stats.h"
#include "figures.h"
#include "summary.h"

const char *const cmp_env_keys[] = {
	"kernel_release", "kernel_version", "kernel_cmdline", "preempt_model", "cpu_model",
	"cpus_online", "smt_active", "virtualization", "clocksource", "governor",
	"cpuidle_driver", "mitigations", "cpu_dma_latency_us", "tuning_cpu_dma_latency",
	"timer_slack_ns", "thp", "io_uring_disabled", "rlimit_nofile_hard", "compiler", "cflags",
	"liburing", "evbench_commit", "run_profile", "run_reps", "run_precision_pct",
	"run_min_reps", "run_max_reps", "vm_accel", "vm_cpus", "vm_memory", NULL,
};

bool cmp_run_emulated(const struct harness_run *run)
{
	return !strcmp(harness_run_env(run, "vm_accel"), "tcg");
}

/* The plan columns that decide how a cell is measured. */
static const char *const plan_columns[] = {
	"iterations", "warmup", "timeout_ns", "hist", "extra", NULL,
};

void cmp_sentinel(struct cmp *c)
{
	struct cmp_sentinel *st = &c->sentinel;
	double *values[2] = { NULL, NULL };

	st->ratio = st->lo = st->hi = NAN;
	for (int s = 0; s < 2; s++) {
		st->present[s] = c->run[s].has_sentinel;
		st->n[s] = st->present[s] ? harness_ok_values(&c->run[s].sentinel, "p50",
							      &values[s]) : 0;
		evb_sort_doubles(values[s], st->n[s]);
		st->med[s] = evb_median_sorted(values[s], st->n[s]);
	}
	if (st->n[0] && st->n[1] && st->med[0] > 0)
		st->ratio = st->med[1] / st->med[0];
	if (st->n[0] >= 2 && st->n[1] >= 2 &&
	    evb_bootstrap_ratio_ci(values[0], st->n[0], values[1], st->n[1],
				   CMP_BOOTSTRAP_ROUNDS, 0.95, 0x5e17, &st->lo, &st->hi))
		st->lo = st->hi = NAN;
	free(values[0]);
	free(values[1]);
}

/* Keys of every plan row, built like the cells' keys. */
static char **plan_keys(const struct evb_table *plan)
{
	int cols[32];
	char **keys = calloc(plan->nrows ? plan->nrows : 1, sizeof(*keys));

	if (!keys)
		return NULL;
	harness_axis_cols(plan, cols);
	for (size_t r = 0; r < plan->nrows; r++) {
		keys[r] = malloc(1024);
		if (!keys[r])
			continue;
		harness_row_key(plan, r, cols, keys[r], 1024);
	}
	return keys;
}

static long plan_row(char **keys, size_t n, const char *key)
{
	for (size_t r = 0; keys && r < n; r++)
		if (keys[r] && !strcmp(keys[r], key))
			return (long)r;
	return -1;
}

/* The cell's plan columns that differ, as "iterations 2000 -> 5000; ...". */
static void plan_diff(const struct cmp *c, struct cmp_cell *cell, long ra, long rb)
{
	size_t used = 0;

	cell->warning[0] = '\0';
	for (size_t i = 0; plan_columns[i]; i++) {
		const struct evb_table *pa = &c->run[0].plan, *pb = &c->run[1].plan;
		const char *va = evb_table_get(pa, (size_t)ra, evb_table_col(pa, plan_columns[i]));
		const char *vb = evb_table_get(pb, (size_t)rb, evb_table_col(pb, plan_columns[i]));

		if (!strcmp(va, vb) || used >= sizeof(cell->warning))
			continue;
		used += (size_t)snprintf(cell->warning + used, sizeof(cell->warning) - used,
					 "%splan %s %s -> %s", used ? "; " : "", plan_columns[i],
					 va[0] ? va : "(none)", vb[0] ? vb : "(none)");
	}
}

static void free_keys(char **keys, size_t n)
{
	for (size_t r = 0; keys && r < n; r++)
		free(keys[r]);
	free(keys);
}

void cmp_plans(struct cmp *c)
{
	const struct harness_run *a = &c->run[0], *b = &c->run[1];

	c->plan_diffs = 0;
	if (!a->has_plan || !b->has_plan) {
		snprintf(c->plan_note, sizeof(c->plan_note), "plan unknown (no plan.csv in %s)",
			 !a->has_plan && !b->has_plan ? "A or B" : !a->has_plan ? "A" : "B");
		return;
	}
	char **ka = plan_keys(&a->plan), **kb = plan_keys(&b->plan);
	size_t matched = 0;

	for (size_t i = 0; ka && kb && i < c->ncells; i++) {
		struct cmp_cell *cell = c->cells[i];
		long ra = plan_row(ka, a->plan.nrows, cell->key);
		long rb = plan_row(kb, b->plan.nrows, cell->key);

		if (ra < 0 || rb < 0)
			continue;
		matched++;
		plan_diff(c, cell, ra, rb);
		c->plan_diffs += cell->warning[0] != '\0';
	}
	free_keys(ka, a->plan.nrows);
	free_keys(kb, b->plan.nrows);
	if (!matched && c->ncells)
		snprintf(c->plan_note, sizeof(c->plan_note),
			 "plan unknown (no compared cell found in both plan.csv files)");
	else if (c->plan_diffs)
		snprintf(c->plan_note, sizeof(c->plan_note),
			 "plan: A and B measured %zu cells with different iterations, warm-up, "
			 "timeout, histogram or arguments (warnings below)", c->plan_diffs);
	else
		snprintf(c->plan_note, sizeof(c->plan_note),
			 "plan: the same for every cell in both runs");
}

static void print_sentinel(const struct cmp *c, FILE *out)
{
	const struct cmp_sentinel *st = &c->sentinel;

	if (!st->present[0] || !st->present[1]) {
		fprintf(out, "sentinel: not recorded in %s (no sentinel.csv): how much the machine "
			"itself moved is unknown\n",
			!st->present[0] && !st->present[1] ? "A or B" : !st->present[0] ? "A" : "B");
		return;
	}
	fprintf(out, "sentinel p50: A %.6g ns (n=%zu), B %.6g ns (n=%zu)", st->med[0], st->n[0],
		st->med[1], st->n[1]);
	if (isfinite(st->ratio))
		fprintf(out, ": the machine itself moved by %+.1f%%", 100.0 * (st->ratio - 1.0));
	if (isfinite(st->lo))
		fprintf(out, " (95%% CI %+.1f%% .. %+.1f%%)", 100.0 * (st->lo - 1.0),
			100.0 * (st->hi - 1.0));
	else if (isfinite(st->ratio))
		fprintf(out, " (too few measurements for an interval)");
	fputc('\n', out);
}

void cmp_print_header(const struct cmp *c, FILE *out)
{
	int diffs = 0;

	for (int s = 0; s < 2; s++) {
		const struct harness_run *r = &c->run[s];

		fprintf(out, "%c: %s\n   kernel %s on %s, profile %s, %s\n", 'A' + s, r->dir,
			harness_run_env(r, "kernel_release"), harness_run_env(r, "hostname"),
			harness_run_env(r, "run_profile"), r->complete ? "complete" : r->state);
	}
	for (int i = 0; cmp_env_keys[i]; i++) {
		const char *a = harness_run_env(&c->run[0], cmp_env_keys[i]);
		const char *b = harness_run_env(&c->run[1], cmp_env_keys[i]);

		if (!strcmp(a, b))
			continue;
		if (!diffs++)
			fprintf(out, "environment differences that could explain a change:\n");
		fprintf(out, "  %-22s A: %.60s\n  %-22s B: %.60s\n", cmp_env_keys[i], a, "", b);
	}
	if (!diffs)
		fprintf(out, "environment: no difference in the recorded keys\n");
	print_sentinel(c, out);
	if (c->accel_mismatch)
		fprintf(out, "no faster/slower: %s ran emulated (vm_accel=tcg), %s on hardware; "
			"emulation changes every cost, so compare TCG runs only with TCG runs\n",
			cmp_run_emulated(&c->run[0]) ? "A" : "B",
			cmp_run_emulated(&c->run[0]) ? "B" : "A");
	fprintf(out, "%s\n", c->plan_note);
	fprintf(out, "verdict: faster/slower when q (Benjamini-Hochberg over Welch's t on logs) "
		"< %.2f and B/A lies beyond 1 +- %.3g%%\n", CMP_ALPHA, 100.0 * c->min_change);
}
