/*
 * compare_out.c - a comparison written out: the table on stdout,
 * compare.csv (and --csv), --json, benchstat text and the figure.  Every
 * file's writes are checked: a failed one returns -errno.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compare.h"
#include "evb_csv.h"
#include "evb_sb.h"
#include "figures.h"
#include "harness.h"
#include "summary.h"

void cmp_print_num(FILE *out, double v)
{
	if (!isfinite(v))
		fprintf(out, "%12s", "-");
	else if (fabs(v) >= 1e6)
		fprintf(out, "%12.4g", v);
	else
		fprintf(out, "%12.1f", v);
}

void cmp_ci_text(const struct cmp_cell *cell, char *buf, size_t len)
{
	if (isfinite(cell->lo) && isfinite(cell->level))
		evb_sb_fmt(buf, len, "[%.3f, %.3f] >=%.1f%%", cell->lo, cell->hi,
			   100.0 * cell->level);
	else
		snprintf(buf, len, "-");
}

void cmp_print_table(const struct cmp *c, FILE *out)
{
	size_t warned = 0;

	fprintf(out, "\n%-78s %-10s %12s %12s %8s %-" CMP_CI_WIDTH "s %7s %7s %s\n", "cell",
		"figure", "median A", "median B", "B/A", "interval, coverage", "p", "q", "verdict");
	for (size_t i = 0; i < c->ncells; i++) {
		const struct cmp_cell *cell = c->cells[i];
		char label[512], ci[64], p[16] = "-", q[16] = "-";

		cmp_cell_label(c, cell, label, sizeof(label));
		cmp_ci_text(cell, ci, sizeof(ci));
		if (isfinite(cell->p))
			snprintf(p, sizeof(p), "%.3g", cell->p);
		if (isfinite(cell->q))
			snprintf(q, sizeof(q), "%.3g", cell->q);
		fprintf(out, "%-78.78s %-10s", label, cell->figure ? cell->figure : "-");
		cmp_print_num(out, cell->med[0]);
		cmp_print_num(out, cell->med[1]);
		if (isfinite(cell->ratio))
			fprintf(out, " %8.3f", cell->ratio);
		else
			fprintf(out, " %8s", "-");
		fprintf(out, " %-" CMP_CI_WIDTH "s %7s %7s %s\n", ci, p, q, cell->verdict);
	}
	for (size_t i = 0; i < c->ncells; i++) {
		const struct cmp_cell *cell = c->cells[i];
		char label[512];

		if (!cell->warning[0])
			continue;
		if (warned++ == 20) {
			fprintf(out, "  ... and more: see the warning column of compare.csv\n");
			break;
		}
		if (warned == 1)
			fprintf(out, "\nwarnings:\n");
		cmp_cell_label(c, cell, label, sizeof(label));
		fprintf(out, "  %s: %s\n", label, cell->warning);
	}
}

static void put_csv_num(FILE *f, double v)
{
	fputc(',', f);
	if (isfinite(v))
		fprintf(f, "%.10g", v);
}

void cmp_put_detect(FILE *f, double detect)
{
	if (isinf(detect))
		fputs(",inf", f);
	else
		put_csv_num(f, detect);
}

int cmp_close_checked(FILE *f)
{
	int bad = ferror(f);

	if (fclose(f) || bad)
		return errno ? -errno : -EIO;
	return 0;
}

int cmp_write_csv(const struct cmp *c, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	for (size_t i = 0; harness_axis_columns[i]; i++)
		fprintf(f, "%s,", harness_axis_columns[i]);
	fprintf(f, "figure,reps_ok_a,reps_total_a,reps_ok_b,reps_total_b,median_a,median_b,"
		   "ratio,ratio_ci_lo,ratio_ci_hi,ci_coverage,p_value,p_mwu,q_value,"
		   "detectable_ratio,precision_a,precision_b,verdict,warning\n");
	for (size_t i = 0; i < c->ncells; i++) {
		const struct cmp_cell *cell = c->cells[i];

		for (size_t k = 0; harness_axis_columns[k]; k++) {
			evb_csv_field(f, cmp_cell_axis(c, cell, k));
			fputc(',', f);
		}
		evb_csv_field(f, cell->figure ? cell->figure : "");   /* summary.csv's: quoted */
		fprintf(f, ",%zu,%zu,%zu,%zu", cell->side[0].n, cell->side[0].total,
			cell->side[1].n, cell->side[1].total);
		put_csv_num(f, cell->med[0]);
		put_csv_num(f, cell->med[1]);
		put_csv_num(f, cell->ratio);
		put_csv_num(f, cell->lo);
		put_csv_num(f, cell->hi);
		put_csv_num(f, cell->level);
		put_csv_num(f, cell->p);
		put_csv_num(f, cell->p_mwu);
		put_csv_num(f, cell->q);
		cmp_put_detect(f, cell->detect);
		for (int s = 0; s < 2; s++)
			fprintf(f, ",%s", cell->side[s].present ?
				harness_precision_names[cell->side[s].precision.state] : "");
		fputc(',', f);
		evb_csv_field(f, cell->verdict);
		fputc(',', f);
		evb_csv_field(f, cell->warning);
		fputc('\n', f);
	}
	return cmp_close_checked(f);
}

/* A JSON string: quotes, backslashes and control characters escaped. */
void cmp_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

void cmp_json_num(FILE *f, const char *name, double v)
{
	fprintf(f, ",\"%s\":", name);
	if (isfinite(v))
		fprintf(f, "%.10g", v);
	else
		fputs("null", f);
}

static void json_header(const struct cmp *c, FILE *f)
{
	fputs("{\"a\":", f);
	cmp_json_str(f, c->run[0].dir);
	fputs(",\"b\":", f);
	cmp_json_str(f, c->run[1].dir);
	cmp_json_num(f, "alpha", CMP_ALPHA);
	cmp_json_num(f, "min_change_pct", 100.0 * c->min_change);
	cmp_json_sentinels(c, f);
	fputs(",\"plan\":", f);
	cmp_json_str(f, c->plan_note);
	fprintf(f, ",\"plan_differences\":%zu,\"counts\":{", c->plan_diffs);
	for (int k = 0; k < CMP_NCLASSES; k++) {
		if (k == CMP_REFUSED && !c->counts[k])
			continue;
		fprintf(f, "%s", k ? "," : "");
		cmp_json_str(f, cmp_class_names[k]);
		fprintf(f, ":%zu", c->counts[k]);
	}
	fputs("}", f);
}

static void json_cell(const struct cmp *c, const struct cmp_cell *cell, FILE *f)
{
	fputc('{', f);
	for (size_t k = 0; harness_axis_columns[k]; k++) {
		fprintf(f, "%s", k ? "," : "");
		cmp_json_str(f, harness_axis_columns[k]);
		fputc(':', f);
		cmp_json_str(f, cmp_cell_axis(c, cell, k));
	}
	fputs(",\"figure\":", f);
	cmp_json_str(f, cell->figure ? cell->figure : "");
	fprintf(f, ",\"reps_ok_a\":%zu,\"reps_total_a\":%zu,\"reps_ok_b\":%zu,"
		   "\"reps_total_b\":%zu", cell->side[0].n, cell->side[0].total, cell->side[1].n,
		cell->side[1].total);
	cmp_json_num(f, "median_a", cell->med[0]);
	cmp_json_num(f, "median_b", cell->med[1]);
	cmp_json_num(f, "ratio", cell->ratio);
	cmp_json_num(f, "ratio_ci_lo", cell->lo);
	cmp_json_num(f, "ratio_ci_hi", cell->hi);
	cmp_json_num(f, "ci_coverage", cell->level);
	cmp_json_num(f, "p_value", cell->p);
	cmp_json_num(f, "p_mwu", cell->p_mwu);
	cmp_json_num(f, "q_value", cell->q);
	cmp_json_num(f, "detectable_ratio", cell->detect);
	for (int s = 0; s < 2; s++) {
		fprintf(f, ",\"precision_%c\":", 'a' + s);
		cmp_json_str(f, cell->side[s].present ?
			 harness_precision_names[cell->side[s].precision.state] : "");
	}
	fputs(",\"verdict\":", f);
	cmp_json_str(f, cell->verdict);
	fputs(",\"warning\":", f);
	cmp_json_str(f, cell->warning);
	fputc('}', f);
}

int cmp_write_json(const struct cmp *c, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	json_header(c, f);
	fputs(",\"cells\":[", f);
	for (size_t i = 0; i < c->ncells; i++) {
		fputs(i ? ",\n" : "\n", f);
		json_cell(c, c->cells[i], f);
	}
	fputs("\n]}\n", f);
	return cmp_close_checked(f);
}

/*
 * A value of a run's CSV in Go benchmark text: line breaks and other
 * control characters (and, with blank '_', spaces too: a benchmark name is
 * one word) become blank, so no value starts a line of its own.
 */
static void bench_text(FILE *f, const char *text, char blank)
{
	for (; *text; text++) {
		unsigned char ch = (unsigned char)*text;

		fputc(ch < 0x20 || ch == 0x7f || (ch == ' ' && blank == '_') ? blank : ch, f);
	}
}

/* Go benchmark text, one line per ok repetition, for benchstat. */
int cmp_write_benchstat(const struct cmp *c, int s, const char *path)
{
	FILE *f = fopen(path, "w");
	const struct evb_table *t = &c->run[s].results;

	if (!f)
		return -errno;
	fputs("goos: linux\ngoarch: ", f);
	bench_text(f, harness_run_env(&c->run[s], "machine"), ' ');
	fputs("\npkg: evbench\ncpu: ", f);
	bench_text(f, harness_run_env(&c->run[s], "cpu_model"), ' ');
	fputs("\nkernel: ", f);
	bench_text(f, harness_run_env(&c->run[s], "kernel_release"), ' ');
	fputc('\n', f);
	for (size_t r = 0; r < t->nrows; r++) {
		const char *figure = harness_headline_column(harness_str(t, r, "unit"));
		const char *family = harness_str(t, r, "family");
		double v;

		if (c->metric == CMP_OPS)
			figure = "ops_per_s";
		else if (c->metric == CMP_P99 && strcmp(figure, "ops_per_s"))
			figure = "p99";
		v = harness_num(t, r, figure);
		if (strcmp(harness_str(t, r, "status"), "ok") || !isfinite(v) || !family[0])
			continue;
		fprintf(f, "Benchmark%c", family[0] & ~0x20);
		bench_text(f, family + 1, '_');
		for (size_t i = 1; harness_axis_columns[i]; i++) {
			const char *value = evb_table_get(t, r, c->axis_cols[s][i]);

			if (value[0]) {
				fprintf(f, "/%s=", harness_axis_columns[i]);
				bench_text(f, value, '_');
			}
		}
		if (!strcmp(figure, "ops_per_s"))
			fprintf(f, " 1 %.10g ops/s\n", v);
		else
			fprintf(f, " 1 %.10g %s-ns/op\n", v, figure);
	}
	return cmp_close_checked(f);
}

static int write_figure_data(const struct cmp *c, FILE *f, size_t *rows)
{
	const char *family = NULL;
	size_t n = 0;

	fprintf(f, "# index\tlabel\tratio\tci_lo\tci_hi\tclass\n");
	/* Families in order, each a block; class 0 = ~/insufficient, 1 faster, 2 slower. */
	for (size_t i = 0; i < c->ncells; i++) {
		const struct cmp_cell *cell = c->cells[i];
		char label[512];

		if (!isfinite(cell->ratio))
			continue;
		cmp_cell_label(c, cell, label, sizeof(label));
		const char *fam = cmp_cell_axis(c, cell, 0);

		if (family && strcmp(family, fam))
			n++;   /* a gap between families */
		family = fam;
		int cls = cell->cls == CMP_FASTER ? 1 : cell->cls == CMP_SLOWER ? 2 : 0;

		fprintf(f, "%zu\t", n++);
		harness_fig_label(f, label);
		fputs(" (", f);
		harness_fig_label(f, cell->figure ? cell->figure : "-");
		fprintf(f, ")\t%.6g\t%.6g\t%.6g\t%d\n", cell->ratio, isfinite(cell->lo) ? cell->lo : cell->ratio,
			isfinite(cell->hi) ? cell->hi : cell->ratio, cls);
	}
	*rows = n;
	return cmp_close_checked(f);
}

/* The figure of write_figure_data's n rows. */
static int draw(struct harness_figctx *ctx, const struct cmp *c, const char *path, size_t n)
{
	char plots[PATH_MAX], rows_text[32], title[1200], coverage[64] = "no interval";
	double least = INFINITY;        /* the lowest coverage an interval drawn states */

	for (size_t i = 0; i < c->ncells; i++)
		if (isfinite(c->cells[i]->ratio) && c->cells[i]->level < least)
			least = c->cells[i]->level;
	if (isfinite(least))
		evb_sb_fmt(coverage, sizeof(coverage), "order-statistic interval, coverage >= %.1f%%",
			   100.0 * least);
	harness_plots_dir(plots, sizeof(plots));
	snprintf(rows_text, sizeof(rows_text), "%zu", n);
	/* the run_ids come from the runs' env.csv: a string value, drawn noenhanced */
	snprintf(title, sizeof(title),
		 "B/A per cell (median over reps; %s)\ngrey: no verdict (q >= %.2f or B/A "
		 "within 1 +- %.3g%%)   A: %s   B: %s", coverage, CMP_ALPHA, 100.0 * c->min_change,
		 harness_run_env(&c->run[0], "run_id"),
		 harness_run_env(&c->run[1], "run_id"));
	const char *args[] = { rows_text, title, NULL };

	ctx->plots_dir = plots;
	/* harness_gnuplot writes into <run_dir>/figures; the compare dir plays that part. */
	return harness_gnuplot(ctx, "compare.gp", path, "compare", args);
}

int cmp_draw(const struct cmp *c, const char *dir)
{
	char path[PATH_MAX];
	struct harness_figctx ctx = { .run_dir = dir, .cancel_fd = -1 };
	size_t n = 0;
	FILE *f;
	int ret;

	if (harness_fig_begin(&ctx))
		return -EIO;
	f = harness_fig_data(&ctx, "compare", path, sizeof(path));
	ret = f ? write_figure_data(c, f, &n) : -EIO;
	if (!ret && n)
		ret = draw(&ctx, c, path, n);
	harness_fig_end(&ctx);
	return ret;
}

