/*
 * test_mux.c - every registered mux mechanism x variant, on every fd type
 * and nfds in {1, 64, 1100}, in scan and loop modes, with the counts each
 * run verified checked here:
 *   scan  every call listed exactly the active set: sent = active x calls
 *         = delivered, lost = spurious = 0
 *   loop  every unit written was read after a report, no report found an
 *         empty fd: sent = delivered (about --iterations), lost = spurious = 0,
 *         except that a variant listing the trait "may=stale" (io_uring/poll,
 *         mux.h's MUX_MAY_STALE) may report stale completions: counted in
 *         spurious, and then named with their number in the row's reason
 * plus wakeup and register on a smaller grid, and side B as a process.
 * io_uring's variants run once per setup (--uring-setup; coop and defer
 * on eventfd and tcp only).
 * select's fdset variant (and pselect) at 1100 fds must be a skipped row
 * naming FD_SETSIZE; a cell the fd limit cannot hold must be a skipped row
 * naming RLIMIT_NOFILE, never EMFILE.  Every ok row carries machine_cpu_ns (empty
 * when its window held too few /proc/stat ticks)
 * and side A's context switches (and B's where B works: wakeup, loop), and
 * every mechanism x variant --list calls supported must give ok rows.
 * test_mux_checks.c: the count checks, maxevents, memory, usage.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evb_driver.h"
#include "evb_placement.h"
#include "evb_sys.h"
#include "testutil.h"

#define MAX_ENTRIES 32
#define ITERATIONS 40
#define LOOP_ITERATIONS 400
#define WARMUP 5

/*
 * The shared fd type names (evb_placement.h).  Their order does not matter
 * here: each cell is its own driver run with its own checks, and a walk
 * only counts the cells that ran ok.
 */
static const char *const *const fd_types = evb_fd_type_names;
static const int64_t nfds_grid[] = { 1, 64, 1100 };

struct cell {
	const struct tu_list_entry *e;
	const char *mode;
	const char *fd_type;
	const char *ipc;
	int64_t nfds;
	int64_t active;      /* 0: not passed */
	int64_t iterations;
};

/* Run one cell; returns the exit status, row filled, what names it. */
static int run_cell(const struct cell *c, struct evb_row *row, char *what, size_t what_len)
{
	char nfds[32], active[32], iterations[32], warmup[32];
	const char *args[32];
	size_t n = 0;

	snprintf(nfds, sizeof(nfds), "%lld", (long long)c->nfds);
	snprintf(active, sizeof(active), "%lld", (long long)c->active);
	snprintf(iterations, sizeof(iterations), "%lld", (long long)c->iterations);
	snprintf(warmup, sizeof(warmup), "%d", WARMUP);
	tu_entry_args(c->e, args, &n);
	args[n++] = "--mode";
	args[n++] = c->mode;
	args[n++] = "--fd-type";
	args[n++] = c->fd_type;
	args[n++] = "--ipc";
	args[n++] = c->ipc;
	args[n++] = "--nfds";
	args[n++] = nfds;
	if (c->active) {
		args[n++] = "--active";
		args[n++] = active;
	}
	args[n++] = "--iterations";
	args[n++] = iterations;
	args[n++] = "--warmup";
	args[n++] = warmup;
	args[n++] = "--timeout";
	args[n++] = "60s";
	args[n] = NULL;
	snprintf(what, what_len, "%s/%s%s%s %s %s nfds=%lld active=%lld ipc=%s", c->e->mechanism,
		 c->e->variant, c->e->uring_setup[0] ? " setup " : "", c->e->uring_setup, c->mode,
		 c->fd_type, (long long)c->nfds, (long long)c->active, c->ipc);

	int status = tu_run_row("evb-mux", args, 90, row);

	ck_assert_str_eq(row->family, "mux");
	tu_check_entry_row(c->e, row);
	ck_assert_str_eq(row->mode, c->mode);
	ck_assert_str_eq(row->fd_type, c->fd_type);
	ck_assert_str_eq(row->ipc, c->ipc);
	ck_assert_int_eq(row->nfds, c->nfds);
	return status;
}

/*
 * The stale completions the contract allows this row: none, unless the
 * variant lists "may=stale" and the mode is loop; then every spurious report
 * must be one, named in the reason as "N of M reports found nothing to read:
 * stale completions".  Returns the allowed number of spurious reports.
 */
static int64_t allowed_stale(const struct cell *c, const struct evb_row *row, const char *what)
{
	long long named = -1, of = -1;

	if (!c || strcmp(c->mode, "loop") != 0 || !tu_contains(c->e->traits, "may=stale") ||
	    row->spurious <= 0)
		return 0;
	ck_assert_msg(sscanf(row->reason, "%lld of %lld reports found nothing to read: stale",
			     &named, &of) == 2 && named == row->spurious,
		      "%s: %lld spurious reports, but the reason does not name them as stale: \"%s\"",
		      what, (long long)row->spurious, row->reason);
	return row->spurious;
}

static void expect_ok(const struct cell *c, const struct evb_row *row, int status,
		      const char *what)
{
	ck_assert_msg(status == 0 && strcmp(row->status, "ok") == 0, "%s: status %s (%d): %s",
		      what, row->status, status, row->reason);
	ck_assert_msg(row->lost == 0 && row->spurious == allowed_stale(c, row, what),
		      "%s: lost %lld, spurious %lld (sent %lld, delivered %lld)", what,
		      (long long)row->lost, (long long)row->spurious, (long long)row->sent,
		      (long long)row->delivered);
	ck_assert_int_ge(row->wall_ns, 1);
	ck_assert_int_ge(row->clock_overhead_ns, 1);
}

/* Percentiles in order where written; written exactly where the samples
 * support them (evb_row_samples_for). */
static void expect_percentiles(const struct evb_row *row, int64_t samples, const char *what)
{
	const int64_t p[] = { row->min, row->p50, row->p90, row->p99, row->p999, row->max };
	const double q[] = { 0, 0.5, 0.9, 0.99, 0.999, 0 };
	int64_t last = row->min;

	ck_assert_msg(row->samples == samples, "%s: %lld samples, want %lld", what,
		      (long long)row->samples, (long long)samples);
	ck_assert_msg(row->min >= 0 && row->max >= row->min, "%s: min/max", what);
	for (size_t i = 1; i < EVB_ARRAY_SIZE(p); i++) {
		if (q[i] > 0 && samples < evb_row_samples_for(q[i])) {
			ck_assert_msg(p[i] == EVB_NA, "%s: percentile %zu from too few samples",
				      what, i);
			continue;
		}
		ck_assert_msg(p[i] != EVB_NA && p[i] >= last, "%s: percentiles out of order",
			      what);
		last = p[i];
	}
}

/* What every ok mux row carries beside its metric. */
static void expect_usage_columns(const struct evb_row *row, bool b_works, const char *what)
{
	/* empty for a window of too few /proc/stat ticks, else at least that many */
	ck_assert_msg(row->machine_cpu_ns == EVB_NA ||
		      row->machine_cpu_ns >= EVB_MACHINE_CPU_MIN_TICKS * 1000000000LL /
					     sysconf(_SC_CLK_TCK),
		      "%s: machine_cpu_ns %lld", what, (long long)row->machine_cpu_ns);
	ck_assert_msg(isfinite(row->vcsw_a_per_op) && isfinite(row->ivcsw_a_per_op),
		      "%s: no side A context switches", what);
	if (b_works)
		ck_assert_msg(isfinite(row->vcsw_b_per_op) && isfinite(row->ivcsw_b_per_op),
			      "%s: no side B context switches", what);
}

/*
 * A scan sample is "one wait call" (mux.h): every sample enters the kernel
 * at least once (syscalls counts the waits' system calls).  With no more
 * ready fds than the default --maxevents (1024), one call lists them all, so
 * a sample is exactly one system call; except under io_uring's defer setup,
 * whose wait asks again while a call added completions (evb_uring.h), and
 * which may therefore make more.
 */
static void expect_scan_syscalls(const struct cell *c, const struct evb_row *row,
				 const char *what)
{
	bool may_ask_again = strcmp(c->e->uring_setup, "defer") == 0;

	ck_assert_msg(row->syscalls >= row->samples, "%s: %lld system calls in %lld samples",
		      what, (long long)row->syscalls, (long long)row->samples);
	if (c->active <= 1024 && !may_ask_again)
		ck_assert_msg(row->syscalls == row->samples,
			      "%s: %lld system calls in %lld samples, want one each", what,
			      (long long)row->syscalls, (long long)row->samples);
}

/* Must a fixed fd_set refuse this cell?  The watched fds start above 3. */
static int needs_big_set(const struct tu_list_entry *e, int64_t nfds)
{
	int fixed = strcmp(e->mechanism, "pselect") == 0 ||
		    (strcmp(e->mechanism, "select") == 0 && strcmp(e->variant, "fdset") == 0);

	return fixed && nfds > 1000;
}

/* Each check returns 1 for an ok row, 0 for a skipped one. */
static int check_scan(const struct cell *c)
{
	struct evb_row row;
	char what[256];
	int status = run_cell(c, &row, what, sizeof(what));

	if (needs_big_set(c->e, c->nfds)) {
		ck_assert_msg(tu_is_skipped(&row, status, what) && tu_contains(row.reason, "FD_SETSIZE"),
			      "%s: want a skipped row naming FD_SETSIZE, got %s: %s", what,
			      row.status, row.reason);
		return 0;
	}
	if (tu_is_skipped(&row, status, what))
		return 0;
	expect_ok(c, &row, status, what);
	expect_usage_columns(&row, false, what);
	ck_assert_str_eq(row.metric, "scan_ns");
	ck_assert_int_eq(row.active, c->active);
	expect_percentiles(&row, c->iterations, what);
	ck_assert_msg(row.sent == c->active * c->iterations && row.delivered == row.sent,
		      "%s: sent %lld delivered %lld, want %lld", what, (long long)row.sent,
		      (long long)row.delivered, (long long)(c->active * c->iterations));
	expect_scan_syscalls(c, &row, what);
	ck_assert_msg(row.threads == 1, "%s: threads %lld, want 1 (the default)", what,
		      (long long)row.threads);
	return 1;
}

static int check_loop(const struct cell *c)
{
	struct evb_row row;
	char what[256];
	int status = run_cell(c, &row, what, sizeof(what));

	if (needs_big_set(c->e, c->nfds)) {
		ck_assert(tu_is_skipped(&row, status, what));
		return 0;
	}
	if (tu_is_skipped(&row, status, what))
		return 0;
	expect_ok(c, &row, status, what);
	expect_usage_columns(&row, true, what);
	ck_assert_str_eq(row.metric, "events_per_s");
	/* The measured phase starts after the call that crossed the warmup,
	 * so it may hold up to `active` fewer events than --iterations. */
	ck_assert_msg(row.delivered == row.sent && row.sent <= c->iterations &&
		      row.sent >= c->iterations - c->active,
		      "%s: sent %lld delivered %lld of %lld", what, (long long)row.sent,
		      (long long)row.delivered, (long long)c->iterations);
	ck_assert_int_eq(row.samples, row.delivered);
	ck_assert_msg(row.wakeups >= 1 && row.wakeups <= row.delivered, "%s: wakeups %lld",
		      what, (long long)row.wakeups);
	ck_assert(row.ops_per_s > 0);
	return 1;
}

static int check_wakeup(const struct cell *c)
{
	struct evb_row row;
	char what[256];
	int status = run_cell(c, &row, what, sizeof(what));

	if (tu_is_skipped(&row, status, what))
		return 0;
	expect_ok(c, &row, status, what);
	expect_usage_columns(&row, true, what);
	ck_assert_str_eq(row.metric, "wakeup_ns");
	ck_assert_msg(row.sent == c->iterations && row.delivered == row.sent,
		      "%s: sent %lld delivered %lld", what, (long long)row.sent,
		      (long long)row.delivered);
	expect_percentiles(&row, c->iterations, what);
	ck_assert(row.min > 0);
	return 1;
}

static int check_register(const struct cell *c)
{
	struct evb_row row;
	char what[256];
	int status = run_cell(c, &row, what, sizeof(what));

	if (tu_is_skipped(&row, status, what))
		return 0;
	ck_assert_msg(status == 0 && strcmp(row.status, "ok") == 0, "%s: %s: %s", what,
		      row.status, row.reason);
	expect_usage_columns(&row, false, what);
	ck_assert_str_eq(row.metric, "register_ns_per_fd");
	ck_assert_int_eq(row.active, EVB_NA);
	expect_percentiles(&row, c->iterations, what);
	ck_assert(isfinite(row.mean) && row.mean >= 0 && row.ops_per_s > 0);
	ck_assert_msg(isfinite(row.rss_bytes_per_fd), "%s: no rss_bytes_per_fd", what);
	/* Readable slabinfo (root) gives a number; else the column is empty. */
	if (access("/proc/slabinfo", R_OK) == 0)
		ck_assert_msg(isfinite(row.slab_bytes_per_fd), "%s: no slab_bytes_per_fd", what);
	else
		ck_assert_msg(tu_contains(row.reason, "slab not measured"), "%s: %s", what,
			      row.reason);
	return 1;
}

static size_t list_entries(struct tu_list_entry *entries)
{
	size_t n = tu_list("evb-mux", entries, MAX_ENTRIES);

	ck_assert_int_ge(n, 15);   /* 11 variants, io_uring's two x 3 setups */
	return n;
}

START_TEST(every_mechanism_scan_and_loop)
{
	struct tu_list_entry entries[MAX_ENTRIES];
	size_t n = list_entries(entries);

	if ((size_t)_i >= n)
		return;
	const struct tu_list_entry *e = &entries[_i];

	int ok = 0;

	ck_assert_msg(e->supported || e->reason[0], "%s/%s unsupported without reason",
		      e->mechanism, e->variant);
	for (size_t t = 0; t < EVB_NFD_TYPES; t++) {
		/* a setup beyond the default: eventfd and tcp are enough */
		if (e->uring_setup[0] && strcmp(e->uring_setup, "default") &&
		    t != EVB_FD_EVENTFD && t != EVB_FD_TCP)
			continue;
		for (size_t k = 0; k < EVB_ARRAY_SIZE(nfds_grid); k++) {
			int64_t nfds = nfds_grid[k];
			struct cell c = {
				.e = e, .fd_type = fd_types[t], .ipc = "thread", .nfds = nfds,
				.active = nfds / 10 ? nfds / 10 : 1,
			};

			c.mode = "scan";
			c.iterations = ITERATIONS;
			ok += check_scan(&c);
			c.active = nfds;   /* every fd ready */
			ok += check_scan(&c);
			c.mode = "loop";
			c.active = nfds / 10 ? nfds / 10 : 1;
			c.iterations = LOOP_ITERATIONS;
			ok += check_loop(&c);
		}
	}
	/* A walk where every cell is skipped proves nothing. */
	if (e->supported)
		ck_assert_msg(ok > 0, "%s/%s: --list says supported, but no cell ran ok",
			      e->mechanism, e->variant);
}
END_TEST

START_TEST(every_mechanism_wakeup_register_and_process)
{
	static const enum evb_fd_type wakeup_types[] = { EVB_FD_PIPE, EVB_FD_EVENTFD };
	struct tu_list_entry entries[MAX_ENTRIES];
	size_t n = list_entries(entries);

	if ((size_t)_i >= n)
		return;
	const struct tu_list_entry *e = &entries[_i];
	struct cell c = { .e = e, .ipc = "thread", .nfds = 64, .iterations = ITERATIONS };
	int ok_wakeup = 0, ok_register = 0;

	for (size_t t = 0; t < EVB_ARRAY_SIZE(wakeup_types); t++) {
		c.fd_type = fd_types[wakeup_types[t]];
		c.mode = "wakeup";
		c.active = 1;
		ok_wakeup += check_wakeup(&c);
		c.mode = "register";
		c.active = 0;
		ok_register += check_register(&c);
	}
	if (e->supported)
		ck_assert_msg(ok_wakeup > 0 && ok_register > 0,
			      "%s/%s: supported, but wakeup ok %d, register ok %d", e->mechanism,
			      e->variant, ok_wakeup, ok_register);
	/* Side B as a process holding the peer ends: every mode once. */
	c.ipc = "process";
	c.fd_type = "socketpair";
	c.mode = "scan";
	c.active = 8;
	check_scan(&c);
	c.mode = "loop";
	c.iterations = LOOP_ITERATIONS;
	check_loop(&c);
	c.mode = "wakeup";
	c.active = 1;
	c.iterations = ITERATIONS;
	check_wakeup(&c);
	c.mode = "register";
	c.active = 0;
	check_register(&c);
}
END_TEST

START_TEST(select_fdset_refuses_fd_setsize)
{
	static const struct tu_list_entry fdset = { .mechanism = "select", .variant = "fdset",
						    .supported = 1 };
	static const struct tu_list_entry bigset = { .mechanism = "select", .variant = "bigset",
						     .supported = 1 };
	struct cell c = { .e = &fdset, .mode = "register", .fd_type = "eventfd", .ipc = "thread",
			  .nfds = 1100, .iterations = 5 };
	struct evb_row row;
	char what[256];
	int status = run_cell(&c, &row, what, sizeof(what));

	ck_assert(tu_is_skipped(&row, status, what));
	ck_assert_msg(tu_contains(row.reason, "FD_SETSIZE 1024"), "%s: %s", what, row.reason);
	/* The heap bitmap takes them. */
	c.e = &bigset;
	c.mode = "scan";
	c.active = 110;
	check_scan(&c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mux");
	TCase *tc = tcase_create("mechanisms");

	tcase_set_timeout(tc, 240);
	tcase_add_loop_test(tc, every_mechanism_scan_and_loop, 0, MAX_ENTRIES);
	tcase_add_loop_test(tc, every_mechanism_wakeup_register_and_process, 0, MAX_ENTRIES);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, select_fdset_refuses_fd_setsize);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
