/*
 * report_keys.c - the report's first screen after the run's identity: per
 * family (its struct report_key, in family_<f>.c) its key figure, the
 * fastest and the slowest mechanism of its headline figure in one cell,
 * each with its median over repetitions and that median's interval from
 * summary.csv (with the coverage report_trust.c gives it), and how a
 * figure grows along the axis the family scans (report_keys_scan.c).
 *
 * Only ok cells are ranked: a skipped, failed or partial cell never
 * becomes the fastest; how many were left out is said.  An ok repetition
 * marked by the key (serve's "client-bound") measured the load generator:
 * its cell is ranked but said to be a floor.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "evb_sb.h"
#include "evb_stats.h"
#include "figures.h"
#include "plan.h"
#include "precision.h"
#include "report.h"
#include "summary.h"

#define KEY_MAX_POINTS 512

/*
 * Does value equal one of want's '|'-separated alternatives?  An
 * alternative ending in '*' is a prefix ("io_uring-*"); want starting with
 * '!' matches what the rest does not ("!epoll").
 */
static bool value_matches(const char *value, const char *want)
{
	size_t n = strlen(value);

	if (want[0] == '!')
		return !value_matches(value, want + 1);
	for (const char *p = want;; p++) {
		const char *end = strchr(p, '|');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && !strncmp(p, value, n))
			return true;
		if (len && p[len - 1] == '*' && len - 1 <= n && !strncmp(p, value, len - 1))
			return true;
		if (!end)
			return false;
		p = end;
	}
}

bool report_key_matches(const struct evb_table *s, size_t r, const char *const *kv)
{
	for (size_t i = 0; kv[i] && kv[i + 1]; i += 2)
		if (!value_matches(harness_str(s, r, kv[i]), kv[i + 1]))
			return false;
	return true;
}

/* The unit a value of figure prints in: its scale and name. */
static void figure_unit(const char *figure, double v, double *scale, const char **unit)
{
	static const struct {
		double scale;
		const char *unit;
	} ns[] = { { 1e9, "s" }, { 1e6, "ms" }, { 1e3, "us" }, { 1, "ns" } },
	  rate[] = { { 1e6, "M/s" }, { 1e3, "k/s" }, { 1, "/s" } };
	bool is_rate = strstr(figure, "_per_s") != NULL;
	size_t n = is_rate ? 3 : 4, i = 0;

	while (i + 1 < n && fabs(v) < (is_rate ? rate : ns)[i].scale)
		i++;
	*scale = (is_rate ? rate : ns)[i].scale;
	*unit = (is_rate ? rate : ns)[i].unit;
}

/* Three significant digits of v / scale. */
static int decimals(double v, double scale)
{
	double x = fabs(v / scale);
	int d = x > 0 ? 2 - (int)floor(log10(x)) : 0;

	return d < 0 ? 0 : d > 3 ? 3 : d;
}

/* "2.00 us", or with its interval "2.00 us [1.98, 2.02 us]" (both ends in
 * the value's unit, to the value's digits). */
static void fmt_value(char *buf, size_t len, const char *figure, double v, double lo, double hi)
{
	const char *unit;
	double scale;
	int dec;

	if (!isfinite(v)) {
		snprintf(buf, len, "-");
		return;
	}
	figure_unit(figure, v, &scale, &unit);
	dec = decimals(v, scale);
	if (isfinite(lo) && isfinite(hi))
		evb_sb_fmt(buf, len, "%.*f %s [%.*f, %.*f %s]", dec, v / scale, unit, dec, lo / scale,
			   dec, hi / scale, unit);
	else
		evb_sb_fmt(buf, len, "%.*f %s", dec, v / scale, unit);
}

/* One mechanism's ranked cell. */
struct key_entry {
	char label[128];
	size_t row;
	double value;
};

struct key_rank {
	struct key_entry best, worst;
	size_t ok, not_ok;   /* mechanisms ranked, and left out (not ok, no value) */
};

/* Rank the mechanisms of one cell; false when none ran ok there. */
static bool rank_cell(const struct evb_table *s, const struct report_key *key,
		      const char *const *kv, struct key_rank *rank)
{
	char seen[KEY_MAX_POINTS][128], column[64];
	size_t nseen = 0;

	memset(rank, 0, sizeof(*rank));
	snprintf(column, sizeof(column), "%s_median", key->figure);
	for (size_t r = 0; r < s->nrows && nseen < KEY_MAX_POINTS; r++) {
		struct key_entry e = { .row = r };
		size_t i = 0;

		if (!report_key_matches(s, r, kv))
			continue;
		harness_mech_label(s, r, e.label, sizeof(e.label));
		while (i < nseen && strcmp(seen[i], e.label))
			i++;
		if (i < nseen)
			continue;
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", e.label);
		e.value = harness_num(s, r, column);
		if (strcmp(harness_str(s, r, "status"), "ok") || !isfinite(e.value)) {
			rank->not_ok++;
			continue;
		}
		bool better = key->higher_is_better ? e.value > rank->best.value
						    : e.value < rank->best.value;
		bool worse = key->higher_is_better ? e.value < rank->worst.value
						   : e.value > rank->worst.value;

		if (!rank->ok || better)
			rank->best = e;
		if (!rank->ok || worse)
			rank->worst = e;
		rank->ok++;
	}
	return rank->ok > 0;
}

/* Ok repetitions of summary row r whose reason starts with a mark. */
static size_t marked_reps(const struct report_ctx *ctx, const struct report_key *key, size_t r,
			  size_t *ok)
{
	int cols[32];
	char row_key[1024];
	size_t n = 0;

	*ok = 0;
	if (!key->marks)
		return 0;
	harness_axis_cols(ctx->summary, cols);
	harness_row_key(ctx->summary, r, cols, row_key, sizeof(row_key));
	for (size_t i = 0; i < ctx->results->nrows; i++) {
		const char *reason = harness_str(ctx->results, i, "reason");

		if (strcmp(ctx->result_keys[i], row_key) ||
		    strcmp(harness_str(ctx->results, i, "status"), "ok"))
			continue;
		(*ok)++;
		for (size_t m = 0; key->marks[m]; m++)
			if (!strncmp(reason, key->marks[m], strlen(key->marks[m]))) {
				n++;
				break;
			}
	}
	return n;
}

/* "5.0 us [4.9 us, 5.1 us] (93.8% coverage, 6 reps)" */
static void fmt_entry(const struct report_ctx *ctx, const struct report_key *key,
		      const struct key_entry *e, char *buf, size_t len)
{
	const struct evb_table *s = ctx->summary;
	char v[96], lo_col[64], hi_col[64];
	double reps = harness_num(s, e->row, "reps_ok"), level = NAN;
	size_t ok, marked = marked_reps(ctx, key, e->row, &ok);
	struct evb_sb sb;

	snprintf(lo_col, sizeof(lo_col), "%s_ci_lo", key->figure);
	snprintf(hi_col, sizeof(hi_col), "%s_ci_hi", key->figure);
	if (reps >= 2)
		fmt_value(v, sizeof(v), key->figure, e->value, harness_num(s, e->row, lo_col),
			  harness_num(s, e->row, hi_col));
	else
		fmt_value(v, sizeof(v), key->figure, e->value, NAN, NAN);
	if (!strcmp(harness_str(s, e->row, "figure"), key->figure)) {
		level = harness_num(s, e->row, "ci_level");
	} else if (reps >= 2) {
		/* not the cell's headline: summary's plain order-statistic interval */
		double zeros[64] = { 0 };
		struct evb_precision p;

		if (!evb_median_precision(zeros, reps < 64 ? (size_t)reps : 64, HARNESS_CI_CONF, &p))
			level = p.level;
	}
	evb_sb_init(&sb, buf, len);
	if (!(reps >= 2))
		evb_sb_printf(&sb, "%s (1 rep: no interval)", v);
	else
		evb_sb_printf(&sb, "%s at %.1f%% coverage, %.0f reps", v, 100.0 * level, reps);
	if (marked)
		evb_sb_printf(&sb, "; %zu of %zu repetitions %s: a floor", marked, ok,
			      key->marks[0]);
}

static void key_ranking(const struct report_ctx *ctx, const struct report_key *key)
{
	struct key_rank rank = { 0 };
	const struct report_key_cell *cell = NULL;
	char best[400], worst[400];

	for (size_t i = 0; i < REPORT_KEY_CELLS && key->cells[i].kv && !cell; i++)
		if (rank_cell(ctx->summary, key, key->cells[i].kv, &rank))
			cell = &key->cells[i];
	if (!cell) {
		doc_p(ctx->doc, "%s: no mechanism ran ok in the cells ranked here (see \"Cells "
		      "that did not run\").", key->what);
		return;
	}
	fmt_entry(ctx, key, &rank.best, best, sizeof(best));
	doc_p(ctx->doc, "%s %s:", key->what, cell->where);
	doc_item(ctx->doc, "Fastest: %s, %s.", rank.best.label, best);
	if (rank.ok > 1) {
		double factor = key->higher_is_better ? rank.best.value / rank.worst.value
						      : rank.worst.value / rank.best.value;

		fmt_entry(ctx, key, &rank.worst, worst, sizeof(worst));
		doc_item(ctx->doc, "Slowest of %zu: %s, %s; %.*fx the fastest.", rank.ok,
			 rank.worst.label, worst, factor < 10 ? 1 : 0, factor);
	}
	if (rank.not_ok)
		doc_item(ctx->doc, "%zu more did not run ok here: not ranked.", rank.not_ok);
}

static bool family_ran(const struct evb_table *s, const char *family)
{
	for (size_t r = 0; r < s->nrows; r++)
		if (!strcmp(harness_str(s, r, "family"), family))
			return true;
	return false;
}

/* The key's figure, the first of its list that was drawn, unless it is
 * shown; the name of the one it stands for, or shown. */
static const char *key_figure(const struct report_ctx *ctx, const struct report_key *key,
			      const char *shown)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < 4 && key->figures[i].name; i++) {
		snprintf(path, sizeof(path), "%s/figures/%s.svg", ctx->run_dir, key->figures[i].name);
		if (access(path, R_OK) != 0)
			continue;
		if (!shown || strcmp(shown, key->figures[i].name))
			doc_figure(ctx->doc, key->figures[i].name, key->figures[i].caption);
		return key->figures[i].name;
	}
	return shown;
}

void report_keys(const struct report_ctx *ctx)
{
	size_t shown = 0;

	for (size_t f = 0; f < harness_nfamilies; f++) {
		const struct harness_family *family = harness_families[f];

		if (!family->keys[0] || !family_ran(ctx->summary, family->name))
			continue;
		if (!shown++) {
			doc_h(ctx->doc, 2, "Key results");
			doc_p(ctx->doc, "Per family, the fastest and slowest mechanism of its headline "
			      "cell (ok cells only): medians over repetitions, with the "
			      "order-statistic interval and its coverage.");
			doc_div(ctx->doc, "cards");
		}
		const char *drawn = NULL;   /* a figure two keys share is drawn once */

		for (size_t k = 0; k < 3 && family->keys[k]; k++) {
			const struct report_key *key = family->keys[k];

			doc_div(ctx->doc, "card");
			doc_h(ctx->doc, 3, "%s%s%s", family->name, key->title ? ": " : "",
			      key->title ? key->title : "");
			drawn = key_figure(ctx, key, drawn);
			key_ranking(ctx, key);
			if (key->scan.axis)
				report_key_scan(ctx, key);
			doc_list_end(ctx->doc);
			doc_div_end(ctx->doc);
		}
	}
	if (shown)
		doc_div_end(ctx->doc);
}
