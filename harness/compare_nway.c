/*
 * compare_nway.c - `evbench compare RUN1 RUN2 ... RUNn`, n >= 3: every run
 * against RUN1, the baseline.
 *
 * Each run i is compared with the baseline exactly as two runs are
 * (compare_cells.c: medians, ratio with its CI, Welch's p on logs), as a
 * pair of its own.  The p-values of every cell x run are then adjusted
 * together by Benjamini-Hochberg, so that among all the faster / slower
 * calls of the whole table at most 5% are expected to be false alarms,
 * however many runs were compared.  Cells present in some runs only are
 * kept: each record says which runs have the cell (present_in).
 * The compare directory (--out, default results/compare-<RUN1>-vs-<RUN2>-...)
 * holds compare.csv, compare_runs.csv (the runs and their environments) and
 * the figures; `evbench report DIR` turns it into a page (compare_report.c).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "evb_sb.h"
#include "evb_stats.h"
#include "harness.h"
#include "rundir.h"

static int load_pairs(struct cmp_nway *nw, const struct cmp *opts, char *const *dirs)
{
	for (size_t i = 0; i < nw->npairs; i++) {
		struct cmp *c = calloc(1, sizeof(*c));
		char *const pair_dirs[2] = { dirs[0], dirs[i + 1] };

		if (!c)
			return -ENOMEM;
		nw->pair[i] = c;
		c->metric = opts->metric;
		c->min_change = opts->min_change;
		if (cmp_load_runs(c, pair_dirs))
			return -EINVAL;
		if (cmp_add_side(c, 0) || cmp_add_side(c, 1))
			return -ENOMEM;
		cmp_measure_all(c);
		cmp_sentinel(c);
		cmp_plans(c);
	}
	return 0;
}

/* One Benjamini-Hochberg adjustment over every cell of every pair. */
static int judge(struct cmp_nway *nw)
{
	size_t m = 0, j = 0;
	double *p, *q;

	for (size_t i = 0; i < nw->npairs; i++)
		m += nw->pair[i]->ncells;
	p = malloc((m ? m : 1) * sizeof(double));
	q = malloc((m ? m : 1) * sizeof(double));
	if (!p || !q) {
		free(p);
		free(q);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nw->npairs; i++)
		for (size_t k = 0; k < nw->pair[i]->ncells; k++)
			p[j++] = nw->pair[i]->cells[k]->p;
	int ret = evb_bh_adjust(p, m, q);

	j = 0;
	for (size_t i = 0; !ret && i < nw->npairs; i++) {
		struct cmp *c = nw->pair[i];

		for (size_t k = 0; k < c->ncells; k++)
			c->cells[k]->q = q[j++];
		cmp_decide_all(c);
		for (size_t k = 0; k < c->ncells; k++) {
			struct cmp_cell *cell = c->cells[k];

			if (cell->cls == CMP_ONLY_A)
				snprintf(cell->verdict, sizeof(cell->verdict), "only in baseline");
			else if (cell->cls == CMP_ONLY_B)
				snprintf(cell->verdict, sizeof(cell->verdict), "not in baseline");
		}
		for (int cls = 0; cls < CMP_NCLASSES; cls++)
			nw->counts[cls] += c->counts[cls];
	}
	if (!ret)
		ret = cmp_detect_all(nw->pair, nw->npairs);
	free(p);
	free(q);
	return ret;
}

/* The union of the pairs' cells, baseline's order first. */
static int join(struct cmp_nway *nw)
{
	size_t cap = 0;

	for (size_t i = 0; i < nw->npairs; i++)
		cap += nw->pair[i]->ncells;
	nw->keys = calloc(cap ? cap : 1, sizeof(*nw->keys));
	nw->at = calloc((cap ? cap : 1) * nw->npairs, sizeof(*nw->at));
	if (!nw->keys || !nw->at)
		return -ENOMEM;
	for (size_t i = 0; i < nw->npairs; i++) {
		const struct cmp *c = nw->pair[i];

		for (size_t k = 0; k < c->ncells; k++) {
			const char *key = c->cells[k]->key;
			bool seen = false;

			for (size_t e = 0; e < i && !seen; e++)
				seen = cmp_cell_find(nw->pair[e], key) != NULL;
			if (seen)
				continue;
			for (size_t e = 0; e < nw->npairs; e++)
				nw->at[nw->nkeys * nw->npairs + e] = cmp_cell_find(nw->pair[e], key);
			nw->keys[nw->nkeys++] = key;
		}
	}
	return 0;
}

const struct cmp_cell *cmp_nway_any(const struct cmp_nway *nw, size_t k, const struct cmp **c)
{
	for (size_t i = 0; i < nw->npairs; i++) {
		if (nw->at[k * nw->npairs + i]) {
			*c = nw->pair[i];
			return nw->at[k * nw->npairs + i];
		}
	}
	*c = NULL;
	return NULL;
}

void cmp_nway_present(const struct cmp_nway *nw, size_t k, char *buf, size_t len)
{
	size_t n = 0;
	struct evb_sb sb;

	evb_sb_init(&sb, buf, len);
	for (size_t r = 0; r < nw->nruns; r++) {
		const struct cmp_cell *cell;
		bool has = false;

		if (r == 0) {
			for (size_t i = 0; i < nw->npairs && !has; i++) {
				cell = nw->at[k * nw->npairs + i];
				has = cell && cell->side[0].present;
			}
		} else {
			cell = nw->at[k * nw->npairs + r - 1];
			has = cell && cell->side[1].present;
		}
		if (!has)
			continue;
		n++;
		evb_sb_printf(&sb, "%s%zu", sb.used ? " " : "", r + 1);
	}
	if (n == nw->nruns) {
		evb_sb_init(&sb, buf, len);
		evb_sb_puts(&sb, "all");
	}
}

static void free_nway(struct cmp_nway *nw)
{
	for (size_t i = 0; i < nw->npairs; i++) {
		if (!nw->pair[i])
			continue;
		cmp_free_cells(nw->pair[i]);
		harness_run_free(&nw->pair[i]->run[0]);
		harness_run_free(&nw->pair[i]->run[1]);
		free(nw->pair[i]);
	}
	free(nw->keys);
	free(nw->at);
}

static int new_dir(const struct cmp_nway *nw, const struct cmp_opts *o, char *dir, size_t len)
{
	char stem[PATH_MAX], error[600];
	struct evb_sb sb;

	evb_sb_init(&sb, stem, sizeof(stem));
	evb_sb_printf(&sb, "results/compare-%s", nw->names[0]);
	for (size_t r = 1; r < nw->nruns; r++)
		evb_sb_printf(&sb, "-vs-%s", nw->names[r]);
	if (!o->out && sb.truncated) {
		fprintf(stderr, "%s compare: the runs' names make a directory name longer than "
			"%zu bytes: give one with --out\n", HARNESS_PROG, sizeof(stem) - 1);
		return -EINVAL;
	}
	if (harness_newdir(o->out, stem, dir, len, error, sizeof(error))) {
		fprintf(stderr, "%s compare: %s\n", HARNESS_PROG, error);
		return -EINVAL;
	}
	return 0;
}

/* compare.csv, compare_runs.csv, --csv, --json, --benchstat, the figures. */
static int write_outputs(const struct cmp_nway *nw, const struct cmp_opts *o, const char *dir)
{
	char path[PATH_MAX + 32];
	int ret = 0, err;

	snprintf(path, sizeof(path), "%s/compare.csv", dir);
	if ((err = cmp_nway_csv(nw, path)) || (o->csv && (err = cmp_nway_csv(nw, o->csv)))) {
		fprintf(stderr, "%s compare: writing CSV: %s\n", HARNESS_PROG, strerror(-err));
		ret = 1;
	}
	snprintf(path, sizeof(path), "%s/compare_runs.csv", dir);
	if ((err = cmp_nway_runs_csv(nw, path))) {
		fprintf(stderr, "%s compare: %s: %s\n", HARNESS_PROG, path, strerror(-err));
		ret = 1;
	}
	if (o->json && (err = cmp_nway_json(nw, o->json))) {
		fprintf(stderr, "%s compare: %s: %s\n", HARNESS_PROG, o->json, strerror(-err));
		ret = 1;
	}
	for (size_t r = 0; o->benchstat && r < nw->nruns; r++) {
		err = evb_fmt(path, sizeof(path), "%s/run%zu.bench.txt", dir, r + 1);
		if (!err)
			err = cmp_write_benchstat(nw->pair[r ? r - 1 : 0], r ? 1 : 0, path);
		if (err) {
			fprintf(stderr, "%s compare: %s: %s\n", HARNESS_PROG, path, strerror(-err));
			ret = 1;
		}
	}
	err = cmp_nway_draw(nw, dir);
	if (err == -ENOENT)
		fprintf(stderr, "%s compare: gnuplot not found: no figures\n", HARNESS_PROG);
	else if (err)
		fprintf(stderr, "%s compare: figures: %s\n", HARNESS_PROG, strerror(-err));
	return ret;
}

int cmp_nway(const struct cmp *opts, const struct cmp_opts *o, char *const *dirs, size_t n)
{
	struct cmp_nway nw = { .nruns = n, .npairs = n - 1, .cells = o->cells };
	char dir[PATH_MAX];
	size_t too_slow = 0;
	int ret, err;

	for (size_t r = 0; r < n; r++)
		snprintf(nw.names[r], sizeof(nw.names[r]), "%s",
			 cmp_base_name(dirs[r], dir, sizeof(dir)));
	err = load_pairs(&nw, opts, dirs);
	if (!err)
		err = judge(&nw);
	if (!err)
		err = join(&nw);
	if (err) {
		if (err != -EINVAL)
			fprintf(stderr, "%s compare: %s\n", HARNESS_PROG, strerror(-err));
		ret = err == -EINVAL ? 2 : 1;
		goto out_free;
	}
	cmp_nway_print(&nw, stdout);
	cmp_detect_print((const struct cmp *const *)nw.pair, nw.npairs, stdout);
	if (new_dir(&nw, o, dir, sizeof(dir))) {
		ret = 2;
		goto out_free;
	}
	ret = write_outputs(&nw, o, dir);
	printf("\n%zu cells x %zu runs:", nw.nkeys, nw.npairs);
	for (int k = 0; k < CMP_NCLASSES; k++)
		if (k != CMP_REFUSED || nw.counts[k])
			printf("%s %zu %s", k ? "," : "", nw.counts[k],
			       k == CMP_ONLY_A ? "only in baseline" :
			       k == CMP_ONLY_B ? "not in baseline" : cmp_class_names[k]);
	printf("\nwritten to %s/ (compare.csv, compare_runs.csv, figures/%s)\n", dir,
	       o->json ? ", the JSON" : "");
	for (size_t i = 0; i < nw.npairs; i++)
		too_slow += cmp_count_too_slow(nw.pair[i], o->fail_on_slower_pct);
	if (too_slow)
		ret = 1;
out_free:
	free_nway(&nw);
	return ret;
}
