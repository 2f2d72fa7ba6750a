/*
 * summary_pooled.c - a cell's tail percentiles from all its ok samples.
 *
 * A repetition writes p99 only with 1,000 samples of its own (docs/methodology.md,
 * "Reading the numbers"), and many cells take fewer per repetition: a timer
 * cell at 1 ms serves 400 periods, a poll scan over 10,000 fds a few hundred
 * calls.  The run merges the ok repetitions' histograms into
 * hist/<cell>.csv; the pooled p90, p99 and p999 come from that merged
 * histogram, under the same rule (q needs 10 / (1 - q) samples, now counted
 * over every ok repetition).  The pooled tail is the tail of everything the
 * cell measured, not a median of per-repetition tails; a repetition that
 * was slow throughout weighs in it by its samples.
 */
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "evb_csv.h"
#include "evb_hist.h"
#include "evb_row.h"
#include "plan.h"
#include "summary.h"

struct evb_hist *harness_cell_hist_load(const char *hist_dir, const struct evb_table *t,
					size_t row)
{
	struct evb_row axes;
	struct evb_hist *h;
	char slug[HARNESS_SLUG_MAX + 1], path[PATH_MAX], error[128];
	FILE *f;
	int fd;

	if (!hist_dir || evb_row_parse_named(&axes, t->header.fields, t->rows[row].fields,
					     t->rows[row].nfields, error, sizeof(error)))
		return NULL;
	if (harness_cell_slug(&axes, slug, sizeof(slug)) ||
	    evb_fmt(path, sizeof(path), "%s/%s.csv", hist_dir, slug))
		return NULL;   /* no cell of a run has such a name */
	fd = evb_open_regular_in(path, O_RDONLY, 0);   /* no link, no FIFO */
	f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	h = malloc(sizeof(*h));
	if (h && (evb_hist_read_csv(h, f) || h->count == 0)) {
		free(h);
		h = NULL;
	}
	fclose(f);
	return h;
}

static double quantile_or_nan(const struct evb_hist *h, double q)
{
	int64_t v = evb_row_quantile(h, q);

	return v == EVB_NA ? NAN : (double)v;
}

void harness_pooled_tail(const char *hist_dir, const struct evb_table *t, size_t row,
			 struct harness_pooled *out)
{
	struct evb_hist *h = harness_cell_hist_load(hist_dir, t, row);

	*out = (struct harness_pooled){ .samples = 0, .p90 = NAN, .p99 = NAN, .p999 = NAN };
	if (!h)
		return;
	out->samples = (int64_t)h->count;
	out->p90 = quantile_or_nan(h, 0.90);
	out->p99 = quantile_or_nan(h, 0.99);
	out->p999 = quantile_or_nan(h, 0.999);
	free(h);
}
