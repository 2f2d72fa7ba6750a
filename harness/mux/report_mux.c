/*
 * report_mux.c - the mux family's section of the report: its figures, the
 * scan p50 table (mechanism x nfds, 1 fd ready), the poll/epoll ratio at
 * 10,000 fds, and the published seed table beside what was measured here.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "figures.h"
#include "report.h"
#include "family.h"

static const char *const sweep_nfds[] = { "1", "10", "100", "1000", "10000", "100000",
					  "1000000" };

/* The published table (10% active): average and p99 in ms; NAN: FAILED. */
static const struct {
	const char *mechanism, *variant;
	double avg_ms[3], p99_ms[3];
} seed[] = {
	{ "select", "fdset", { 15.2, 180, NAN }, { 45, 520, NAN } },
	{ "select", "bigset", { 15.2, 180, NAN }, { 45, 520, NAN } },
	{ "poll", "", { 12.8, 150, 2800 }, { 38, 450, 8000 } },
	{ "epoll", "lt", { 0.8, 1.2, 8.5 }, { 2, 4, 25 } },
};
static const char *const seed_nfds[] = { "1000", "10000", "100000" };
/* Published memory at 10,000 fds, bytes, per seed[] row: select's fd_set
 * (for its 1024 fds), poll's pollfds, epoll's user events (plus kernel
 * state, not quantified). */
static const double seed_bytes[] = { 384, 384, 80000, 120000 };

/*
 * One table cell: the median p50 (or column) of an ok cell, or why there is
 * none ("FD_SETSIZE", "fd limit", the status).  "" when no such cell ran.
 */
static void cell_text(const struct report_ctx *ctx, struct report_trust *t,
		      const char *const *kv, const char *column, char *buf, size_t len)
{
	const struct evb_table *s = ctx->summary;
	long r = harness_find_row(s, kv);
	double v = report_cell(ctx, t, kv, column);
	const char *status, *reason;

	buf[0] = '\0';
	if (r < 0)
		return;
	status = harness_str(s, (size_t)r, "status");
	reason = harness_str(s, (size_t)r, "reason");
	if (!strcmp(status, "ok") || !strcmp(status, "partial"))
		report_fmt_ns(buf, len, v);
	else if (strstr(reason, "FD_SETSIZE"))
		snprintf(buf, len, "skipped: FD_SETSIZE");
	else if (strstr(reason, "RLIMIT_NOFILE"))
		snprintf(buf, len, "skipped: fd limit");
	else
		snprintf(buf, len, "%s", status);
}

/* Variants whose scan re-arms (or drains) inside the timed call, as a
 * real loop pays it: the table and the figure say so beside them. */
static const char *const rearm_timed[][2] = { { "epoll", "et" }, { "io_uring", "multishot" } };

static void mech_label(const char *m, const char *v, int scan, char *buf, size_t len)
{
	const char *note = "";

	for (size_t i = 0; scan && i < sizeof(rearm_timed) / sizeof(rearm_timed[0]); i++)
		if (!strcmp(m, rearm_timed[i][0]) && !strcmp(v, rearm_timed[i][1]))
			note = " (re-arm timed)";
	snprintf(buf, len, "%s%s%s%s", m, v[0] ? "/" : "", v, note);
}

static double scan_value(const struct evb_table *s, const char *m, const char *v,
			 const char *nfds, const char *column)
{
	const char *const kv[] = { "family", "mux", "mode", "scan", "mechanism", m, "variant", v,
				   "fd_type", "eventfd", "ipc", "thread", "placement", "same-cpu",
				   "nfds", nfds, "active", "1", "threads", "1", NULL };

	return report_value(s, kv, column);
}

static void scan_table(const struct report_ctx *ctx)
{
	const struct evb_table *s = ctx->summary;
	struct doc *d = ctx->doc;
	const char *const heads[] = { "mechanism", "1", "10", "100", "1,000", "10,000", "100,000",
				      "1,000,000" };
	char names[48][2][64];
	size_t n = report_mechanisms(s, "mux", "scan", names, 48);
	struct report_trust trust = { 0 };
	struct report_beside beside = { 0 };

	doc_h(d, 3, "Scan: ns per call at active = 1 (eventfd), by registered fds");
	doc_p(d, "One sample: one wait call with timeout 0 over N registered eventfds, one of "
	      "them readable, including the set copy or re-arm a real loop does; \"re-arm "
	      "timed\": the edge-triggered drain or the multishot re-arm is inside the timed "
	      "call too. Median over repetitions of each run's p50. A skipped cell says which "
	      "limit refused it. The scanning process has one thread (its watchdog is a "
	      "process of its own), as a single-threaded event loop has; the figure adds "
	      "[2thr] lines for a process with an idle second thread, whose shared fd table "
	      "makes the kernel take a reference on every fd a call looks up. Every sample "
	      "enters the kernel: summary.csv's syscalls_per_op_median counts the wait's "
	      "system calls per sample (select, poll, epoll_wait: 1; io_uring, every setup: "
	      "one io_uring_enter with GETEVENTS even when completions already wait, and "
	      "under defer more while a call still adds completions). For io_uring "
	      "multishot in the default and coop setups the completion work ran when the "
	      "untimed write made the fd ready, so its sample is the enter that finds the "
	      "CQEs, the reaping and the reads; under defer the sample holds that work.");
	doc_table(d, 8, heads);
	for (size_t i = 0; i < n; i++) {
		char label[140], c[7][80];
		const char *row[8] = { label };

		mech_label(names[i][0], names[i][1], 1, label, sizeof(label));
		for (int k = 0; k < 7; k++) {
			const char *const kv[] = { "family", "mux", "mode", "scan", "mechanism",
						   names[i][0], "variant", names[i][1], "fd_type",
						   "eventfd", "ipc", "thread", "placement",
						   "same-cpu", "nfds", sweep_nfds[k], "active", "1",
						   "threads", "1", NULL };
			char what[200];

			snprintf(what, sizeof(what), "%s at %s fds", label, heads[k + 1]);

			/* (the fd-limits preset's 100,000 and 1,000,000 fds, from a VM) */
			const struct report_ctx *from = report_beside_pick(ctx, kv, &beside, what);

			cell_text(from, from == ctx ? &trust : &beside.trust, kv, "p50_median",
				  c[k], sizeof(c[k]));
			report_beside_mark(from, c[k], sizeof(c[k]));
			row[k + 1] = c[k][0] ? c[k] : "-";
		}
		doc_row(d, row);
	}
	doc_table_end(d);
	report_trust_note(ctx, &trust);
	report_beside_note(ctx, &beside);

	double poll10k = scan_value(s, "poll", "", "10000", "p50_median");
	double epoll10k = scan_value(s, "epoll", "lt", "10000", "p50_median");
	double poll1k = scan_value(s, "poll", "", "1000", "p50_median");
	double epoll1k = scan_value(s, "epoll", "lt", "1000", "p50_median");

	if (isfinite(poll10k) && isfinite(epoll10k) && epoll10k > 0)
		doc_p(d, "poll / epoll (lt) at 10,000 fds, 1 ready: %.0fx per call. From 1,000 to "
		      "10,000 fds poll grew %.1fx and epoll %.2fx (ratios of medians; the claims "
		      "table gives their intervals).", poll10k / epoll10k,
		      poll1k > 0 ? poll10k / poll1k : NAN, epoll1k > 0 ? epoll10k / epoll1k : NAN);
}

/* The loop at 1,000 eventfds, 100 busy: what an event costs to the whole
 * machine and to the loop thread. */
static void loop_table(const struct report_ctx *ctx)
{
	const struct evb_table *s = ctx->summary;
	const char *const heads[] = { "mechanism", "events/s", "loop + writer CPU per event",
				      "loop thread", "writer thread", "machine CPU per event" };
	int have_machine = evb_table_col(s, "machine_cpu_ns_per_op_median") >= 0;
	char names[48][2][64];
	size_t n = report_mechanisms(s, "mux", "loop", names, 48);
	struct report_trust trust = { 0 };
	const char *const any[] = { "family", "mux", "mode", "loop", "nfds", "1000", "active",
				    "100", NULL };

	if (!n || harness_find_row(s, any) < 0)
		return;
	doc_h(ctx->doc, 3, "Loop: 1,000 eventfds, 100 kept busy by a writer on another CPU");
	doc_p(ctx->doc, "Events handled per second, and the CPU each event costs: the loop's "
	      "and the writer's threads together and apart (each thread's CPU clock, exact), "
	      "and the whole machine (every CPU's busy time from /proc/stat while the loop "
	      "ran: adds softirqs and kernel threads, but counts in 10 ms ticks, so a short "
	      "window has none). Loop + writer compares mechanisms fairly: epoll's wakeup work "
	      "runs in the writer's write, io_uring's task work in the loop. The writer sleeps "
	      "while it holds nothing to send, so its CPU is its writes.");
	doc_table(ctx->doc, 6, heads);
	for (size_t i = 0; i < n; i++) {
		const char *const kv[] = { "family", "mux", "mode", "loop", "mechanism",
					   names[i][0], "variant", names[i][1], "fd_type", "eventfd",
					   "ipc", "thread", "placement", "cross-cpu", "nfds", "1000",
					   "active", "100", NULL };
		char label[140], c[5][48];

		mech_label(names[i][0], names[i][1], 0, label, sizeof(label));
		report_fmt_rate(c[0], 48, report_cell(ctx, &trust, kv, "ops_per_s_median"));
		report_fmt_ns(c[1], 48, report_cell(ctx, &trust, kv, "cpu_ab_ns_per_op_median"));
		report_fmt_ns(c[2], 48, report_cell(ctx, &trust, kv, "cpu_a_ns_per_op_median"));
		report_fmt_ns(c[3], 48, report_cell(ctx, &trust, kv, "cpu_b_ns_per_op_median"));
		if (have_machine)
			report_fmt_ns(c[4], 48, report_cell(ctx, &trust, kv,
							    "machine_cpu_ns_per_op_median"));
		else
			snprintf(c[4], 48, "not available");
		const char *row[] = { label, c[0], c[1], c[2], c[3], c[4] };

		doc_row(ctx->doc, row);
	}
	doc_table_end(ctx->doc);
	report_trust_note(ctx, &trust);
	if (!have_machine)
		doc_p(ctx->doc, "Machine CPU per event: not available (this summary.csv has no "
		      "machine_cpu_ns_per_op_median column; the claims table computes it from "
		      "results.csv).");
}

/* A seed-table cell (tcp pairs, clients in another process, 10% ready). */
#define SEED_KV(mode_, m, v, nfds, active) \
	{ "family", "mux", "mode", mode_, "mechanism", m, "variant", v, "fd_type", "tcp", \
	  "ipc", "process", "placement", "same-cpu", "nfds", nfds, "active", active, NULL }

static const char *const seed_active[] = { "100", "1000", "10000" };

static void seed_scan_table(const struct report_ctx *ctx)
{
	const char *const heads[] = { "mechanism", "fds", "published avg (p99)",
				      "measured p50 (p99) per call", "ratio avg / p50" };
	struct report_trust trust = { 0 };
	struct report_beside beside = { 0 };

	doc_table(ctx->doc, 5, heads);
	for (size_t i = 0; i < sizeof(seed) / sizeof(seed[0]); i++)
		for (int k = 0; k < 3; k++) {
			char label[80], pub[64], meas[160], p50[32], p99[32], ratio[96], what[120];
			const char *const kv[] = SEED_KV("scan", seed[i].mechanism, seed[i].variant,
							 seed_nfds[k], seed_active[k]);

			mech_label(seed[i].mechanism, seed[i].variant, 0, label, sizeof(label));
			snprintf(what, sizeof(what), "%s at %s fds", label, seed_nfds[k]);

			const struct report_ctx *c = report_beside_pick(ctx, kv, &beside, what);
			struct report_trust *t = c == ctx ? &trust : &beside.trust;
			double m50 = report_value(c->summary, kv, "p50_median");

			if (isfinite(seed[i].avg_ms[k]))
				snprintf(pub, sizeof(pub), "%g ms (%g ms)", seed[i].avg_ms[k],
					 seed[i].p99_ms[k]);
			else
				snprintf(pub, sizeof(pub), "FAILED (FD_SETSIZE)");
			cell_text(c, t, kv, "p50_median", p50, sizeof(p50));
			cell_text(c, t, kv, "p99_pooled", p99, sizeof(p99));
			if (isfinite(m50))
				snprintf(meas, sizeof(meas), "%s (%s)", p50, p99);
			else
				snprintf(meas, sizeof(meas), "%s", p50[0] ? p50 : "not run");
			if (isfinite(m50) && m50 > 0 && isfinite(seed[i].avg_ms[k]))
				snprintf(ratio, sizeof(ratio), "%.0fx", seed[i].avg_ms[k] * 1e6 / m50);
			else
				snprintf(ratio, sizeof(ratio), "-");
			report_beside_mark(c, meas, sizeof(meas));
			if (isfinite(m50))
				report_beside_mark(c, ratio, sizeof(ratio));
			const char *row[] = { label, seed_nfds[k], pub, meas, ratio };

			doc_row(ctx->doc, row);
		}
	doc_table_end(ctx->doc);
	report_trust_note(ctx, &trust);
	report_beside_note(ctx, &beside);
}

/* Memory at 10,000 fds: user space (RSS growth) and kernel (slab growth). */
static void seed_memory_table(const struct report_ctx *ctx)
{
	const char *const heads[] = { "mechanism", "published bytes at 10,000 fds",
				      "measured RSS growth", "measured kernel slab growth" };
	struct report_trust trust = { 0 };
	struct report_beside beside = { 0 };

	doc_table(ctx->doc, 4, heads);
	for (size_t i = 0; i < sizeof(seed) / sizeof(seed[0]); i++) {
		const char *const kv[] = SEED_KV("register", seed[i].mechanism, seed[i].variant,
						 "10000", "");
		char label[80], pub[48], r[160], k[160], what[120];

		mech_label(seed[i].mechanism, seed[i].variant, 0, label, sizeof(label));
		snprintf(what, sizeof(what), "%s memory at 10000 fds", label);

		const struct report_ctx *c = report_beside_pick(ctx, kv, &beside, what);
		struct report_trust *t = c == ctx ? &trust : &beside.trust;
		double rss = report_cell(c, t, kv, "rss_bytes_per_fd_median");
		double slab = report_cell(c, t, kv, "slab_bytes_per_fd_median");

		snprintf(pub, sizeof(pub), "%.0f B%s", seed_bytes[i],
			 !strcmp(seed[i].mechanism, "epoll") ? " + kernel state" : "");
		if (isfinite(rss))
			snprintf(r, sizeof(r), "%.0f B (%.1f B/fd)", rss * 10000, rss);
		else
			snprintf(r, sizeof(r), "-");
		if (isfinite(slab))
			snprintf(k, sizeof(k), "%.0f B (%.1f B/fd)", slab * 10000, slab);
		else
			snprintf(k, sizeof(k), "not measured");
		report_beside_mark(c, r, sizeof(r));
		report_beside_mark(c, k, sizeof(k));
		const char *row[] = { label, pub, r, k };

		doc_row(ctx->doc, row);
	}
	doc_table_end(ctx->doc);
	report_trust_note(ctx, &trust);
	report_beside_note(ctx, &beside);
	doc_p(ctx->doc, "RSS growth counts pages touched between before the mechanism's setup "
	      "and after its first add of all fds (page-granular: meaningful from about 1,000 "
	      "fds); epoll and io_uring reap into a fixed array of events, as a real loop "
	      "does, so their user side does not grow with the fds. Slab growth sums the "
	      "mechanism's caches in /proc/slabinfo (epoll: eventpoll_epi, eventpoll_pwq where "
	      "the kernel keeps it unmerged; io_uring: io_kiocb); \"not measured\" where "
	      "/proc/slabinfo is not readable; select and poll keep nothing in the kernel "
	      "between calls.");
}

static void seed_table(const struct report_ctx *ctx)
{
	int any = 0;

	for (size_t i = 0; i < sizeof(seed) / sizeof(seed[0]) && !any; i++)
		for (int k = 0; k < 3 && !any; k++) {
			const char *const kv[] = { "family", "mux", "mode", "scan", "fd_type", "tcp",
						   "mechanism", seed[i].mechanism, "nfds",
						   seed_nfds[k], NULL };

			any = harness_find_row(ctx->summary, kv) >= 0 ||
			      (ctx->beside && harness_find_row(ctx->beside->summary, kv) >= 0);
		}
	if (!any)
		return;
	doc_h(ctx->doc, 3, "The published select/poll/epoll table, beside this machine");
	doc_p(ctx->doc, "Published: 1,000 / 10,000 / 100,000 connections, 10%% active, in ms. "
	      "Measured here: one wait call with timeout 0 over N connected loopback tcp "
	      "sockets (the client ends held by another process), N/10 of them readable, "
	      "including the set copy and the walk for the ready fds: the per-call cost. The "
	      "table does not say what its one operation is; one call here costs microseconds "
	      "to a few milliseconds, far below its figures, so they are not per call (perhaps "
	      "per batch of requests): compare how each grows with N and the ratios between "
	      "mechanisms, not absolute values. select/fdset is glibc's fd_set, refused from "
	      "FD_SETSIZE (1024) on; select/bigset is a heap bitmap sized to the highest fd, "
	      "which is how a select at 10,000 fds can be measured at all.");
	seed_scan_table(ctx);
	seed_memory_table(ctx);
}

void report_mux(const struct report_ctx *ctx)
{
	struct doc *d = ctx->doc;
	const struct evb_table *s = ctx->summary;
	char names[48][2][64];

	if (!report_mechanisms(s, "mux", "scan", names, 48))
		return;
	doc_h(d, 2, "Mux: select, poll, epoll and io_uring, from 1 fd to the fd limit");
	doc_p(d, "One thread waits on N descriptors. scan: one sample is one wait call with "
	      "timeout 0 over N registered fds, `active` of them readable, including the set "
	      "copy (select), the walk over the results (select, poll) and the re-arm "
	      "(EPOLLONESHOT, io_uring single-shot) a real loop does; every call's ready list "
	      "is checked against the fds made ready. wakeup: one sample is a writer's clock "
	      "before it writes to one random fd to the waiter's clock after its blocking wait "
	      "returned and identified that fd. loop: an event loop serving `active` busy fds, "
	      "events per second and CPU per event. register: add then remove N fds, per fd, "
	      "and the memory each registered fd costs.");
	doc_figure(d, "mux_scan", "Scan: ns per call vs registered fds, 1 ready (log-log)");
	doc_figure(d, "mux_scan_a10pct", "Scan with 10% of the fds ready");
	doc_figure(d, "mux_scan_a100pct", "Scan with every fd ready");
	doc_figure(d, "mux_wakeup", "Wakeup latency vs registered fds");
	doc_figure(d, "mux_loop", "Event loop: events/s and CPU per event vs active fraction");
	doc_figure(d, "mux_register", "Registering: ns per fd, and bytes per registered fd");
	scan_table(ctx);
	loop_table(ctx);
	seed_table(ctx);
}
