/*
 * compare_nway_fig.c - the figures of an N-way comparison, per family:
 *   heatmap_<family>   cells x runs, colour = log2 of the cost ratio to the
 *                      baseline (time per op; ops/s inverted), so red is
 *                      slower and blue faster whatever the figure; a ring
 *                      on a cell that could not have shown a CMP_TELL_RATIO
 *                      change (plots/compare_heatmap.gp)
 *   lines_<family>     one line per mechanism across the runs: the
 *                      geometric mean of its cells' cost ratios, over the
 *                      cells whose label contains --cells (all without it)
 *                      (plots/compare_lines.gp)
 * Data files are kept in figures/ beside the SVG and PNG.  A family's name
 * goes into the file name with anything but [A-Za-z0-9_-] replaced by '_'.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "evb_axes.h"
#include "compare.h"
#include "figures.h"
#include "harness.h"

#define NWAY_MAX_FAMILIES 16
#define NWAY_MAX_MECHS 48

/* log2 of key k's cost ratio in pair p, or NAN. */
static double cost_log2(const struct cmp_nway *nw, size_t k, size_t p)
{
	const struct cmp_cell *c = nw->at[k * nw->npairs + p];

	if (!c || !isfinite(c->ratio) || c->ratio <= 0.0)
		return NAN;
	return c->higher_is_better ? -log2(c->ratio) : log2(c->ratio);
}

static const char *axis_of(const struct cmp_nway *nw, size_t k, size_t axis)
{
	const struct cmp *any;
	const struct cmp_cell *cell = cmp_nway_any(nw, k, &any);

	return cmp_cell_axis(any, cell, axis);
}

/* lmargin: the longest row label, in characters (0: the script's own). */
static int render(const struct cmp_nway *nw, struct harness_figctx *ctx, const char *script,
		  const char *data, const char *out, size_t rows, const char *mechs,
		  size_t lmargin)
{
	char plots[PATH_MAX], runs[CMP_MAX_RUNS * 260 + 16], rows_text[32], margin[32];
	size_t used = 0;

	runs[0] = '\0';
	for (size_t r = 0; r < nw->nruns; r++) {
		char word[280];

		snprintf(word, sizeof(word), "%zu:%s", r + 1, nw->names[r]);
		used = harness_fig_word(runs, sizeof(runs), used, word);
	}
	snprintf(rows_text, sizeof(rows_text), "%zu", rows);
	snprintf(margin, sizeof(margin), "%zu", lmargin);
	harness_plots_dir(plots, sizeof(plots));
	const char *args[] = { rows_text, runs, mechs, margin, NULL };

	ctx->plots_dir = plots;
	return harness_gnuplot(ctx, script, data, out, args);
}

/* figures/<prefix>_<family>: a family name as a file name, anything but
 * letters, digits, '-' and '_' replaced by '_'. */
static void fig_name(char *buf, size_t len, const char *prefix, const char *family)
{
	size_t n = (size_t)snprintf(buf, len, "%s_", prefix);

	for (; *family && n + 1 < len; family++, n++) {
		char ch = *family;
		bool safe = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';

		buf[n] = safe ? ch : '_';
	}
	buf[n] = '\0';
}

/* A cell that would not have shown a CMP_TELL_RATIO change (no
 * detectable ratio at all, or a larger one): marked on the heat map. */
static int could_not_tell(const struct cmp_cell *c)
{
	return c && (isnan(c->detect) || c->detect > CMP_TELL_RATIO);
}

static int heatmap(const struct cmp_nway *nw, struct harness_figctx *ctx, const char *family)
{
	char name[128], path[PATH_MAX], label[512];
	size_t row = 0, widest = 0, skip = strlen(family) + 1;
	FILE *f;

	fig_name(name, sizeof(name), "heatmap", family);
	f = harness_fig_data(ctx, name, path, sizeof(path));
	if (!f)
		return -EIO;
	fprintf(f, "# row\trun\tlog2_cost_ratio\tlabel\tcould_not_tell\n");
	for (size_t k = 0; k < nw->nkeys; k++) {
		const struct cmp *any;
		const struct cmp_cell *cell = cmp_nway_any(nw, k, &any);

		if (strcmp(axis_of(nw, k, 0), family))
			continue;
		cmp_cell_label(any, cell, label, sizeof(label));
		/* the figure is the family's: its rows need not repeat it */
		const char *shown = strncmp(label, family, skip - 1) || label[skip - 1] != ' '
				    ? label : label + skip;
		const char *fig = cell->figure ? cell->figure : "-";

		if (strlen(shown) + strlen(fig) + 3 > widest)
			widest = strlen(shown) + strlen(fig) + 3;
		for (size_t p = 0; p < nw->npairs; p++) {
			fprintf(f, "%zu\t%zu", row, p + 2);
			harness_fig_put(f, cost_log2(nw, k, p));
			fputc('\t', f);
			harness_fig_label(f, shown);
			fputs(" (", f);
			harness_fig_label(f, fig);
			fprintf(f, ")\t%d\n", could_not_tell(nw->at[k * nw->npairs + p]));
		}
		row++;
	}
	if (fclose(f))
		return -errno;
	return render(nw, ctx, "compare_heatmap.gp", path, name, row, "", widest);
}

/* Mechanisms of a family ("epoll/lt"), in order of first appearance. */
static size_t mechanisms(const struct cmp_nway *nw, const char *family,
			 char names[][64], size_t max)
{
	size_t n = 0;

	for (size_t k = 0; k < nw->nkeys; k++) {
		char mech[64];
		size_t i = 0;

		if (strcmp(axis_of(nw, k, 0), family))
			continue;
		evb_mech_label(mech, sizeof(mech), axis_of(nw, k, 1), axis_of(nw, k, 2));
		while (i < n && strcmp(names[i], mech))
			i++;
		if (i == n && n < max)
			snprintf(names[n++], 64, "%s", mech);
	}
	return n;
}

/* Geometric mean cost ratio of one mechanism's chosen cells in pair p. */
static double mech_ratio(const struct cmp_nway *nw, const char *family, const char *mech,
			 size_t p)
{
	double sum = 0.0;
	size_t n = 0;

	for (size_t k = 0; k < nw->nkeys; k++) {
		const struct cmp *any;
		const struct cmp_cell *cell = cmp_nway_any(nw, k, &any);
		char m[64], label[512];
		double v = cost_log2(nw, k, p);

		if (strcmp(axis_of(nw, k, 0), family) || !isfinite(v))
			continue;
		evb_mech_label(m, sizeof(m), axis_of(nw, k, 1), axis_of(nw, k, 2));
		cmp_cell_label(any, cell, label, sizeof(label));
		if (strcmp(m, mech) || (nw->cells && !strstr(label, nw->cells)))
			continue;
		sum += v;
		n++;
	}
	return n ? exp2(sum / (double)n) : NAN;
}

static int lines(const struct cmp_nway *nw, struct harness_figctx *ctx, const char *family)
{
	char name[128], path[PATH_MAX], mechs[NWAY_MAX_MECHS][64];
	char list[NWAY_MAX_MECHS * 66] = "";
	size_t n = mechanisms(nw, family, mechs, NWAY_MAX_MECHS), used = 0;
	FILE *f;

	fig_name(name, sizeof(name), "lines", family);
	f = harness_fig_data(ctx, name, path, sizeof(path));
	if (!f)
		return -EIO;
	fputs("# one block per mechanism: run\tcost_ratio (geometric mean over ", f);
	harness_fig_label(f, nw->cells ? nw->cells : "all its cells");
	fputs(")\n", f);
	for (size_t m = 0; m < n; m++) {
		fprintf(f, "%s# ", m ? "\n\n" : "");
		harness_fig_label(f, mechs[m]);
		fputs("\n1\t1\n", f);
		for (size_t p = 0; p < nw->npairs; p++) {
			fprintf(f, "%zu", p + 2);
			harness_fig_put(f, mech_ratio(nw, family, mechs[m], p));
			fputc('\n', f);
		}
		used = harness_fig_word(list, sizeof(list), used, mechs[m]);
	}
	if (fclose(f))
		return -errno;
	return render(nw, ctx, "compare_lines.gp", path, name, n, list, 0);
}

int cmp_nway_draw(const struct cmp_nway *nw, const char *dir)
{
	struct harness_figctx ctx = { .run_dir = dir, .cancel_fd = -1 };
	const char *families[NWAY_MAX_FAMILIES];
	size_t nfam = 0;
	int ret = 0;

	for (size_t k = 0; k < nw->nkeys; k++) {
		const char *family = axis_of(nw, k, 0);
		size_t i = 0;

		while (i < nfam && strcmp(families[i], family))
			i++;
		if (i == nfam && nfam < NWAY_MAX_FAMILIES)
			families[nfam++] = family;
	}
	if (harness_fig_begin(&ctx))
		return -EIO;
	/* Every family is tried; the first error (other than no gnuplot) is returned. */
	for (size_t i = 0; i < nfam; i++) {
		int err = heatmap(nw, &ctx, families[i]);

		if (!err || err == -ENOENT) {
			int lines_err = lines(nw, &ctx, families[i]);

			err = lines_err ? lines_err : err;
		}
		if (err && (!ret || ret == -ENOENT))
			ret = err;
	}
	harness_fig_end(&ctx);
	return ret;
}
