/*
 * report_serve_trouble.c - the server's troubles under a serve table: a
 * cell whose ok repetitions counted a blocked write (a response that
 * waited for its socket to drain), an ENOBUFS re-post of a multishot recv
 * (its buffer ring ran dry) or a CQ overflow (completions beyond the
 * ring's CQ) gets a line naming how many repetitions did and their median,
 * e.g. "epoll/lt 1000 conns: blocked writes in 3 of 5 repetitions (median
 * 12)".  The counts are evb-serve's over the whole run, read from
 * results.csv; an empty one (a mechanism without a ring has no CQ) is
 * no count.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_sb.h"
#include "evb_stats.h"
#include "figures.h"
#include "report_serve.h"
#include "summary.h"

static const struct {
	const char *column;
	const char *what;
} troubles[] = {
	{ "blocked_writes", "blocked writes" },
	{ "enobufs", "ENOBUFS re-posts (buffer ring dry)" },
	{ "cq_overflows", "CQ overflows" },
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The ok repetitions of summary row r with a value in column: their count
 * (*n), how many were above 0 (returned) and their median (*median).
 */
static size_t trouble_count(const struct report_ctx *ctx, size_t r, const char *column,
			    size_t *n, double *median)
{
	int cols[32];
	char key[1024];
	size_t above = 0;
	double *v = malloc((ctx->results->nrows ? ctx->results->nrows : 1) * sizeof(*v));

	*n = 0;
	*median = NAN;
	if (!v)
		return 0;
	harness_axis_cols(ctx->summary, cols);
	harness_row_key(ctx->summary, r, cols, key, sizeof(key));
	for (size_t i = 0; i < ctx->results->nrows; i++) {
		double x;

		if (strcmp(ctx->result_keys[i], key) ||
		    strcmp(harness_str(ctx->results, i, "status"), "ok"))
			continue;
		x = harness_num(ctx->results, i, column);
		if (!isfinite(x))
			continue;
		v[(*n)++] = x;
		above += x > 0;
	}
	if (*n) {
		qsort(v, *n, sizeof(*v), cmp_double);
		*median = evb_median_sorted(v, *n);
	}
	free(v);
	return above;
}

void serve_trouble_note(const struct report_ctx *ctx, const char *mode)
{
	const struct evb_table *s = ctx->summary;

	for (size_t r = 0; r < s->nrows; r++) {
		char label[140], line[600];
		struct evb_sb sb;

		if (!serve_row(s, r, mode))
			continue;
		harness_mech_label(s, r, label, sizeof(label));
		evb_sb_init(&sb, line, sizeof(line));
		for (size_t t = 0; t < sizeof(troubles) / sizeof(troubles[0]); t++) {
			size_t n;
			double median;
			size_t above = trouble_count(ctx, r, troubles[t].column, &n, &median);

			if (above)
				evb_sb_printf(&sb, "%s%s in %zu of %zu repetitions (median %.0f)",
					      sb.used ? "; " : "", troubles[t].what, above, n, median);
		}
		if (line[0])
			doc_trust(ctx->doc, "%s %s conns: %s.", label,
				  harness_str(s, r, "connections"), line);
	}
}
