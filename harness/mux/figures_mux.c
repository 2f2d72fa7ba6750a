/*
 * figures_mux.c - the mux family's figures, one line per mechanism/variant.
 *
 *   mux_scan[_a10pct|_a100pct][_<fd type>]   scan: p50 vs nfds, log-log,
 *                       whisker up to p99; active = 1 (default), 10%, 100%;
 *                       the scanning process alone, and "[2thr]" lines with an
 *                       idle second thread in it (threads=2)
 *   mux_wakeup[_<fd type>]   the same for wakeup (B on another CPU)
 *   mux_loop[_n<nfds>]  events/s (CI whisker) and CPU per event, loop + writer
 *                       and loop thread (thread CPU clocks), vs the active
 *                       fraction, at one nfds
 *   mux_register[_<fd type>]   ns per fd to add + remove, and RSS and kernel
 *                       slab bytes per registered fd, vs nfds
 * Values are medians over repetitions (summary.csv).  The default figures
 * use eventfd watched fds, side B a thread; other fd types (full profile)
 * get their own.  Each title says what one sample is.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "evb_placement.h"
#include "figures.h"
#include "family.h"

/* The shared name table, in its order (evb_placement.h). */
static const char *const *const fd_types = evb_fd_type_names;

#define MAX_LABELS 48
#define MAX_X 32

/* Which summary rows a figure reads. */
struct mux_filter {
	const char *mode;
	const char *fd_type;
	const char *ipc;
	const char *placement;
	int active_pct;         /* scan, wakeup: 0 = active 1; 10, 100: % of nfds */
	double nfds;            /* loop: the nfds of the figure; NAN: any */
};

static bool is_mux_row(const struct evb_table *s, size_t r, const struct mux_filter *f)
{
	const char *const kv[] = { "family", "mux", "mode", f->mode, "fd_type", f->fd_type,
				   "ipc", f->ipc, "placement", f->placement, NULL };

	return harness_row_matches(s, r, kv) &&
	       (isnan(f->nfds) || harness_num(s, r, "nfds") == f->nfds);
}

/* Variants whose scan re-arms (or drains) inside the timed call: their
 * scan lines are marked with a '*' that the figure's title explains. */
static const char *const rearm_timed[][2] = { { "epoll", "et" }, { "io_uring", "multishot" } };

static void row_label(const struct evb_table *s, size_t r, char *label, size_t len)
{
	const char *mech = harness_str(s, r, "mechanism"), *variant = harness_str(s, r, "variant");
	const char *mark = "";

	for (size_t i = 0; i < sizeof(rearm_timed) / sizeof(rearm_timed[0]); i++)
		if (!strcmp(harness_str(s, r, "mode"), "scan") && !strcmp(mech, rearm_timed[i][0]) &&
		    !strcmp(variant, rearm_timed[i][1]))
			mark = "*";
	harness_mech_label(s, r, label, len);
	snprintf(label + strlen(label), len - strlen(label), "%s%s", mark,
		 harness_num(s, r, "threads") == 2 ? "[2thr]" : "");
}

/* The active count a sweep figure wants at nfds. */
static double want_active(const struct mux_filter *f, double nfds)
{
	if (f->active_pct == 100)
		return nfds;
	if (f->active_pct == 10)
		return floor(nfds / 10) >= 1 ? floor(nfds / 10) : 1;
	return 1;
}

/* Summary row of label at (nfds, active), or -1.  Not harness_find_labelled:
 * the label carries the re-arm mark, and register rows match any active. */
static long find(const struct evb_table *s, const struct mux_filter *f, const char *label,
		 double nfds, double active)
{
	for (size_t r = 0; r < s->nrows; r++) {
		char this_label[160];

		if (!is_mux_row(s, r, f) || harness_num(s, r, "nfds") != nfds ||
		    (!isnan(active) && harness_num(s, r, "active") != active))
			continue;
		row_label(s, r, this_label, sizeof(this_label));
		if (!strcmp(this_label, label))
			return (long)r;
	}
	return -1;
}

static double value(const struct evb_table *s, long r, const char *col)
{
	return r < 0 ? NAN : harness_num(s, (size_t)r, col);
}

/* Labels (first-seen order) and distinct x values (ascending) of f's rows. */
static size_t collect(const struct evb_table *s, const struct mux_filter *f, const char *xcol,
		      char labels[][160], size_t *nlabels, double *xs)
{
	size_t nx = 0;

	*nlabels = 0;
	for (size_t r = 0; r < s->nrows; r++) {
		char label[160];
		double x = harness_num(s, r, xcol);
		size_t i = 0;

		if (!is_mux_row(s, r, f) || !isfinite(x))
			continue;
		row_label(s, r, label, sizeof(label));
		while (i < *nlabels && strcmp(labels[i], label))
			i++;
		if (i == *nlabels && *nlabels < MAX_LABELS)
			snprintf(labels[(*nlabels)++], 160, "%s", label);
		for (i = 0; i < nx && xs[i] != x; i++)
			;
		if (i == nx && nx < MAX_X)
			xs[nx++] = x;
	}
	for (size_t i = 1; i < nx; i++)   /* insertion sort: a handful of values */
		for (size_t j = i; j > 0 && xs[j - 1] > xs[j]; j--) {
			double t = xs[j];

			xs[j] = xs[j - 1];
			xs[j - 1] = t;
		}
	return nx;
}

/*
 * What one figure's data file holds: for each x (the distinct values of
 * xcol among f's rows, ascending), per label, the summary columns cols of
 * the cell at that x.  Loop figures run x over active at one nfds, written
 * as the fraction active / nfds.
 */
struct fig_data {
	struct mux_filter f;
	const char *xcol;             /* "nfds" or "active" */
	const char *const *cols;      /* per label; a label needs the first somewhere */
	const char *const *heads;     /* their names in the header line */
	const double *min_x;          /* per column, '-' below it; NULL: none */
};

/* The cell of label at x, or -1. */
static long cell_at(const struct evb_table *s, const struct fig_data *fd, const char *label,
		    double x)
{
	if (!strcmp(fd->xcol, "active"))
		return find(s, &fd->f, label, fd->f.nfds, x);
	return find(s, &fd->f, label, x,
		    strcmp(fd->f.mode, "register") ? want_active(&fd->f, x) : NAN);
}

/*
 * Write figures/<name>.dat; titles gets "titles='a b ...'" for the labels
 * that got columns.  1 when written, 0 when there was nothing to draw, -1.
 */
static int write_data(const struct harness_figctx *ctx, const struct fig_data *fd,
		      const char *name, char *path, size_t path_len, char *titles,
		      size_t titles_len)
{
	const struct evb_table *s = ctx->summary;
	char labels[MAX_LABELS][160];
	double xs[MAX_X];
	bool keep[MAX_LABELS] = { false };
	size_t nlabels, nx = collect(s, &fd->f, fd->xcol, labels, &nlabels, xs), kept = 0;
	FILE *out;

	/* A 10% or 100% sweep is only worth drawing with a point where that is
	 * more than 1 fd. */
	for (size_t i = 0; i < nlabels; i++)
		for (size_t k = 0; k < nx && !keep[i]; k++)
			keep[i] = (!fd->f.active_pct || want_active(&fd->f, xs[k]) > 1) &&
				  isfinite(value(s, cell_at(s, fd, labels[i], xs[k]), fd->cols[0]));
	for (size_t i = 0; i < nlabels; i++)
		kept += keep[i];
	if (!kept)
		return 0;
	out = harness_fig_data(ctx, name, path, path_len);
	if (!out)
		return -1;
	fprintf(out, "# %s", strcmp(fd->xcol, "active") ? "nfds" : "active_fraction");
	for (size_t i = 0; i < nlabels; i++)
		for (size_t c = 0; keep[i] && fd->cols[c]; c++) {
			fputc('\t', out);
			harness_fig_label(out, labels[i]);
			fprintf(out, "_%s", fd->heads[c]);
		}
	fputc('\n', out);
	for (size_t k = 0; k < nx; k++) {
		fprintf(out, "%.6g", strcmp(fd->xcol, "active") ? xs[k] : xs[k] / fd->f.nfds);
		for (size_t i = 0; i < nlabels; i++) {
			long r = cell_at(s, fd, labels[i], xs[k]);

			for (size_t c = 0; keep[i] && fd->cols[c]; c++)
				harness_fig_put(out, fd->min_x && xs[k] < fd->min_x[c]
						     ? NAN : value(s, r, fd->cols[c]));
		}
		fputc('\n', out);
	}
	fclose(out);

	size_t used = 0;

	titles[0] = '\0';
	for (size_t i = 0; i < nlabels; i++)
		if (keep[i])
			used = harness_fig_word(titles, titles_len, used, labels[i]);
	return 1;
}

/* Write the data and draw it with script; title says what a sample is. */
static int figure(const struct harness_figctx *ctx, const struct fig_data *fd,
		  const char *script, const char *name, const char *title, const char *extra)
{
	char path[4096], titles[2048];
	const char *args[] = { title, titles, extra, NULL };
	int ret = write_data(ctx, fd, name, path, sizeof(path), titles, sizeof(titles));

	if (ret <= 0)
		return ret;
	return harness_gnuplot(ctx, script, path, name, args);
}

static const char *const sweep_cols[] = { "p50_median", "p99_pooled", NULL };
static const char *const sweep_heads[] = { "p50_ns", "p99_ns" };

static const char *active_words(int pct)
{
	return pct == 100 ? "all of them ready" : pct == 10 ? "10% of them ready" : "1 ready";
}

static int scan_figures(const struct harness_figctx *ctx)
{
	static const int pcts[] = { 0, 10, 100 };
	int ret = 0;

	for (size_t t = 0; t < EVB_NFD_TYPES; t++)
		for (size_t p = 0; p < 3; p++) {
			struct fig_data fd = {
				.f = { .mode = "scan", .fd_type = fd_types[t], .ipc = "thread",
				       .placement = "same-cpu", .active_pct = pcts[p],
				       .nfds = NAN },
				.xcol = "nfds", .cols = sweep_cols, .heads = sweep_heads,
			};
			char name[64], title[600];

			snprintf(name, sizeof(name), "mux_scan%s%s%s%s", pcts[p] ? "_a" : "",
				 pcts[p] == 100 ? "100pct" : pcts[p] == 10 ? "10pct" : "",
				 t ? "_" : "", t ? fd_types[t] : "");
			snprintf(title, sizeof(title),
				 "scan: one sample = the wait calls (select, poll, epoll_wait, "
				 "io_uring_enter...) with timeout 0\nover N registered %ss, %s, "
				 "with the set copy and re-arm a loop does (*: et drain or\n"
				 "multishot re-arm timed too), one thread in the process "
				 "([2thr]: an idle second one, a shared fd table).\nPoint: "
				 "median over repetitions of each run's p50; whisker: pooled p99",
				 fd_types[t], active_words(pcts[p]));
			if (figure(ctx, &fd, "mux_scan.gp", name, title,
				   "ns per call (log scale)") < 0)
				ret = -1;
		}
	return ret;
}

static int wakeup_figures(const struct harness_figctx *ctx)
{
	int ret = 0;

	for (size_t t = 0; t < EVB_NFD_TYPES; t++) {
		struct fig_data fd = {
			.f = { .mode = "wakeup", .fd_type = fd_types[t], .ipc = "thread",
			       .placement = "cross-cpu", .nfds = NAN },
			.xcol = "nfds", .cols = sweep_cols, .heads = sweep_heads,
		};
		char name[64], title[600];

		snprintf(name, sizeof(name), "mux_wakeup%s%s", t ? "_" : "", t ? fd_types[t] : "");
		snprintf(title, sizeof(title),
			 "wakeup: one sample = B's clock before writing to one random %s of N\n"
			 "-> A's clock after its blocking wait returned and identified it (A asleep "
			 "when written;\nB a thread on another CPU).  Point: median p50 over "
			 "repetitions; whisker up to the pooled p99", fd_types[t]);
		if (figure(ctx, &fd, "mux_wakeup.gp", name, title,
			   "wakeup latency, ns (log scale)") < 0)
			ret = -1;
	}
	return ret;
}

static int loop_figures(const struct harness_figctx *ctx)
{
	static const char *const cols[] = { "ops_per_s_median", "ops_per_s_ci_lo",
					    "ops_per_s_ci_hi", "cpu_a_ns_per_op_median",
					    "cpu_ab_ns_per_op_median", NULL };
	static const char *const heads[] = { "events_per_s", "ci_lo", "ci_hi",
					     "loop_cpu_ns_per_event",
					     "loop_writer_cpu_ns_per_event" };
	struct mux_filter any = { .mode = "loop", .fd_type = "eventfd", .ipc = "thread",
				  .placement = "cross-cpu", .nfds = NAN };
	char labels[MAX_LABELS][160];
	double xs[MAX_X];
	size_t nlabels, nx = collect(ctx->summary, &any, "nfds", labels, &nlabels, xs);
	int ret = 0;

	/* One figure per nfds; the first (1000 in every profile) is mux_loop. */
	for (size_t k = 0; k < nx; k++) {
		struct fig_data fd = { .f = any, .xcol = "active", .cols = cols, .heads = heads };
		char name[64], title[600];

		fd.f.nfds = xs[k];
		if (k == 0)
			snprintf(name, sizeof(name), "mux_loop");
		else
			snprintf(name, sizeof(name), "mux_loop_n%.0f", xs[k]);
		snprintf(title, sizeof(title),
			 "loop: events handled per second by one event loop over %.0f eventfds, a "
			 "writer\nthread on another CPU keeping some of them busy (one unit in "
			 "flight per fd; the loop\nwaits, reads, re-arms).  Top: median over "
			 "repetitions, whisker its CI.  Bottom: CPU per event (thread CPU clocks), "
			 "loop + writer\n(solid) and the loop thread's own (dashed): epoll's wakeup "
			 "work runs in the writer's write; the writer sleeps while it has nothing "
			 "to send", xs[k]);
		if (figure(ctx, &fd, "mux_loop.gp", name, title, NULL) < 0)
			ret = -1;
	}
	return ret;
}

static int register_figures(const struct harness_figctx *ctx)
{
	static const char *const cols[] = { "mean_median", "rss_bytes_per_fd_median",
					    "slab_bytes_per_fd_median", NULL };
	static const char *const heads[] = { "ns_per_fd", "rss_bytes_per_fd",
					     "slab_bytes_per_fd" };
	/* Below 1,000 fds a page (RSS) or a slab (kernel) is more than the
	 * fds' own bytes, and other processes' slab traffic is noise: the
	 * memory panels start there (the CSV has every value). */
	static const double min_x[] = { 0, 1000, 1000 };
	int ret = 0;

	for (size_t t = 0; t < EVB_NFD_TYPES; t++) {
		struct fig_data fd = {
			.f = { .mode = "register", .fd_type = fd_types[t], .ipc = "thread",
			       .placement = "same-cpu", .nfds = NAN },
			.xcol = "nfds", .cols = cols, .heads = heads, .min_x = min_x,
		};
		char name[64], title[600];

		snprintf(name, sizeof(name), "mux_register%s%s", t ? "_" : "", t ? fd_types[t] : "");
		snprintf(title, sizeof(title),
			 "register: one sample = add then remove N %ss, per fd (epoll_ctl "
			 "ADD/DEL,\nio_uring POLL_ADD/POLL_REMOVE, setting and clearing the "
			 "select/poll set).  Memory at the first add (from 1,000 fds):\nRSS growth "
			 "and kernel slab growth per registered fd.  Medians over repetitions",
			 fd_types[t]);
		if (figure(ctx, &fd, "mux_register.gp", name, title, NULL) < 0)
			ret = -1;
	}
	return ret;
}

int figures_mux(const struct harness_figctx *ctx)
{
	int ret = 0;

	if (scan_figures(ctx))
		ret = -1;
	if (wakeup_figures(ctx))
		ret = -1;
	if (loop_figures(ctx))
		ret = -1;
	if (register_figures(ctx))
		ret = -1;
	return ret;
}
