/*
 * figures_notify.c - the notify family's figures.
 *
 *   notify_latency_<mode>_<ipc>   per mechanism/variant: median over reps of
 *                                 the per-run p50 as a bar, a whisker up to
 *                                 the pooled p99; clusters by placement
 *   notify_burst                  per mechanism/variant: delivered as a share
 *                                 of sent (top) and delivered per second
 *                                 (bottom), for each ipc x placement
 *   notify_exit                   the exit-* mechanisms: a child's exit to
 *                                 its parent's wakeup (mode exit)
 *   notify_loop_<mode>            the ways to wake a thread blocked in its
 *                                 event loop, between threads: the epoll
 *                                 loop's ways ("epoll:" before the label),
 *                                 then the io_uring loop's ("ring:", the
 *                                 io_uring- of the name left out), bars
 *                                 as notify_latency_*
 *
 * A label is the mechanism's as harness_mech_label makes it, with its
 * io_uring setup when not the default ("io_uring-msg-ring/ring/defer").
 * Which loop a variant's waiter sits in: notify.h (a variant named epoll
 * waits in epoll_wait; an io_uring-* mechanism's others in io_uring_enter).
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "evb_axes.h"
#include "evb_peer.h"
#include "evb_placement.h"
#include "evb_sb.h"
#include "figures.h"
#include "family.h"
#include "notify_loop.h"

#define LABEL_LEN 96     /* a mechanism/variant label, cut alike everywhere */

/* The shared name tables, in their order (evb_placement.h, evb_peer.h). */
static const char *const *const placements = evb_placement_names;
static const char *const *const ipcs = evb_ipc_names;

/* notify_burst.gp's columns: thread, process x each placement x delivered, rate. */
enum { BURST_COLS = 2 * EVB_NPLACEMENTS * 2 };

/* The event loop the waiter of row r sits in (notify_loop.h). */
static const char *loop_kind(const struct evb_table *s, size_t r)
{
	return notify_loop_kind(harness_str(s, r, "mechanism"), harness_str(s, r, "variant"));
}

/*
 * Distinct mechanism labels of the notify rows, in first-seen order; with
 * loop, only those whose waiter sits in that event loop.
 */
static size_t collect_labels(const struct evb_table *s, char labels[][LABEL_LEN], size_t max,
			     const char *loop)
{
	size_t n = 0;

	for (size_t r = 0; r < s->nrows; r++) {
		char label[LABEL_LEN];
		const char *kind = loop_kind(s, r);

		if (strcmp(harness_str(s, r, "family"), "notify") != 0)
			continue;
		if (loop && (!kind || strcmp(kind, loop)))
			continue;
		harness_mech_label(s, r, label, sizeof(label));
		size_t i = 0;

		while (i < n && strcmp(labels[i], label) != 0)
			i++;
		if (i == n && n < max)
			snprintf(labels[n++], sizeof(labels[0]), "%s", label);
	}
	return n;
}

/* Summary row of notify label/mode/ipc/placement, or -1. */
static long find_cell(const struct evb_table *s, const char *label, const char *mode,
		      const char *ipc, const char *placement)
{
	const char *const kv[] = { "family", "notify", "mode", mode, "ipc", ipc,
				   "placement", placement, NULL };

	return harness_find_labelled(s, kv, label, LABEL_LEN, true);
}

static void put(FILE *f, double v, double scale)
{
	if (isfinite(v))
		fprintf(f, "\t%.4g", v * scale);
	else
		fputs("\t-", f);
}

/*
 * One latency figure: labels[0..n) (drawn as shown[i] when shown is not
 * NULL) in mode and ipc, named name, its title after heading.
 */
static int latency_figure(const struct harness_figctx *ctx, char labels[][LABEL_LEN], size_t n,
			  char shown[][LABEL_LEN], const char *mode, const char *ipc,
			  const char *name, const char *heading)
{
	char path[4096], title[256];
	bool present[EVB_NPLACEMENTS] = { false };
	int rows = 0;
	FILE *f;

	/* Only placements that have a value somewhere get a column: gnuplot
	 * refuses a plot clause with no valid point. */
	for (size_t i = 0; i < n; i++)
		for (int p = 0; p < EVB_NPLACEMENTS; p++) {
			long r = find_cell(ctx->summary, labels[i], mode, ipc, placements[p]);

			if (r >= 0 && isfinite(harness_num(ctx->summary, (size_t)r, "p50_median")))
				present[p] = true;
		}
	f = harness_fig_data(ctx, name, path, sizeof(path));
	if (!f)
		return -1;
	char titles[64];
	struct evb_sb sb;

	evb_sb_init(&sb, titles, sizeof(titles));
	fprintf(f, "# label");
	for (int p = 0; p < EVB_NPLACEMENTS; p++) {
		if (!present[p])
			continue;
		fprintf(f, "\t%s_p50_us\t%s_p99_us", placements[p], placements[p]);
		evb_sb_printf(&sb, "%s%s", sb.used ? " " : "", placements[p]);
	}
	fputc('\n', f);
	for (size_t i = 0; i < n; i++) {
		double v[2 * EVB_NPLACEMENTS];
		int any = 0;

		for (int p = 0; p < EVB_NPLACEMENTS; p++) {
			long r = find_cell(ctx->summary, labels[i], mode, ipc, placements[p]);

			v[2 * p] = r < 0 ? NAN : harness_num(ctx->summary, (size_t)r, "p50_median");
			v[2 * p + 1] = r < 0 ? NAN : harness_num(ctx->summary, (size_t)r,
								  "p99_pooled");
			any |= isfinite(v[2 * p]);
		}
		if (!any)
			continue;
		harness_fig_label(f, shown ? shown[i] : labels[i]);
		for (int p = 0; p < EVB_NPLACEMENTS; p++) {
			if (!present[p])
				continue;
			put(f, v[2 * p], 1e-3);
			put(f, v[2 * p + 1], 1e-3);
		}
		fputc('\n', f);
		rows++;
	}
	fclose(f);
	if (!rows)
		return 0;

	const char *what = strcmp(mode, "pingpong") == 0
		? "one sample = A notifies B, B notifies A (round trip)"
		: strcmp(mode, "exit") == 0
		? "one sample = the child's clock just before _exit -> the parent's after its "
		  "wait returns"
		: "one sample = A's clock before notify -> B's clock after its wait returns";
	char ylabel[200];

	snprintf(title, sizeof(title), "%s, %s, ipc=%s: bar = median p50 over reps, "
		 "whisker = pooled p99\n%s", heading, mode, ipc, what);
	snprintf(ylabel, sizeof(ylabel), "%s latency (us, log scale)",
		 strcmp(mode, "pingpong") == 0 ? "round-trip"
		 : strcmp(mode, "exit") == 0 ? "exit-to-wakeup" : "one-way wakeup");
	const char *args[] = { title, ylabel, titles, NULL };

	return harness_gnuplot(ctx, "notify_latency.gp", path, name, args);
}

static int burst_figure(const struct harness_figctx *ctx, char labels[][LABEL_LEN], size_t n)
{
	char path[4096];
	int rows = 0;
	FILE *f = harness_fig_data(ctx, "notify_burst", path, sizeof(path));

	if (!f)
		return -1;
	fprintf(f, "# label");
	for (int i = 0; ipcs[i]; i++)
		for (int p = 0; p < EVB_NPLACEMENTS; p++)
			fprintf(f, "\t%s_%s_delivered_pct\t%s_%s_per_s", ipcs[i], placements[p],
				ipcs[i], placements[p]);
	fputc('\n', f);
	for (size_t l = 0; l < n; l++) {
		double v[BURST_COLS];
		int any = 0;

		for (int i = 0; ipcs[i]; i++)
			for (int p = 0; p < EVB_NPLACEMENTS; p++) {
				long r = find_cell(ctx->summary, labels[l], "burst", ipcs[i],
						   placements[p]);
				double sent = r < 0 ? NAN : harness_num(ctx->summary, (size_t)r,
									 "sent_median");
				double got = r < 0 ? NAN : harness_num(ctx->summary, (size_t)r,
									"delivered_median");
				int k = (i * EVB_NPLACEMENTS + p) * 2;

				v[k] = sent > 0 ? 100.0 * got / sent : NAN;
				v[k + 1] = r < 0 ? NAN : harness_num(ctx->summary,
							(size_t)r, "ops_per_s_median");
				any |= isfinite(v[k]);
			}
		if (!any)
			continue;
		harness_fig_label(f, labels[l]);
		for (int k = 0; k < BURST_COLS; k++)
			put(f, v[k], 1.0);
		fputc('\n', f);
		rows++;
	}
	fclose(f);
	return rows ? harness_gnuplot(ctx, "notify_burst.gp", path, "notify_burst", NULL) : 0;
}

/* notify_loop_<mode>: the epoll loop's ways, then the io_uring loop's. */
static int loop_figure(const struct harness_figctx *ctx, const char *mode)
{
	static const char *const loops[] = { "epoll", "ring" };
	char labels[64][LABEL_LEN], shown[64][LABEL_LEN], name[64];
	size_t n = 0;

	for (size_t k = 0; k < 2; k++) {
		size_t got = collect_labels(ctx->summary, labels + n, 64 - n, loops[k]);

		for (size_t i = n; i < n + got; i++) {
			/* "ring:msg-ring/sync/defer": the loop says io_uring already */
			const char *l = labels[i];

			if (!strncmp(l, "io_uring-", 9))
				l += 9;
			snprintf(shown[i], sizeof(shown[i]), "%s:%.*s", loops[k],
				 (int)(LABEL_LEN - 8), l);
		}
		n += got;
	}
	if (!n)
		return 0;
	snprintf(name, sizeof(name), "notify_loop_%s", mode);
	return latency_figure(ctx, labels, n, shown, mode, "thread", name,
			      "waking a thread's event loop (epoll: / ring:)");
}

int figures_notify(const struct harness_figctx *ctx)
{
	char labels[64][LABEL_LEN], name[64];
	size_t n = collect_labels(ctx->summary, labels, 64, NULL);
	int ret = 0, r;

	if (!n)
		return 0;
	for (int i = 0; ipcs[i]; i++) {
		for (int m = 0; m < 2; m++) {
			const char *mode = m ? "wakeup" : "pingpong";

			snprintf(name, sizeof(name), "notify_latency_%s_%s", mode, ipcs[i]);
			r = latency_figure(ctx, labels, n, NULL, mode, ipcs[i], name, "notify");
			ret = ret ? ret : r;
		}
	}
	for (int m = 0; m < 2; m++) {
		r = loop_figure(ctx, m ? "wakeup" : "pingpong");
		ret = ret ? ret : r;
	}
	r = latency_figure(ctx, labels, n, NULL, "exit", "process", "notify_exit",
			   "a child's exit, as its parent learns it");
	ret = ret ? ret : r;
	r = burst_figure(ctx, labels, n);
	return ret ? ret : r;
}
