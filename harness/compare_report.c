/*
 * compare_report.c - `evbench report DIR` of an N-way compare directory
 * (one holding compare_runs.csv): report.html and report.md headed by the
 * environment differences across the runs (kernel, vm_accel, CPU,
 * mitigations, ...), then the verdicts per run, and per family the heat
 * map and the mechanism lines drawn by compare, then the cells called
 * faster or slower.  Everything is read back from compare_runs.csv and
 * compare.csv, so the page can be rewritten without the runs.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare.h"
#include "doc.h"
#include "evb_csv.h"
#include "evb_sb.h"

#define REPORT_MAX_LISTED 40

bool cmp_is_nway_dir(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/compare_runs.csv", dir);
	return access(path, R_OK) == 0;
}

/* Rows: the environment keys whose values differ across the runs. */
static void env_section(struct doc *d, const struct evb_table *runs)
{
	const char *headers[CMP_MAX_RUNS + 1] = { "key" };
	const char *cells[CMP_MAX_RUNS + 1];
	size_t n = runs->nrows < CMP_MAX_RUNS ? runs->nrows : CMP_MAX_RUNS;
	int diffs = 0;

	doc_h(d, 2, "Environment differences");
	for (size_t r = 0; r < n; r++)
		headers[r + 1] = evb_table_get(runs, r, evb_table_col(runs, "name"));
	for (int i = 0; cmp_env_keys[i]; i++) {
		int col = evb_table_col(runs, cmp_env_keys[i]);
		bool differ = false;

		for (size_t r = 1; r < n && !differ; r++)
			differ = strcmp(evb_table_get(runs, 0, col), evb_table_get(runs, r, col));
		if (!differ && strcmp(cmp_env_keys[i], "kernel_release"))
			continue;
		if (!diffs++)
			doc_table(d, (int)n + 1, headers);
		cells[0] = cmp_env_keys[i];
		for (size_t r = 0; r < n; r++)
			cells[r + 1] = evb_table_get(runs, r, col);
		doc_row(d, cells);
	}
	doc_table_end(d);
	for (size_t r = 0; r < n; r++) {
		if (!strcmp(evb_table_get(runs, r, evb_table_col(runs, "vm_accel")), "tcg")) {
			doc_note(d, "Run %zu (%s) ran emulated (QEMU TCG): its figures are emulated; "
				 "compare TCG runs only with TCG runs (against a hardware run no "
				 "cell is called faster or slower).", r + 1, headers[r + 1]);
		}
	}
}

/* Verdicts per run and the families, in order of first appearance. */
static size_t verdicts(struct doc *d, const struct evb_table *t, const struct evb_table *runs,
		       const char **families, size_t max)
{
	int run_col = evb_table_col(t, "run"), verdict_col = evb_table_col(t, "verdict");
	int fam_col = evb_table_col(t, "family");
	size_t nfam = 0;

	doc_h(d, 2, "Verdicts against run 1 (%s)",
	      evb_table_get(runs, 0, evb_table_col(runs, "name")));
	for (size_t r = 1; r < runs->nrows; r++) {
		char run[32];
		size_t slower = 0, faster = 0, total = 0;

		snprintf(run, sizeof(run), "%zu", r + 1);
		for (size_t i = 0; i < t->nrows; i++) {
			const char *v = evb_table_get(t, i, verdict_col);

			if (strcmp(evb_table_get(t, i, run_col), run))
				continue;
			total++;
			slower += !strncmp(v, "slower", 6);
			faster += !strncmp(v, "faster", 6);
		}
		doc_item(d, "run %zu (%s): %zu cells, %zu slower, %zu faster", r + 1,
			 evb_table_get(runs, r, evb_table_col(runs, "name")), total, slower, faster);
	}
	doc_list_end(d);
	for (size_t i = 0; i < t->nrows; i++) {
		const char *family = evb_table_get(t, i, fam_col);
		size_t f = 0;

		while (f < nfam && strcmp(families[f], family))
			f++;
		if (f == nfam && nfam < max)
			families[nfam++] = family;
	}
	return nfam;
}

/* Record i's interval and its coverage, "[0.912, 1.201] >=87.9%", or "-". */
static void interval_text(const struct evb_table *t, size_t i, char *buf, size_t len)
{
	const char *lo = evb_table_get(t, i, evb_table_col(t, "ratio_ci_lo"));
	const char *hi = evb_table_get(t, i, evb_table_col(t, "ratio_ci_hi"));
	const char *level = evb_table_get(t, i, evb_table_col(t, "ci_coverage"));

	if (lo[0] && hi[0] && level[0])
		evb_sb_fmt(buf, len, "[%.3f, %.3f] >=%.1f%%", strtod(lo, NULL), strtod(hi, NULL),
			   100.0 * strtod(level, NULL));
	else
		snprintf(buf, len, "-");
}

/* The cells called faster or slower, at most REPORT_MAX_LISTED. */
static void changed_cells(struct doc *d, const struct evb_table *t)
{
	static const char *const headers[] = { "cell", "run", "median 1", "median", "ratio",
					       "interval, coverage", "q", "verdict" };
	static const char *const cols[] = { "run", "median_base", "median", "ratio", NULL,
					    "q_value", "verdict" };
	size_t listed = 0;

	doc_h(d, 2, "Cells called faster or slower");
	for (size_t i = 0; i < t->nrows; i++) {
		const char *v = evb_table_get(t, i, evb_table_col(t, "verdict"));
		char label[600], interval[80];
		const char *cells[8] = { label };

		if (strncmp(v, "slower", 6) && strncmp(v, "faster", 6))
			continue;
		if (listed++ == REPORT_MAX_LISTED) {
			doc_trust(d, "... and more: see compare.csv");
			break;
		}
		if (listed == 1) {
			char levels[128];

			cmp_coverage_text(levels, sizeof(levels));
			doc_p(d, "Each ratio with its order-statistic interval and the coverage "
			      "that interval reaches at its repetitions, for any distributions "
			      "(%s; compare.csv's ci_coverage).", levels);
			doc_table(d, 8, headers);
		}
		snprintf(label, sizeof(label), "%s %s %s nfds=%s",
			 evb_table_get(t, i, evb_table_col(t, "family")),
			 evb_table_get(t, i, evb_table_col(t, "mechanism")),
			 evb_table_get(t, i, evb_table_col(t, "mode")),
			 evb_table_get(t, i, evb_table_col(t, "nfds")));
		interval_text(t, i, interval, sizeof(interval));
		for (size_t c = 0; c < 7; c++)
			cells[c + 1] = cols[c] ? evb_table_get(t, i, evb_table_col(t, cols[c]))
					       : interval;
		doc_row(d, cells);
	}
	if (!listed)
		doc_p(d, "None: no cell moved beyond the false-discovery and min-change rule.");
	else if (listed <= REPORT_MAX_LISTED)
		doc_table_end(d);
}

/* Per run, the spread of detectable_ratio over the family's records. */
static void family_detectable(struct doc *d, const struct evb_table *t, const char *family,
			      size_t nruns)
{
	int fam = evb_table_col(t, "family"), run = evb_table_col(t, "run");
	int col = evb_table_col(t, "detectable_ratio");
	double *v = malloc((t->nrows ? t->nrows : 1) * sizeof(double));

	for (size_t r = 2; v && col >= 0 && r <= nruns; r++) {
		struct cmp_spread s;
		char text[400], name[32];
		size_t n = 0;

		snprintf(name, sizeof(name), "%zu", r);
		for (size_t i = 0; i < t->nrows; i++) {
			const char *x = evb_table_get(t, i, col);

			if (x[0] && !strcmp(evb_table_get(t, i, fam), family) &&
			    !strcmp(evb_table_get(t, i, run), name))
				v[n++] = strtod(x, NULL);
		}
		cmp_spread_of(v, n, &s);
		if (!s.n)
			continue;
		cmp_spread_text(&s, text, sizeof(text));
		doc_p(d, "What run %zu against run 1 could not have seen (detectable ratio: the "
		      "smallest slowdown of every cell a new run would be called slower at): %s.",
		      r, text);
	}
	free(v);
}

int cmp_nway_report(const char *dir, char *error, size_t error_len)
{
	struct evb_table runs = { 0 }, t = { 0 };
	const char *families[16];
	char path[PATH_MAX], fig[160];
	struct doc d;
	int ret;

	snprintf(path, sizeof(path), "%s/compare_runs.csv", dir);
	ret = evb_table_load(&runs, path);
	if (!ret) {
		snprintf(path, sizeof(path), "%s/compare.csv", dir);
		ret = evb_table_load(&t, path);
	}
	if (!ret)
		ret = doc_open(&d, dir, "evbench: runs compared");
	if (ret) {
		snprintf(error, error_len, "%s: %s", path, evb_open_why(ret));
		goto out_free;
	}
	doc_h(&d, 1, "evbench: %zu runs compared against run 1", runs.nrows);
	env_section(&d, &runs);
	size_t nfam = verdicts(&d, &t, &runs, families, 16);

	for (size_t f = 0; f < nfam; f++) {
		doc_h(&d, 2, "%s", families[f]);
		snprintf(fig, sizeof(fig), "heatmap_%s", families[f]);
		doc_figure(&d, fig, "cost ratio to run 1 per cell and run (log2; red slower)");
		snprintf(fig, sizeof(fig), "lines_%s", families[f]);
		doc_figure(&d, fig, "per mechanism, geometric mean cost ratio across the runs");
		family_detectable(&d, &t, families[f], runs.nrows);
	}
	changed_cells(&d, &t);
	ret = doc_close(&d);
	if (ret)
		snprintf(error, error_len, "%s: writing the report: %s", dir, evb_open_why(ret));
out_free:
	evb_table_free(&runs);
	evb_table_free(&t);
	return ret;
}
